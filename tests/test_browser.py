"""The corpus site in a real browser: Debian's chromium driven by Playwright, the site served
over HTTP on 127.0.0.1 by the standard library.

A visitor's path through the site (home, a tag, a cable, a reference and back, the timeline
down to a month, the switch between repaired and original text), every page free of console
errors and warnings, page errors, failed requests and requests to any other host; the main
page kinds at desktop and phone width (one h1, no horizontal scroll, an icon of their own)
with screenshots in ``test-artifacts/screenshots/``; the pages with the longest unbroken words
at phone width. The browser helpers are in ``browsing.py``.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browsing import CHROMIUM, DESKTOP, PHONE, launched, served, tab
from minisite import cable, make_site
from playwright.sync_api import Browser, Dialog, Locator, Page
from sitecheck import Site, build_corpus, corpus_site, in_archive_references, tag_slug

from sitegen.core.config import load_config
from sitegen.render import search
from sitegen.site.build import build

if not CHROMIUM.is_file():
    pytest.skip(f"no chromium at {CHROMIUM} (CI installs it in .ci/run)", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Site:
    return corpus_site(tmp_path_factory, corpus)


@pytest.fixture(scope="module")
def base_url(site: Site) -> Iterator[str]:
    with served(site.output) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched() as browser:
        yield browser


def _path(page: Page, base: str) -> str:
    """The site path of the page's URL (``cable/08BAKU129/``)."""
    assert page.url.startswith(base), page.url
    return page.url[len(base) :].split("#", 1)[0]


def _follow(page: Page, link: Locator) -> None:
    """Click ``link`` (a locator) and wait for the page it opens."""
    with page.expect_navigation():
        link.click()


# The text that sticks out on the right of the viewport, for the failure message.
_OVERFLOWING_TEXT = """() => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walk.nextNode(); node && out.length < 3; node = walk.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    const right = Math.max(0, ...Array.from(range.getClientRects(), (r) => r.right));
    if (right > innerWidth + 1 && node.parentElement.closest(".chart") === null) {
      const word = node.textContent.split(/\\s+/).reduce((a, b) => (b.length > a.length ? b : a));
      const el = node.parentElement;
      out.push(`<${el.tagName.toLowerCase()} class="${el.className}"> ${word.slice(0, 60)}`);
    }
  }
  return out;
}"""


def _horizontal_overflow(page: Page) -> str | None:
    """None when the page fits the viewport's width, else what sticks out."""
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll <= inner + 1:
        return None
    culprits = "; ".join(page.evaluate(_OVERFLOWING_TEXT)) or "?"
    where = urlsplit(page.url).path
    return f"{where}: {scroll} px wide at {inner} px ({culprits})"


def _no_horizontal_scroll(page: Page) -> None:
    problem = _horizontal_overflow(page)
    assert problem is None, f"horizontal scroll: {problem}"


def _section(page: Page, heading: str) -> Locator:
    """The ``<section>`` whose h2 reads ``heading``."""
    return page.locator("section").filter(
        has=page.get_by_role("heading", name=heading, exact=True, level=2)
    )


@pytest.fixture(scope="module")
def sample(site: Site) -> dict[str, str]:
    """Cables the tests visit, chosen from the data: a short cable that cites another cable
    of the archive, is cited, and whose text has repairs."""
    pairs = in_archive_references(site)
    cited_by: dict[str, list[str]] = {}
    for a, b in pairs:
        cited_by.setdefault(b, []).append(a)
    repaired = [
        cid
        for cid, data in site.cables.items()
        if data["reading"] is not None and any(a == cid for a, _ in pairs) and cid in cited_by
    ]
    assert repaired, "the corpus should hold a cable with repairs that cites and is cited"
    citing = min(repaired, key=lambda c: (len(site.cables[c]["text"]), c))
    cited = next(b for a, b in pairs if a == citing)
    data = site.cables[citing]
    return {
        "citing": citing,
        "cited": cited,
        "origin": data["origin_code"],
        "tag": data["tags"][0],
        "year": data["created"][:4],
        "month": data["created"][5:7],
    }


def test_a_visit_through_the_site(
    browser: Browser, base_url: str, site: Site, sample: dict[str, str]
) -> None:
    visited = 0
    with tab(browser, DESKTOP) as page:
        page.goto(base_url)
        visited += 1
        assert page.locator("h1").inner_text() == page.title()
        # Home -> a tag.
        top_tags = _section(page, "Top tags")
        link = top_tags.locator("li a").first
        code = link.locator(".tag-code").inner_text()
        _follow(page, link)
        visited += 1
        assert re.fullmatch(r"tag/[^/]+/", _path(page, base_url)), page.url
        assert code in page.locator("h1").inner_text()
        # Tag -> a cable.
        first = page.locator("ol.cable-list a.subject").first
        _follow(page, first)
        visited += 1
        cid = _path(page, base_url).split("/")[1]
        assert _path(page, base_url) == f"cable/{cid}/"
        assert code in site.cables[cid]["tags"]
        assert page.locator("h1").inner_text() == (site.cables[cid]["subject"] or cid)

        # A cable -> the cable it cites -> "Referenced by" lists the citing one -> back.
        citing, cited = sample["citing"], sample["cited"]
        page.goto(f"{base_url}cable/{citing}/")
        visited += 1
        ref = _section(page, "References").locator(f'a[href$="cable/{cited}/"]').first
        _follow(page, ref)
        visited += 1
        assert _path(page, base_url) == f"cable/{cited}/"
        assert page.locator("h1").inner_text() == (site.cables[cited]["subject"] or cited)
        back = _section(page, "Referenced by").locator(f'a[href$="cable/{citing}/"]')
        assert back.count() == 1 and back.is_visible()
        assert citing in back.inner_text()
        _follow(page, back)
        visited += 1
        assert _path(page, base_url) == f"cable/{citing}/"

        # The timeline -> a year (through its histogram bar) -> a month.
        _follow(page, page.get_by_role("navigation", name="Archive").get_by_text("Timeline"))
        visited += 1
        assert _path(page, base_url) == "timeline/"
        assert page.locator("h1").inner_text() == "Timeline"
        year, month = sample["year"], sample["month"]
        bar = page.locator(f'svg a[href$="{year}/"]')
        _follow(page, bar)
        visited += 1
        assert _path(page, base_url) == f"timeline/{year}/"
        assert page.locator("h1").inner_text() == year
        _follow(page, page.locator(f'ul.year-list a[href$="{year}/{month}/"]'))
        visited += 1
        assert _path(page, base_url) == f"timeline/{year}/{month}/"
        assert page.locator("h1").inner_text().endswith(year)
        assert page.locator("ol.cable-list a.subject").count() >= 1
        # The month lists the cable, on its first page or a later one of its pager.
        while page.locator(f'ol.cable-list a[href$="cable/{citing}/"]').count() == 0:
            following = page.locator('nav.pager a[rel="next"]')
            assert following.count() == 1, f"{citing} is not listed under {year}-{month}"
            _follow(page, following)
            visited += 1
        _no_horizontal_scroll(page)
    print(
        f"\n[browser] a visit of {visited} pages: home, tag, cable, reference both ways, "
        f"timeline, {year}, {year}-{month}; no console error, no foreign request"
    )


def _changed_line(text: str, reading: str) -> tuple[str, str]:
    """A line the repairs changed: (as released, as repaired), each absent from the other."""
    for before, after in zip(text.split("\n"), reading.split("\n"), strict=False):
        b, a = before.strip(), after.strip()
        if b != a and b not in reading and a not in text and len(a) > 10:
            return b, a
    raise AssertionError("no line of the text is changed by the repairs")


def test_switch_between_repaired_and_original_text(
    browser: Browser, base_url: str, site: Site, sample: dict[str, str]
) -> None:
    cid = sample["citing"]
    data = site.cables[cid]
    original, repaired = _changed_line(data["text"], data["reading"])
    with tab(browser, DESKTOP, javascript=False) as page:
        page.goto(f"{base_url}cable/{cid}/")
        text = page.locator("#text")

        def shown() -> str:
            return text.inner_text()  # what is displayed: hidden marks are left out

        assert repaired in shown() and original not in shown()
        assert page.locator("#text ins").first.is_visible()
        page.get_by_role("link", name=re.compile("Show the original")).click()
        page.wait_for_url(re.compile("#original$"))
        assert original in shown() and repaired not in shown()
        assert page.get_by_role("link", name=re.compile("Show the repaired text")).is_visible()
        page.get_by_role("link", name=re.compile("Show the repaired text")).click()
        page.wait_for_url(re.compile("#text$"))
        assert repaired in shown() and original not in shown()
        page.go_back()
        page.wait_for_url(re.compile("#original$"))
        assert original in shown() and repaired not in shown()
    print(
        f"\n[browser] {cid}: repaired text shown, original one click away and back, "
        "with JavaScript off"
    )


def test_cite_block_with_and_without_javascript(
    browser: Browser, base_url: str, sample: dict[str, str]
) -> None:
    """The corpus site has no base_url: without a script the citation shows the page's path
    and no copy button; with it, the address the page was opened at, and a button that
    copies the citation from the keyboard."""
    cid = sample["citing"]
    url = f"{base_url}cable/{cid}/"
    with tab(browser, DESKTOP, javascript=False) as page:
        page.goto(url)
        citation = page.locator("p.citation")
        assert citation.locator("a.cite-url").inner_text() == f"cable/{cid}/"
        assert page.locator(".cite-copy").is_hidden()
    with tab(browser, DESKTOP) as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        page.goto(url)
        citation = page.locator("p.citation")
        link = citation.locator("a.cite-url")
        assert link.inner_text() == url
        text = " ".join(citation.inner_text().split())
        assert text.endswith(f", {url} (accessed [date]).") and cid in text
        button = page.get_by_role("button", name="Copy the citation")
        assert button.is_visible()
        button.focus()
        page.keyboard.press("Enter")
        status = page.locator(".cite-copy [role=status]")
        status.filter(has_text="Copied.").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == text
    print(f"\n[browser] {cid}: the citation without a script, then filled and copied")


def _page_kinds(sample: dict[str, str]) -> dict[str, str]:
    return {
        "home": "",
        "cable": f"cable/{sample['citing']}/",
        "tag": f"tag/{tag_slug(sample['tag'])}/",
        "origin": f"origin/{sample['origin']}/",
        "timeline": "timeline/",
        "year": f"timeline/{sample['year']}/",
        "month": f"timeline/{sample['year']}/{sample['month']}/",
        "missing": "references/unresolved/",
        "tags": "tags/",
    }


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_page_kinds_render_cleanly(
    browser: Browser, base_url: str, sample: dict[str, str], width: str
) -> None:
    """Each main kind of page: one h1, no horizontal scroll, an icon of its own (without one
    the browser asks the host root for /favicon.ico: a failed request and a console error),
    and a full-page screenshot. Every page is shot before anything is asserted."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    viewport = DESKTOP if width == "desktop" else PHONE
    kinds = _page_kinds(sample)
    failures: list[str] = []
    with tab(browser, viewport) as page:
        for kind, path in kinds.items():
            page.goto(base_url + path)
            shot = SCREENSHOTS / f"{kind}-{viewport['width']}.png"
            page.screenshot(path=str(shot), full_page=True)
            if page.locator("h1").count() != 1:
                failures.append(f"{kind} ({path or '/'}): not one h1")
            if overflow := _horizontal_overflow(page):
                failures.append(f"{kind}: horizontal scroll: {overflow}")
            if page.locator('link[rel~="icon"]').count() == 0:
                failures.append(f"{kind} ({path or '/'}): no <link rel=icon>")
    print(
        f"\n[browser] {len(kinds)} page kinds at {viewport['width']} px, "
        f"screenshots in {SCREENSHOTS.relative_to(ROOT)}/; {len(failures)} problems"
    )
    assert not failures, "\n".join(failures)


def _widest_pages(site: Site) -> list[str]:
    """The pages most likely to be too wide for a phone, from the data: the cables with the
    longest unbroken words in their heading, summary, recipients or text, the longest tag
    codes and origin names, and the index pages."""

    def longest(*texts: str | None) -> int:
        return max((len(w) for text in texts if text for w in text.split()), default=0)

    cables = site.cables
    by_head = sorted(
        cables,
        key=lambda c: (
            -longest(
                cables[c]["subject"],
                cables[c]["summary"],
                *cables[c]["to"],
                *cables[c]["info"],
                cables[c]["classified_by"],
            ),
            c,
        ),
    )
    by_text = sorted(cables, key=lambda c: (-longest(cables[c]["reading"] or cables[c]["text"]), c))
    tags = sorted({t for c in cables.values() for t in c["tags"]}, key=lambda t: (-len(t), t))
    origins = {c["origin_code"]: c["origin"] or "" for c in cables.values() if c["origin_code"]}
    by_origin = sorted(origins, key=lambda o: (-longest(origins[o]), o))
    pages = [f"cable/{c}/" for c in dict.fromkeys(by_head[:8] + by_text[:4])]
    pages += [f"tag/{tag_slug(t)}/" for t in tags[:3]]
    pages += [f"origin/{o}/" for o in by_origin[:3]]
    index = ["", "tags/", "origins/", "classification/", "timeline/", "references/unresolved/"]
    return [*pages, *index, "404.html"]


def test_the_widest_pages_fit_a_phone(browser: Browser, base_url: str, site: Site) -> None:
    pages = _widest_pages(site)
    failures = []
    with tab(browser, PHONE) as page:
        for path in pages:
            page.goto(base_url + path)
            if overflow := _horizontal_overflow(page):
                failures.append(overflow)
    print(
        f"\n[browser] {len(pages)} pages with the longest words at 390 px: {len(failures)} too wide"
    )
    assert not failures, f"{len(failures)} pages scroll sideways at 390 px:\n" + "\n".join(failures)


# -- search -------------------------------------------------------------------------------

KNOWN = "08BAKU761"
"""A corpus cable (TAGS: PREL PGOV ENRG AJ GG TU; August 2008) and a phrase only it has."""
PHRASE = '"natural gas crisis"'


def _results(page: Page) -> list[str]:
    """The IDs of the results shown, in order (once the status says the search is done)."""
    page.wait_for_function(
        "() => !document.getElementById('search-status').textContent.startsWith('Search')"
        " && document.getElementById('search-status').textContent !== ''"
    )
    page.wait_for_function(
        "() => document.querySelectorAll('#search-results li').length > 0"
        " || /^No cable/.test(document.getElementById('search-status').textContent)"
    )
    return page.locator("#search-results .cable-id").all_inner_texts()


def _count(page: Page) -> int:
    text = page.locator("#search-status").inner_text()
    match = re.match(r"(\d+) cables? match", text)
    return int(match.group(1)) if match else 0


def test_search_finds_a_phrase_narrows_it_and_shares_it(
    browser: Browser, base_url: str, site: Site
) -> None:
    assert (site.output / "pagefind/0/pagefind.js").is_file()
    with tab(browser, DESKTOP) as page:
        # From the box in the header of any page.
        page.goto(base_url + "tags/")
        page.get_by_role("searchbox", name="Search the cables").fill("oil export routes")
        with page.expect_navigation():
            page.get_by_role("searchbox", name="Search the cables").press("Enter")
        assert _path(page, base_url).startswith("search/")
        assert KNOWN in _results(page)
        # A phrase from the text: the cable first.
        page.get_by_label("Words, a").fill(PHRASE)
        page.get_by_label("Words, a").press("Enter")
        page.wait_for_url(re.compile(r"q=%22natural"))
        found = _results(page)
        assert found[0] == KNOWN
        # Broader words, then narrowed by a tag and by a year (from the histogram).
        page.get_by_label("Words, a").fill("pipeline")
        page.get_by_label("Words, a").press("Enter")
        page.wait_for_url(re.compile(r"q=pipeline$"))
        _results(page)
        everything = _count(page)
        assert everything > 5
        tags = page.locator("#search-facets fieldset[data-facet=tag]")
        if tags.get_by_label(re.compile(r"^ENRG ")).count() == 0:
            tags.get_by_role("button", name=re.compile(r"^Show all")).click()
        tags.get_by_label(re.compile(r"^ENRG ")).check()
        page.wait_for_url(re.compile(r"tag=ENRG"))
        _results(page)
        energy = _count(page)
        assert 0 < energy < everything
        page.get_by_role("button", name=re.compile(r"^2008: \d+ cables?$")).click()
        page.wait_for_url(re.compile(r"year=2008"))
        in_2008 = _results(page)
        assert 0 < _count(page) <= energy
        assert KNOWN in in_2008 or _count(page) > len(in_2008)
        for cid in in_2008:
            data = site.cables[cid]
            assert "ENRG" in data["tags"] and (data["created"] or "").startswith("2008"), cid
        shared = page.url
        # The URL keeps the search: opened anew, the same results.
        page.goto(shared)
        assert _results(page) == in_2008
        assert page.locator("#search-facets input[value=ENRG]").is_checked()
        # A result leads to its cable.
        first = in_2008[0]
        _follow(page, page.locator("#search-results a.subject").first)
        assert _path(page, base_url) == f"cable/{first}/"
        # An ID typed in the box goes straight to the cable.
        page.goto(base_url + "search/")
        page.get_by_label("Words, a").fill(KNOWN.lower())
        page.get_by_label("Words, a").press("Enter")
        page.wait_for_url(base_url + f"cable/{KNOWN}/")


def test_search_is_usable_by_keyboard_and_says_what_it_found(
    browser: Browser, base_url: str
) -> None:
    with tab(browser, DESKTOP) as page:
        page.goto(base_url + "search/?q=" + PHRASE)
        assert _results(page)[0] == KNOWN
        status = page.locator("#search-status")
        assert status.get_attribute("role") == "status"
        assert re.match(r"\d+ cables? match", status.inner_text())
        excerpt = page.locator("#search-results .excerpt").first
        assert excerpt.locator("mark").count() >= 1
        assert "natural" in excerpt.locator("mark").first.inner_text().lower()
        # Tab from the box reaches the order, the button, then the results.
        page.get_by_label("Words, a").focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "sort"
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "year-bar"
        year = page.evaluate("document.activeElement.getAttribute('aria-label')")[:4]
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(rf"year={year}"))
        page.wait_for_selector(".year-bar[aria-pressed=true]")  # drawn again by the search
        assert page.locator(".year-bar[aria-pressed=true]").count() == 1


def test_date_order_holds_across_the_index_shards(
    browser: Browser, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A third of the corpus indexed in shards of 120 cables: "newest first" and "oldest
    first" list every match in date order across the shards, page after page."""
    monkeypatch.setattr(search, "SHARD_SIZE", 120)
    content = tmp_path / "content" / "cables"
    content.mkdir(parents=True)
    for path in sorted(corpus.glob("*.txt"))[::3]:
        shutil.copyfile(path, content / path.name)
    build_corpus(tmp_path, content)
    cables = {
        p.stem: json.loads(p.read_bytes()) for p in (tmp_path / "output/api/cables").glob("*")
    }
    assert len(list((tmp_path / "output/pagefind").iterdir())) >= 7
    tagged = [data for data in cables.values() if "PREL" in data["tags"]]
    dates = sorted((data["created"] or "0000") for data in tagged)
    with served(tmp_path / "output") as url, tab(browser, DESKTOP) as page:
        for order, expected in (("desc", dates[::-1]), ("asc", dates)):
            page.goto(url + f"search/?sort={order}&tag=PREL")
            shown = _results(page)
            assert _count(page) == len(tagged)
            while len(shown) < 80:  # four batches: the first ones span several shards
                before = len(shown)
                page.get_by_role("button", name="Show more results").click()
                page.wait_for_function(
                    f"() => document.querySelectorAll('#search-results li').length > {before}"
                )
                shown = page.locator("#search-results .cable-id").all_inner_texts()
            assert len(set(shown)) == len(shown)
            got = [cables[cid]["created"] or "0000" for cid in shown]
            assert got == expected[: len(got)], order


def test_hostile_cable_text_stays_text_in_the_search_results(
    browser: Browser, tmp_path: Path
) -> None:
    """Markup, script and template syntax in a cable's subject, tags, origin and text, found
    by a search: the results show them as text (Pagefind's excerpt is the one piece put in
    as HTML), nothing runs, no element is injected."""
    payload = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>{{ 7*7 }}'
    root = make_site(
        tmp_path / "site",
        {
            "content/cables/08BAKU1.txt": cable(
                "08BAKU1",
                subject=f"ZANZIBAR TALKS {payload}",
                tags=f"PREL, {payload}",
                origin=f"Embassy Baku {payload}",
                body=f"1. (C) The zanzibar question {payload} and more zanzibar words.",
            )
        },
        'title = "Hostile"\n',
    )
    result = build(load_config(root / "sitegen.toml"))
    assert result.cables == 1
    with served(root / "output") as url, tab(browser, DESKTOP) as page:
        dialogs: list[str] = []

        def seen(dialog: Dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", seen)
        page.goto(url + "search/?q=zanzibar")
        assert _results(page) == ["08BAKU1"]
        results = page.locator("#search-results")
        assert results.locator("img, script, iframe, svg").count() == 0
        assert "ZANZIBAR TALKS <img" in results.locator("a.subject").inner_text()
        excerpt = results.locator(".excerpt").first
        assert excerpt.locator("mark").count() >= 1
        assert "<script>" in excerpt.inner_text() or "onerror" in excerpt.inner_text()
        facets = page.locator("#search-facets")
        assert facets.locator("img, script").count() == 0
        assert page.evaluate("window.pwned") is None
        assert not dialogs
