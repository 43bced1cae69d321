// The search page: Pagefind's index of the cable pages, queried in the browser. The
// index comes in shards (data-bundles, in date order, undated cables first), merged by
// Pagefind (mergeIndex): one search covers them all. Pagefind orders merged results by
// score even when asked for a date order, so each shard is marked with a filter of its
// own (shard: its number, given at load time, not stored in the index) and a date order
// is each shard's sorted results in turn, asked for shard by shard as the list grows.
// The query, the order and the filters live in the URL (q, sort, tag, origin,
// classification, year), so a search can be bookmarked and shared. Text from the index
// is put into the page as text; only Pagefind's excerpts are HTML (Pagefind escapes the
// page text in them and adds <mark> around the words found).

const FACETS = [
  ["year", "Year"],
  ["classification", "Classification"],
  ["origin", "Origin"],
  ["tag", "Tag"],
];
const PAGE = 20;
const SHOWN = 12;
const ID = /^\s*(\d{2}[A-Za-z][A-Za-z-]*\d{1,7})\s*$/;

const app = document.getElementById("search-app");
if (app) {
  start().catch((error) => {
    const status = document.getElementById("search-status");
    status.textContent = "The search could not start: " + error.message;
  });
}

async function start() {
  const root = new URL(app.dataset.root, document.baseURI);
  const form = document.getElementById("search-form");
  // The form is ours from the start: a query typed while the index loads waits for it.
  let ready = null;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const [q, sort] = [form.q.value.trim(), form.sort.value];
    await ready;
    [state.q, state.sort] = [q, sort];
    [form.q.value, form.sort.value] = [q, sort];
    if (await openCable(state.q)) return;
    update(true);
  });
  ready = (async () => {
    const bundles = app.dataset.bundles.split(" ").filter(Boolean);
    const pagefind = await import(new URL(bundles[0] + "pagefind.js", document.baseURI).href);
    await pagefind.options({ excerptLength: 28, mergeFilter: { shard: "0" } });
    await pagefind.init();
    // The shards load side by side: one after the other, a large archive waits for each.
    await Promise.all(
      bundles.slice(1).map((bundle, index) =>
        pagefind.mergeIndex(new URL(bundle, document.baseURI).href, {
          mergeFilter: { shard: String(index + 1) },
        }),
      ),
    );
    // Loaded before the first search: without them a search counts no filter values.
    return [pagefind, await pagefind.filters()];
  })();
  const [pagefind, everything] = await ready;
  app.hidden = false;

  const titles = JSON.parse(document.getElementById("tag-titles").textContent);
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const facets = document.getElementById("search-facets");
  const years = document.getElementById("search-years");
  const expanded = new Set();
  let state = fromURL();
  let results = listed([]);
  let shown = 0;
  let run = 0;
  let queue = Promise.resolve(); // the searches asked of Pagefind, one after the other

  form.q.value = state.q;
  form.sort.value = state.sort;

  form.sort.addEventListener("change", () => {
    state.sort = form.sort.value;
    update(true);
  });
  let typing = 0;
  form.q.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      state.q = form.q.value.trim();
      update(false);
    }, 250);
  });
  window.addEventListener("popstate", () => {
    state = fromURL();
    form.q.value = state.q;
    form.sort.value = state.sort;
    search();
  });
  more.addEventListener("click", () => showMore());

  if (!(await openCable(state.q, true))) search();

  function fromURL() {
    const params = new URLSearchParams(location.search);
    const filters = {};
    for (const [name] of FACETS) filters[name] = params.getAll(name).filter(Boolean);
    const sort = ["asc", "desc"].includes(params.get("sort")) ? params.get("sort") : "";
    return { q: (params.get("q") || "").trim(), sort, filters };
  }

  function toURL(push) {
    const params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    if (state.sort) params.set("sort", state.sort);
    for (const [name] of FACETS) for (const value of state.filters[name]) params.append(name, value);
    const query = params.toString();
    const url = location.pathname + (query ? "?" + query : "");
    history[push ? "pushState" : "replaceState"](null, "", url);
  }

  function update(push) {
    toURL(push);
    search();
  }

  // A cable ID typed alone goes straight to its page, when the archive has it.
  async function openCable(query, fromLink = false) {
    const match = ID.exec(query);
    if (!match || (fromLink && hasFilters())) return false;
    const target = new URL(app.dataset.cable.replace("ID", match[1].toUpperCase()), document.baseURI);
    try {
      const response = await fetch(target, { method: "HEAD" });
      if (!response.ok) return false;
    } catch {
      return false;
    }
    location.assign(target.href);
    return true;
  }

  function hasFilters() {
    return FACETS.some(([name]) => state.filters[name].length > 0);
  }

  async function search() {
    const mine = ++run;
    const filters = {};
    for (const [name] of FACETS) {
      if (state.filters[name].length) filters[name] = { any: state.filters[name] };
    }
    const options = { filters };
    if (state.sort) options.sort = { date: state.sort };
    if (!state.q && !hasFilters()) {
      const counts = everything;
      results = listed([]);
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "Type words to search every cable, or choose a filter.";
      drawFacets(counts);
      drawYears(counts.year || {});
      return;
    }
    status.textContent = "Searching…";
    const found = await one(state.q || null, options);
    if (mine !== run || found === null) return;
    results = state.sort ? byDate(found, filters, state.sort) : listed(found.results);
    shown = 0;
    list.replaceChildren();
    const what = state.q ? `“${state.q}”` : "the filters";
    status.textContent =
      results.total === 0
        ? `No cable matches ${what}.`
        : `${results.total} ${results.total === 1 ? "cable matches" : "cables match"} ${what}.`;
    drawFacets(found.filters);
    drawYears((found.filters && found.filters.year) || {});
    await showMore(mine);
  }

  async function showMore(mine = run) {
    more.disabled = true; // one batch at a time, appended in order
    const batch = await results.slice(shown, shown + PAGE);
    const data = await Promise.all(batch.map((result) => result.data()));
    if (mine !== run) return;
    shown += batch.length;
    for (const item of data) list.append(resultItem(item));
    more.hidden = batch.length === 0 || shown >= results.total;
    more.disabled = false;
  }

  // Pagefind's searches one at a time: two at once (typing, then Enter) could leave the
  // later one with no results while the other was loading the same index chunks.
  function one(query, options) {
    const next = queue.then(() => pagefind.search(query, options));
    queue = next.catch(() => {});
    return next;
  }

  // The results of one search, in Pagefind's order (relevance).
  function listed(found) {
    return { total: found.length, slice: async (start, end) => found.slice(start, end) };
  }

  // The results in date order: the shards hold consecutive spans of dates, so the order is
  // each shard's results sorted by Pagefind, shard after shard (the newest shard first for
  // "newest first"). The merged search counts the results of each shard (its shard filter);
  // a shard with none is never asked.
  function byDate(found, filters, sort) {
    const counts = (found.filters && found.filters.shard) || {};
    const order = Object.keys(counts)
      .filter((shard) => counts[shard] > 0)
      .sort((a, b) => Number(a) - Number(b));
    if (sort === "desc") order.reverse();
    const parts = new Map();
    const part = (shard) => {
      if (!parts.has(shard)) {
        const options = { filters: { ...filters, shard }, sort: { date: sort } };
        parts.set(
          shard,
          one(state.q || null, options).then((some) => some.results),
        );
      }
      return parts.get(shard);
    };
    return {
      total: found.results.length,
      async slice(start, end) {
        const out = [];
        let offset = 0;
        for (const shard of order) {
          if (offset >= end) break;
          const some = await part(shard);
          if (offset + some.length > start) {
            out.push(...some.slice(Math.max(0, start - offset), end - offset));
          }
          offset += some.length;
        }
        return out;
      },
    };
  }

  function resultItem(item) {
    const meta = item.meta || {};
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.className = "subject";
    link.href = new URL(item.url.replace(/^\/+/, ""), root).href;
    link.textContent = meta.title || meta.id || item.url;
    const line = document.createElement("span");
    line.className = "meta";
    const id = document.createElement("span");
    id.className = "cable-id";
    id.textContent = meta.id || "";
    line.append(id, ` · ${meta.date || "undated"} · ${meta.origin || "unknown origin"} · ${meta.classification || ""}`);
    const excerpt = document.createElement("p");
    excerpt.className = "excerpt";
    excerpt.innerHTML = item.excerpt; // escaped by Pagefind, with <mark> added
    li.append(link, document.createElement("br"), line, excerpt);
    return li;
  }

  function drawFacets(counts) {
    // Drawn again after each search: the control that had the focus keeps it.
    const focused = facets.contains(document.activeElement) ? document.activeElement : null;
    const key = focused && focused.type === "checkbox" ? focused.nextSibling.firstChild.textContent : null;
    facets.replaceChildren();
    const heading = document.createElement("h2");
    heading.textContent = "Filters";
    facets.append(heading);
    for (const [name, label] of FACETS) {
      const chosen = state.filters[name];
      const values = Object.entries((counts && counts[name]) || {}).filter(
        ([value, count]) => count > 0 || chosen.includes(value),
      );
      for (const value of chosen) if (!values.some(([v]) => v === value)) values.push([value, 0]);
      if (!values.length) continue;
      values.sort((a, b) =>
        name === "year"
          ? b[0].localeCompare(a[0])
          : chosen.includes(b[0]) - chosen.includes(a[0]) || b[1] - a[1] || a[0].localeCompare(b[0]),
      );
      const set = document.createElement("fieldset");
      set.dataset.facet = name;
      const legend = document.createElement("legend");
      legend.textContent = label;
      set.append(legend);
      const all = expanded.has(name);
      values.forEach(([value, count], index) => {
        if (!all && index >= SHOWN && !chosen.includes(value)) return;
        const id = `f-${name}-${value.replace(/[^A-Za-z0-9]+/g, "_")}-${index}`;
        const row = document.createElement("div");
        const box = document.createElement("input");
        box.type = "checkbox";
        box.id = id;
        box.checked = chosen.includes(value);
        box.value = value;
        box.addEventListener("change", () => {
          const kept = state.filters[name].filter((v) => v !== value);
          state.filters[name] = box.checked ? [...kept, value] : kept;
          update(true);
        });
        const text = document.createElement("label");
        text.htmlFor = id;
        const title = name === "tag" && titles[value] ? ` ${titles[value]}` : "";
        text.textContent = `${value}${title} `;
        const number = document.createElement("span");
        number.className = "count";
        number.textContent = `(${count})`;
        text.append(number);
        row.append(box, text);
        set.append(row);
      });
      if (values.length > SHOWN) {
        const toggle = document.createElement("button");
        toggle.type = "button";
        toggle.className = "link-button";
        toggle.textContent = all ? "Show fewer" : `Show all ${values.length}`;
        toggle.setAttribute("aria-expanded", String(all));
        toggle.addEventListener("click", () => {
          if (all) expanded.delete(name);
          else expanded.add(name);
          drawFacets(counts);
          facets.querySelector(`fieldset[data-facet="${name}"] .link-button`).focus();
        });
        set.append(toggle);
      }
      facets.append(set);
    }
    if (key !== null) {
      const again = [...facets.querySelectorAll("input")].find(
        (box) => box.nextSibling.firstChild.textContent === key,
      );
      if (again) again.focus();
    }
  }

  function drawYears(counts) {
    const bars = years.querySelector(".year-bars");
    bars.replaceChildren();
    const chosen = state.filters.year;
    const entries = Object.entries(counts).filter(
      ([year, count]) => /^\d{4}$/.test(year) && (count > 0 || chosen.includes(year)),
    );
    if (!entries.length) {
      years.hidden = true;
      return;
    }
    years.hidden = false;
    entries.sort((a, b) => a[0].localeCompare(b[0]));
    const top = Math.max(1, ...entries.map(([, n]) => n));
    for (const [year, count] of entries) {
      const bar = document.createElement("button");
      bar.type = "button";
      bar.className = "year-bar";
      bar.setAttribute("aria-pressed", String(chosen.length === 1 && chosen[0] === year));
      bar.setAttribute("aria-label", `${year}: ${count} ${count === 1 ? "cable" : "cables"}`);
      bar.title = `${year}: ${count}`;
      const fill = document.createElement("span");
      fill.className = "year-fill";
      fill.style.height = `${Math.max(count ? 4 : 0, Math.round((100 * count) / top))}%`;
      const label = document.createElement("span");
      label.className = "year-label";
      label.textContent = year; // the whole year, part of the button's name (WCAG 2.5.3)
      bar.append(fill, label);
      bar.addEventListener("click", () => {
        const only = chosen.length === 1 && chosen[0] === year;
        state.filters.year = only ? [] : [year];
        update(true);
      });
      bars.append(bar);
    }
  }
}
