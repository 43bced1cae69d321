// "Cite this cable", made better where a script runs; without one the block is complete.
// A site built without base_url cannot know its own address, so the citation shows the
// page's path: here it becomes the address the page was opened at (over http or https
// only: a file on disk has no address to cite). And a button copies the citation.
// A classic script, not a module: modules do not run in a page opened from disk.

(() => {
  "use strict";
  const block = document.querySelector("[data-cite]");
  const citation = block && block.querySelector(".citation");
  if (!citation) return;
  const link = citation.querySelector("a[data-cite-url]");
  if (link && /^https?:$/.test(location.protocol)) {
    link.textContent = link.href; // the link's own URL, resolved: no query, no fragment
  }
  const copy = block.querySelector(".cite-copy");
  const button = copy && copy.querySelector("button");
  const status = copy && copy.querySelector("[role=status]");
  if (!button || !status) return;
  copy.hidden = false;
  button.addEventListener("click", async () => {
    const text = citation.textContent.replace(/\s+/g, " ").trim();
    status.textContent = (await copied(text, citation))
      ? "Copied."
      : "Copying did not work here: the citation is selected, copy it with the keyboard.";
  });

  async function copied(text, element) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch {
        // refused (no permission): a selection and the older command instead
      }
    }
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try {
      return document.execCommand("copy");
    } catch {
      return false;
    }
  }
})();
