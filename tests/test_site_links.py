"""The built corpus site, checked as a whole: every page present, every link and fragment
resolving inside the output, references linked both ways, every tag, origin and year with its
page, the same bytes on a second build, and the head and landmarks of every page.

The corpus site is built once per session (``sitecheck.corpus_site``) and its pages parsed
once with the standard library's ``html.parser``.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from sitecheck import (
    Page,
    Site,
    build_corpus,
    corpus_site,
    in_archive_references,
    parse_page,
    resolver,
    tag_slug,
    target_of,
)

SHOWN = 25  # failures listed in an assertion message


def _report(what: str, failures: list[str]) -> str:
    more = f"\n... and {len(failures) - SHOWN} more" if len(failures) > SHOWN else ""
    return f"{len(failures)} {what}:\n" + "\n".join(failures[:SHOWN]) + more


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Site:
    return corpus_site(tmp_path_factory, corpus)


@pytest.fixture(scope="session")
def pages(site: Site) -> dict[str, Page]:
    """Every HTML page of the site, parsed, by output path."""
    return {path: parse_page(path, site.files[path]) for path in site.html_paths()}


def test_every_cable_file_has_its_page_and_json(corpus: Path, site: Site) -> None:
    """A file is named after its cable's ID; a malformed ID of the release (repaired by the
    parser, ``docs/parser.md``) is kept among the cable's aliases."""
    files = site.result.files
    names = resolver(site)
    failures = []
    stems = sorted(p.stem for p in corpus.glob("*.txt"))
    repaired = []
    for stem in stems:
        cid = names.get(stem)
        if cid is None:
            failures.append(f"{stem}.txt: no cable with that ID or alias in api/cables/")
            continue
        if cid != stem:
            repaired.append(f"{stem} -> {cid}")
        for wanted in (f"cable/{cid}/index.html", f"api/cables/{cid}.json"):
            if wanted not in files:
                failures.append(f"{stem}.txt: no {wanted}")
    if len(set(map(names.get, stems))) != len(stems):
        failures.append("two files give the same cable")
    extra = sorted(set(site.cables) - {names.get(s) for s in stems})
    failures += [f"api/cables/{cid}.json has no file" for cid in extra]
    print(
        f"\n[site] {len(stems)} cable files, {len(site.cables)} cable pages and JSON files"
        f" (IDs repaired from the file name: {', '.join(repaired) or 'none'})"
    )
    assert not failures, _report("cable files without their page or JSON", failures)


def test_every_internal_link_resolves(site: Site, pages: dict[str, Page]) -> None:
    files = site.result.files
    failures: list[str] = []
    links = fragments = 0
    kinds: Counter[str] = Counter()
    for path, page in pages.items():
        for link in page.links:
            links += 1
            where = f"{path}:{link.line}: <{link.tag} {link.attr}={link.value!r}>"
            try:
                target, fragment = target_of(path, link.value)
            except ValueError as exc:
                failures.append(f"{where}: {exc}")
                continue
            if target not in files:
                failures.append(f"{where}: no file {target}")
                continue
            kinds[target.split("/", 1)[0] if "/" in target else target] += 1
            if fragment:
                fragments += 1
                if target not in pages:
                    failures.append(f"{where}: fragment into a file that is not HTML")
                elif fragment not in pages[target].ids:
                    failures.append(f"{where}: no id {fragment!r} in {target}")
    # The stylesheets load nothing from elsewhere either.
    for path, data in site.files.items():
        if not path.endswith(".css"):
            continue
        text = data.decode("utf-8")
        for m in re.finditer(r"url\(\s*['\"]?([^'\")]+)|@import\s+['\"]([^'\"]+)", text):
            url = (m.group(1) or m.group(2)).strip()
            links += 1
            try:
                target, _ = target_of(path, url)
            except ValueError as exc:
                failures.append(f"{path}: url({url}): {exc}")
                continue
            if target not in files:
                failures.append(f"{path}: url({url}): no file {target}")
    print(
        f"\n[site] {len(pages)} HTML pages checked, {links} links checked "
        f"({fragments} with a fragment); targets by first segment: {dict(kinds.most_common(8))}"
    )
    assert links > len(pages)
    assert not failures, _report("broken or external links", failures)


def test_no_duplicate_ids(pages: dict[str, Page]) -> None:
    failures = [
        f"{p}: duplicate id {sorted(pg.duplicate_ids)}"
        for p, pg in pages.items()
        if pg.duplicate_ids
    ]
    assert not failures, _report("pages with a repeated id", failures)


def _links_in(page: Page, section: str) -> set[str]:
    """The output files that the links of ``page``'s section headed ``section`` name."""
    out = set()
    for link in page.links:
        if link.tag == "a" and link.section == section:
            try:
                out.add(target_of(page.path, link.value)[0])
            except ValueError:
                continue
    return out


def test_references_are_linked_both_ways(site: Site, pages: dict[str, Page]) -> None:
    pairs = in_archive_references(site)
    failures = []
    for citing, cited in pairs:
        citing_file, cited_file = f"cable/{citing}/index.html", f"cable/{cited}/index.html"
        if cited_file not in _links_in(pages[citing_file], "References"):
            failures.append(f"{citing} cites {cited}: no link to it under References")
        if citing_file not in _links_in(pages[cited_file], "Referenced by"):
            failures.append(f"{cited} is cited by {citing}: no link back under Referenced by")
        if citing not in site.cables[cited]["referenced_by"]:
            failures.append(f"{cited}.json: referenced_by lacks {citing}")
    # And nothing else: every "Referenced by" link is one of those references.
    expected = set(pairs)
    for cid in site.cables:
        page = pages[f"cable/{cid}/index.html"]
        for target in _links_in(page, "Referenced by"):
            citing = target.split("/")[1]
            if (citing, cid) not in expected:
                failures.append(f"{cid}: 'Referenced by' lists {citing}, which does not cite it")
        for citing in site.cables[cid]["referenced_by"]:
            if (citing, cid) not in expected:
                failures.append(f"{cid}.json: referenced_by lists {citing}, which does not cite it")
    print(
        f"\n[site] {len(pairs)} references between cables of the archive checked both ways "
        f"({len({a for a, _ in pairs})} citing cables, {len({b for _, b in pairs})} cited)"
    )
    assert pairs, "the corpus should hold references between its cables"
    assert not failures, _report("references not linked both ways", failures)


def test_every_tag_origin_and_year_has_its_page(site: Site, pages: dict[str, Page]) -> None:
    tags: set[str] = set()
    origins: set[str] = set()
    years: set[str] = set()
    months: set[tuple[str, str]] = set()
    classifications: set[str] = set()
    for data in site.cables.values():
        tags.update(data["tags"])
        if data["origin_code"]:
            origins.add(data["origin_code"])
        if data["created"]:
            years.add(data["created"][:4])
            months.add((data["created"][:4], data["created"][5:7]))
        if data["classification"]:
            classifications.add(data["classification"])
    failures = []
    for code in sorted(tags):
        # Codes that share a slug are kept apart with -2, -3...: one of them is the page.
        base = tag_slug(code)
        candidates = [f"tag/{base}/index.html"] + [f"tag/{base}-{n}/index.html" for n in (2, 3)]
        if not any(c in pages and code in " ".join(pages[c].h1) for c in candidates):
            failures.append(f"tag {code!r}: no page tag/{base}/ with the code in its h1")
    for code in sorted(origins):
        if f"origin/{code}/index.html" not in pages:
            failures.append(f"origin {code}: no page origin/{code}/")
    for year in sorted(years):
        if f"timeline/{year}/index.html" not in pages:
            failures.append(f"year {year}: no page timeline/{year}/")
    for year, month in sorted(months):
        if f"timeline/{year}/{month}/index.html" not in pages:
            failures.append(f"month {year}-{month}: no page timeline/{year}/{month}/")
    for name in sorted(classifications):
        slug = tag_slug(name).lower()
        if f"classification/{slug}/index.html" not in pages:
            failures.append(f"classification {name}: no page classification/{slug}/")
    print(
        f"\n[site] {len(tags)} tags, {len(origins)} origins, {len(years)} years, "
        f"{len(months)} months, {len(classifications)} classifications: each has its page"
    )
    assert not failures, _report("tags, origins or dates without their page", failures)


def test_two_builds_are_byte_identical(
    site: Site, corpus: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("corpus-site-again")
    again = build_corpus(folder, corpus)
    first, second = site.result.files, again.files
    assert sorted(first) == sorted(second), "the two builds wrote different files"
    differ = sorted(p for p in first if first[p] != second[p])
    assert not differ, _report("files that differ between two builds", differ)
    # The written trees too (they also hold the build's manifest).
    trees = [
        {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
        for root in (site.output, folder / "output")
    ]
    tree_diff = sorted(set(trees[0]) ^ set(trees[1])) + sorted(
        p for p in set(trees[0]) & set(trees[1]) if trees[0][p] != trees[1][p]
    )
    print(f"\n[site] two builds: {len(first)} files, {len(trees[0])} written, byte-identical")
    assert not tree_diff, _report("written files that differ between two builds", tree_diff)


def test_every_page_has_head_and_landmarks(pages: dict[str, Page]) -> None:
    failures = []
    for path, page in pages.items():
        problems = []
        if not page.lang:
            problems.append("no <html lang>")
        if len(page.titles) != 1 or not page.titles[0]:
            problems.append(f"{len(page.titles)} <title> ({page.titles[:2]})")
        if len(page.descriptions) != 1 or not page.descriptions[0].strip():
            problems.append(f"{len(page.descriptions)} meta description ({page.descriptions[:2]})")
        if len(page.h1) != 1 or not page.h1[0]:
            problems.append(f"{len(page.h1)} <h1> ({page.h1[:2]})")
        if page.mains != 1:
            problems.append(f"{page.mains} <main>")
        if problems:
            failures.append(f"{path}: " + "; ".join(problems))
    print(f"\n[site] {len(pages)} pages: lang, title, description, one h1 and one main")
    assert not failures, _report("pages lacking head elements or landmarks", failures)


def test_the_checker_resolves_and_parses_like_a_browser() -> None:
    """The helpers the checks above rest on, on small cases (no corpus needed)."""
    page = "cable/08BAKU129/index.html"
    assert target_of(page, "../../tag/PREL/") == ("tag/PREL/index.html", None)
    assert target_of(page, "../../") == ("index.html", None)
    assert target_of(page, "./") == ("cable/08BAKU129/index.html", None)
    assert target_of(page, "#p2") == (page, "p2")
    assert target_of(page, "../../static/style.css") == ("static/style.css", None)
    assert target_of(page, "../08BAKU130/#cited-by") == ("cable/08BAKU130/index.html", "cited-by")
    assert target_of("index.html", "tag/A%20B/") == ("tag/A B/index.html", None)
    for bad in ("/tag/PREL/", "https://example.org/", "//cdn.example/x.js", "mailto:a@b.c"):
        with pytest.raises(ValueError):
            target_of(page, bad)
    with pytest.raises(ValueError):
        target_of("index.html", "../outside/")
    html = (
        '<!doctype html><html lang="en"><head><title>T</title>'
        '<meta name="description" content="D"><link rel="stylesheet" href="s.css"></head>'
        '<body><main id="main"><h1>Head <span>line</span></h1>'
        '<svg><title>chart</title><a href="y/"><rect/></a></svg>'
        '<section><h2 id="references">References</h2><a href="a/">A</a>'
        '<section><p><a href="c/">C</a></p></section></section>'
        '<section><h2>Referenced by</h2><a href="b/">B</a></section><p id="x"></p><p id="x">'
        '<img src="i.png"><script src="j.js"></script></main></body></html>'
    )
    parsed = parse_page("index.html", html.encode())
    assert (parsed.lang, parsed.titles, parsed.descriptions) == ("en", ["T"], ["D"])
    assert (parsed.h1, parsed.mains) == (["Head line"], 1)
    assert {"main", "references", "x"} <= parsed.ids and parsed.duplicate_ids == {"x"}
    assert [(link.value, link.section) for link in parsed.links] == [
        ("s.css", None),
        ("y/", None),
        ("a/", "References"),
        ("c/", "References"),
        ("b/", "Referenced by"),
        ("i.png", None),
        ("j.js", None),
    ]
