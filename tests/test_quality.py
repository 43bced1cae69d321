"""The quality of the published pages, every kind of them: valid HTML (the Nu HTML Checker),
no serious or critical accessibility problem (axe-core in Debian's chromium, at desktop width
in the light colour scheme and at phone width in the dark one), nothing in the browser's
console, and well-formed XML.

The pages come from the corpus site (built once per test session; its search page too, also
as the browser draws it with results and filters) and from a small sample site built twice,
with pretty URLs and with ``pretty_urls = false``: the golden site's sources (notes, repaired
and inferred cables, a Markdown page, lists of two per page) plus a cable whose date is only
estimated and a Markdown page that uses every construct the renderer allows.

The checkers are npm packages (``package.json``: ``vnu-jar``, ``axe-core``), which
``scripts/check`` installs with ``npm ci``; the validator runs on Java, which ``.ci/run``
installs with Node.js and chromium. Without them these tests skip and say why. The validator
checks every file in one run (a JVM is slow to start).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

import pytest
from browsing import CHROMIUM, DESKTOP, PHONE, launched, served, watched
from playwright.sync_api import Browser, Page
from sitecheck import Site, corpus_site, in_archive_references

from sitegen.core.config import load_config
from sitegen.site.build import build

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
GOLDEN_SITE = Path(__file__).parent / "golden" / "site"

ALLOWED_WARNINGS: dict[str, str] = {}
"""Validator warnings accepted, by the start of their message, each with the reason why."""

FAILING_IMPACTS = ("serious", "critical")
"""axe impacts that fail the test; ``moderate`` and ``minor`` are reported only."""

SEARCH = "search/?q=embassy"
"""The corpus site's search page with results (a word most cables have) and its filters."""

ESTIMATED = """Reference ID: 08BAKU999
Classification: UNCLASSIFIED
Origin: Embassy Baku

UNCLASSIFIED BAKU 000999

E.O. 12958: N/A
TAGS: PREL, AJ
SUBJECT: A CABLE WHOSE DATE IS ONLY ESTIMATED

REF: A. BAKU 129 B. STATE 4 C. PHONE CALL 02/20/08

1. (U) Nothing in this text says when it was written; the year of its ID is all there is.
"""

GUIDE = """---
title: Reading a cable
description: Every Markdown construct a page can use, rendered by the default theme.
---

A cable such as 08BAKU129 is linked by its ID; 08ZZZ1 is not in the archive.

## Lists and emphasis

1. An *ordered* list with **strong** words and `code`.
2. A [relative link](../tags/) and an [absolute one](https://example.org/).

- A bullet
  - nested

> A quotation, with a second paragraph:
>
> cables quote each other.

### A table

| Marking | Meaning |
|---|---|
| (U) | unclassified |
| (C) | confidential |

```
1. (C) A preformatted block.
```

---

The end, after a thematic break.
"""


# -- the sites and their pages ----------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_built(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Site:
    return corpus_site(tmp_path_factory, corpus)


@pytest.fixture(scope="module")
def sample_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The output folders of the sample site: ``sample`` (pretty URLs) and ``files``
    (``pretty_urls = false``)."""
    outputs = {}
    for name, pretty in (("sample", True), ("files", False)):
        folder = tmp_path_factory.mktemp(name) / "site"
        shutil.copytree(GOLDEN_SITE, folder)
        (folder / "content/cables/08BAKU999.txt").write_text(ESTIMATED, encoding="utf-8")
        (folder / "content/pages/guide.md").write_text(GUIDE, encoding="utf-8")
        config = folder / "sitegen.toml"
        if not pretty:  # before the [glossary] table, where a key would be a TAGS title
            config.write_text("pretty_urls = false\n" + config.read_text(encoding="utf-8"))
        result = build(load_config(config))
        assert not [d for d in result.diagnostics if d.severity == "error"]
        outputs[name] = folder / "output"
    return outputs


@pytest.fixture(scope="module")
def outputs(corpus_built: Site, sample_sites: dict[str, Path]) -> dict[str, Path]:
    """Every site's output folder by name: ``corpus``, ``sample``, ``files``."""
    return {"corpus": corpus_built.output, **sample_sites}


@dataclass(frozen=True, slots=True)
class Target:
    """A page to check: which site, and its URL relative to the site's root (a query or a
    fragment is kept for the browser; the validator reads the file)."""

    label: str
    site: str
    url: str

    @property
    def file(self) -> str:
        """The output file the URL names."""
        path = unquote(urlsplit(self.url).path)
        return path + "index.html" if path == "" or path.endswith("/") else path


def _biggest(files: dict[str, bytes], kind: str) -> str:
    """The code of the longest list of a kind (``tag``, ``origin``, ``classification``): the
    one with the most pages."""
    counts = Counter(p.split("/")[1] for p in files if p.startswith(kind + "/") and "/page/" in p)
    return min(counts, key=lambda code: (-counts[code], code))


def corpus_targets(site: Site) -> list[Target]:
    """The corpus site's page kinds, chosen from the data: the shortest repaired cable whose
    references are of every kind (in the archive, missing from it, not a cable), shown with
    the repairs and as released, and the lists that hold it."""
    pairs = in_archive_references(site)
    citing = {a for a, _ in pairs}

    def kinds(cid: str) -> set[str]:
        return {
            "linked" if r.get("in_archive") else "missing" if r["id"] else "text"
            for r in site.cables[cid]["references"]
        }

    full = [
        cid
        for cid, data in site.cables.items()
        if data["reading"] and cid in citing and kinds(cid) == {"linked", "missing", "text"}
    ]
    assert full, "the corpus should hold a repaired cable citing every kind of reference"
    cable = min(full, key=lambda c: (len(site.cables[c]["text"]), c))
    created = site.cables[cable]["created"]
    tag, origin = _biggest(site.files, "tag"), _biggest(site.files, "origin")
    classification = _biggest(site.files, "classification")
    pages = [
        ("home", ""),
        ("cable", f"cable/{cable}/"),
        ("cable as released", f"cable/{cable}/#original"),
        ("tags", "tags/"),
        ("tag", f"tag/{tag}/"),
        ("tag, page 2", f"tag/{tag}/page/2/"),
        ("origins", "origins/"),
        ("origin", f"origin/{origin}/"),
        ("classifications", "classification/"),
        ("classification", f"classification/{classification}/"),
        ("timeline", "timeline/"),
        ("year", f"timeline/{created[:4]}/"),
        ("month", f"timeline/{created[:4]}/{created[5:7]}/"),
        ("unresolved", "references/unresolved/"),
        ("unresolved, page 2", "references/unresolved/page/2/"),
        ("search", SEARCH),
        ("404", "404.html"),
    ]
    targets = [Target(label, "corpus", url) for label, url in pages]
    missing = [t.file for t in targets if t.file not in site.files]
    assert not missing, f"the corpus site has no {missing}"
    return targets


SAMPLE_TARGETS = [
    Target("cable with a note", "sample", "cable/08BAKU129/"),
    Target("cable, all inferred", "sample", "cable/08STATE19634/"),
    Target("cable, date estimated", "sample", "cable/08BAKU999/"),
    Target("Markdown page", "sample", "guide/"),
    Target("tag, page 2", "sample", "tag/PREL/page/2/"),
    Target("home, pretty_urls false", "files", "index.html"),
    Target("cable, pretty_urls false", "files", "cable/08BAKU129/index.html"),
    Target("month, pretty_urls false", "files", "timeline/2008/02/index.html"),
]


@pytest.fixture(scope="module")
def targets(corpus_built: Site) -> list[Target]:
    return corpus_targets(corpus_built) + SAMPLE_TARGETS


# -- the browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.skip(f"no chromium at {CHROMIUM} (CI installs it in .ci/run)")
    with launched() as browser:
        yield browser


@pytest.fixture(scope="module")
def base_urls(outputs: dict[str, Path]) -> Iterator[dict[str, str]]:
    """Each site served over HTTP, by name."""
    with ExitStack() as stack:
        yield {name: stack.enter_context(served(folder)) for name, folder in outputs.items()}


def _open(page: Page, base: str, target: Target) -> None:
    """Load the page; the search page once it has shown its results and filters."""
    page.goto(base + target.url)
    if target.file == "search/index.html":
        page.wait_for_function(
            "() => document.querySelectorAll('#search-results li').length > 0"
            " && document.querySelectorAll('#search-facets fieldset').length > 0"
        )


# -- HTML validity --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator() -> list[str]:
    """The command that runs the Nu HTML Checker, or a skip saying what is missing."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("no java to run the Nu HTML Checker (.ci/run installs a JRE)")
    if not VNU_JAR.is_file():
        pytest.skip(f"no {VNU_JAR.relative_to(ROOT)}: run npm ci (scripts/check does)")
    return [java, "-jar", str(VNU_JAR)]


@pytest.fixture(scope="module")
def drawn_search(
    request: pytest.FixtureRequest,
    base_urls: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> list[Path]:
    """The search page as the browser draws it (results, filters, year bars: markup made by
    its script), saved for the validator; none without a browser."""
    if not CHROMIUM.is_file():
        return []
    browser: Browser = request.getfixturevalue("browser")
    with watched(browser, DESKTOP) as (page, watch):
        _open(page, base_urls["corpus"], Target("search", "corpus", SEARCH))
        html = page.content()
        assert not watch.problems, watch.problems
    saved = tmp_path_factory.mktemp("drawn") / "search.html"
    saved.write_text(html, encoding="utf-8")
    return [saved]


STYLE_PAGE = (
    '<!doctype html>\n<html lang="en">\n<head>\n<title>The stylesheet</title>\n<style>\n{css}'
    "</style>\n</head>\n<body>\n<p>A stylesheet to check.</p>\n</body>\n</html>\n"
)
"""A page holding a stylesheet in its ``<style>``, whose line 1 is the page's line 6: the
checker checks the CSS of a page (its ``--also-check-css`` for ``.css`` files would cost
nothing more but shifts the line numbers of every HTML file by one)."""


@dataclass(frozen=True, slots=True)
class Message:
    """One message of the validator."""

    kind: str
    """``error``, ``warning``, ``info`` or ``non-document-error`` (the checker failed)."""
    path: str
    line: int
    text: str
    extract: str

    def show(self, names: dict[str, tuple[str, int]]) -> str:
        """``kind: site:file:line: text («extract»)``, with the name and line offset of each
        checked file in ``names``."""
        name, offset = names.get(self.path, (self.path, 0))
        extract = " ".join(self.extract.split())
        return f"{self.kind}: {name}:{self.line - offset}: {self.text} («{extract}»)"


def validate(validator: list[str], files: list[Path]) -> list[Message]:
    """Every message of the Nu HTML Checker on ``files`` (HTML, and SVG), in one JVM."""
    run = subprocess.run(
        [*validator, "--format", "json", "--stdout", "--exit-zero-always", "--also-check-svg",
         *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    messages = []
    for m in json.loads(run.stdout)["messages"]:
        kind = m["type"]
        if kind == "info" and m.get("subType") == "warning":
            kind = "warning"
        path = unquote(urlsplit(m.get("url", "")).path)
        messages.append(
            Message(kind, path, m.get("lastLine", 0), m.get("message", ""), m.get("extract", ""))
        )
    return messages


def test_every_page_kind_is_valid_html(
    validator: list[str],
    targets: list[Target],
    outputs: dict[str, Path],
    drawn_search: list[Path],
    tmp_path: Path,
) -> None:
    """Errors and warnings fail (but the ``ALLOWED_WARNINGS``); infos are printed. Checked:
    every HTML page of the sample sites, the corpus site's chosen pages, the search page as
    drawn, the stylesheet and the icon."""
    names: dict[str, tuple[str, int]] = {}
    for target in targets:
        if target.site == "corpus":
            names[str(outputs["corpus"] / target.file)] = (f"corpus:{target.file}", 0)
    for site in ("sample", "files"):
        for page in outputs[site].rglob("*.html"):
            names[str(page)] = (f"{site}:{page.relative_to(outputs[site])}", 0)
    static = outputs["corpus"] / "static"
    for icon in static.glob("*.svg"):
        names[str(icon)] = (f"corpus:static/{icon.name}", 0)
    for drawn in drawn_search:
        names[str(drawn)] = (f"corpus:{SEARCH} as drawn", 0)
    for css in static.glob("*.css"):
        page = tmp_path / f"{css.name}.html"
        page.write_text(STYLE_PAGE.format(css=css.read_text(encoding="utf-8")), encoding="utf-8")
        names[str(page)] = (f"corpus:static/{css.name}", 5)
    messages = validate(validator, sorted(map(Path, names)))
    counts = Counter(m.kind for m in messages)
    print(
        f"\n[quality] Nu HTML Checker: {len(names)} files, "
        f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} infos"
    )
    for m in messages:
        if m.kind == "info":
            print(f"  {m.show(names)}")
    failing = [
        m.show(names)
        for m in messages
        if m.kind != "info"
        and not (m.kind == "warning" and any(m.text.startswith(w) for w in ALLOWED_WARNINGS))
    ]
    assert not failing, "\n".join(failing)


def test_feeds_and_sitemaps_are_well_formed_xml(outputs: dict[str, Path]) -> None:
    roots = {
        "feed.xml": "{http://www.w3.org/2005/Atom}feed",
        "sitemap.xml": "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset",
    }
    for folder in outputs.values():
        for name, root in roots.items():
            assert ET.parse(folder / name).getroot().tag == root, folder / name


# -- accessibility, and a clean console -------------------------------------------------

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }));
}"""


@dataclass(frozen=True, slots=True)
class Violation:
    """One rule of axe that a page breaks: where, and on how many elements."""

    page: str
    rule: str
    impact: str
    help: str
    count: int
    nodes: tuple[str, ...]

    def __str__(self) -> str:
        return (
            f"{self.impact}: {self.page}: {self.rule} ({self.help}) on {self.count} "
            f"element(s): {'; '.join(self.nodes)}"
        )


def audit(page: Page, where: str) -> list[Violation]:
    """axe's violations on the page as it stands (axe loaded by an init script)."""
    found: list[dict[str, Any]] = page.evaluate(AXE_RUN)
    return [
        Violation(where, v["id"], v["impact"], v["help"], v["count"], tuple(v["nodes"]))
        for v in found
    ]


@pytest.fixture(scope="module")
def axe_js() -> Path:
    """axe-core's script, or a skip."""
    if not AXE_JS.is_file():
        pytest.skip(f"no {AXE_JS.relative_to(ROOT)}: run npm ci (scripts/check does)")
    return AXE_JS


@pytest.mark.parametrize(("width", "scheme"), [("desktop", "light"), ("phone", "dark")])
def test_every_page_kind_passes_axe_with_a_clean_console(
    axe_js: Path,
    browser: Browser,
    base_urls: dict[str, str],
    targets: list[Target],
    width: str,
    scheme: Literal["light", "dark"],
) -> None:
    """No serious or critical axe violation, and no console error or warning, page error or
    failed request, on any page; moderate and minor violations are printed. The phone run is
    in the dark colour scheme: the theme's other palette gets its contrast checked without a
    third run (the colours do not depend on the width)."""
    viewport = DESKTOP if width == "desktop" else PHONE
    found: list[Violation] = []
    console: list[str] = []
    with watched(browser, viewport, scheme) as (page, watch):
        # An init script, not a script tag added to each page: the browser gets axe's 550 kB
        # once instead of once a page (a third of the run's time).
        page.context.add_init_script(path=str(axe_js))
        for target in targets:
            where = f"{target.label} ({target.site}:{target.url or '/'})"
            _open(page, base_urls[target.site], target)
            found += audit(page, where)
            console += [f"{where}: {problem}" for problem in watch.take()]
    failing = [v for v in found if v.impact in FAILING_IMPACTS]
    print(
        f"\n[quality] axe at {viewport['width']} px, {scheme}: {len(targets)} pages, "
        f"{len(failing)} serious or critical, {len(found) - len(failing)} moderate or minor"
    )
    for v in found:
        if v.impact not in FAILING_IMPACTS:
            print(f"  {v}")
    assert not failing and not console, "\n".join([*map(str, failing), *console])
