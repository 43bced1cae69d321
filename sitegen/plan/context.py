"""What each template receives: one ``TypedDict`` per template, the contract of a theme.

Contexts are plain dicts of plain values (strings, numbers, lists, dicts), no internal
objects, so a theme can be written against this module alone. Links are site paths;
templates turn them into relative URLs with ``url(path)``. Besides its context, every
template gets ``site`` (:class:`SiteContext`), ``path``, ``url`` and ``canonical``.
"""

from __future__ import annotations

from typing import TypedDict

from markupsafe import Markup

# -- what several pages show -------------------------------------------------------------


class CableSummary(TypedDict):
    """A cable in a list (``cables``, ``latest``, ``cited_by``, ``citing``...)."""

    id: str
    path: str
    subject: str
    created: str | None
    date: str
    """``created`` for people: ``27 February 2008``, empty when undated."""
    date_inferred: bool
    origin: str | None
    classification: str | None
    badge: str
    """The CSS class of the classification badge (``secret``, ``fouo``...)."""


class LatestCable(CableSummary):
    """A cable of the home page's latest: a summary with its release date."""

    released: str | None


class Pager(TypedDict):
    """Where a page stands in a long list."""

    number: int
    total: int
    count: int
    """How many items the whole list has."""
    first_index: int
    """The position in the list of the page's first item (1 on the first page)."""
    prev: str | None
    next: str | None
    pages: list[tuple[int, str | None]]
    """(number, path) of the pages to link; ``(0, None)`` marks a gap."""


class TagLink(TypedDict):
    code: str
    title: str | None
    kind: str
    path: str
    count: int


class OriginLink(TypedDict):
    code: str
    name: str
    path: str
    count: int


class ClassificationLink(TypedDict):
    name: str
    badge: str
    path: str
    count: int


class TemplateContext(TypedDict):
    """What every page's context has: for ``<title>`` and ``<meta name="description">``."""

    title: str
    description: str


class ListContext(TemplateContext):
    """A page of a list of cables (a tag's, an origin's, a classification's)."""

    histogram: str
    """Inline SVG, cables per year (mark it ``safe``)."""
    cables: list[CableSummary]
    pager: Pager


# -- the cable page ----------------------------------------------------------------------


class ReferenceEntry(TypedDict, total=False):
    """A reference of a cable: ``status`` is ``linked`` (with ``cable``), ``missing`` (an ID
    the archive does not hold) or ``text`` (no ID read)."""

    label: str | None
    text: str
    id: str | None
    status: str
    cable: CableSummary


class CiteFile(TypedDict):
    format: str
    path: str
    download: str
    type: str


class CiteContext(TypedDict):
    """``cable.cite``: the "Cite this cable" block and the head's citation tags."""

    text: str
    lead: str
    url: str | None
    shown_url: str
    path: str
    tail: str
    meta: list[tuple[str, str]]
    files: list[CiteFile]


class CableData(TypedDict):
    """``cable`` of ``cable.html``: the header as read, with links and labels made."""

    id: str
    id_inferred: bool
    aliases: list[str]
    subject: str | None
    created: str | None
    created_label: str
    created_time: str | None
    created_inferred: bool
    released: str | None
    released_label: str
    classification: str | None
    classification_inferred: bool
    classification_path: str | None
    badge: str
    origin: str | None
    origin_code: str | None
    origin_inferred: bool
    origin_path: str | None
    country: str | None
    to: list[str]
    info: list[str]
    tags: list[TagLink]
    declassify_on: str | None
    declassify_label: str | None
    classified_by: str | None
    reasons: list[str]
    signer: str | None
    summary: str | None
    header: list[tuple[str, str]]
    references: list[ReferenceEntry]
    cited_by: list[CableSummary]
    text_html: str
    """The text, escaped, with paragraph links, marking styles and repairs marked."""
    repaired: bool
    repairs: int
    note_html: str | None
    previous: CableSummary | None
    """The previous cable of the same post."""
    next: CableSummary | None
    json_path: str
    cite: CiteContext


class CableContext(TemplateContext):
    """``cable.html``."""

    cable: CableData


# -- lists -------------------------------------------------------------------------------


class TagGroup(TypedDict):
    kind: str
    title: str
    tags: list[TagLink]


class TagsContext(TemplateContext):
    """``tags.html``: every tag, by kind."""

    groups: list[TagGroup]


class TagInfo(TypedDict):
    code: str
    title: str | None
    kind: str
    kind_title: str
    source: str | None
    """Where the title comes from (the shipped glossary, ``sitegen.toml``), if known."""
    count: int


class TagContext(ListContext):
    """``tag.html``."""

    tag: TagInfo


class OriginsContext(TemplateContext):
    """``origins.html``."""

    origins: list[OriginLink]


class OriginInfo(TypedDict):
    code: str
    name: str
    count: int
    country: str | None


class OriginContext(ListContext):
    """``origin.html``."""

    origin: OriginInfo


class ClassificationsContext(TemplateContext):
    """``classifications.html``."""

    classifications: list[ClassificationLink]


class ClassificationContext(ListContext):
    """``classification.html``."""

    classification: ClassificationLink


class MissingCable(TypedDict):
    id: str
    count: int
    citing: list[CableSummary]


class UnresolvedContext(TemplateContext):
    """``unresolved.html``: the cited cables the archive does not hold, most cited first."""

    missing: list[MissingCable]
    pager: Pager


# -- the timeline ------------------------------------------------------------------------


class YearLink(TypedDict):
    year: int
    count: int
    path: str


class TimelineContext(TemplateContext):
    """``timeline.html``."""

    histogram: str
    years: list[YearLink]
    undated: list[CableSummary]


class MonthLink(TypedDict):
    month: int
    name: str
    count: int
    path: str


class YearContext(TemplateContext):
    """``timeline_year.html``."""

    year: int
    count: int
    histogram: str
    months: list[MonthLink]
    """The months that have cables."""
    previous: str | None
    next: str | None


class DayGroup(TypedDict):
    date: str
    cables: list[CableSummary]


class MonthNeighbour(TypedDict):
    path: str
    name: str


class MonthContext(TemplateContext):
    """``timeline_month.html``."""

    year: int
    year_path: str
    month_name: str
    count: int
    histogram: str
    days: list[DayGroup]
    pager: Pager
    previous: MonthNeighbour | None
    next: MonthNeighbour | None


# -- single pages ------------------------------------------------------------------------


class HomeCounts(TypedDict):
    cables: int
    origins: int
    tags: int
    links: int
    """References between cables of the archive."""
    missing: int
    first_year: int | None
    last_year: int | None


class HomeContext(TemplateContext):
    """``home.html``."""

    counts: HomeCounts
    timeline_svg: str
    top_tags: list[TagLink]
    top_origins: list[OriginLink]
    latest: list[LatestCable]
    classifications: list[ClassificationLink]


class PageData(TypedDict):
    title: str
    date: str | None
    html: str


class PageContext(TemplateContext):
    """``page.html``: a Markdown page."""

    page: PageData


class SearchContext(TemplateContext):
    """``search.html``."""

    tag_titles: Markup
    """JSON of each tag's title, for a ``<script type="application/json">``."""
    cable_link: str
    """A cable's site path with ``ID`` in place of the ID."""
    bundles: list[str]
    """The search index's shards, relative to the page."""


Context = (
    HomeContext
    | CableContext
    | TagsContext
    | TagContext
    | OriginsContext
    | OriginContext
    | ClassificationsContext
    | ClassificationContext
    | TimelineContext
    | YearContext
    | MonthContext
    | UnresolvedContext
    | PageContext
    | SearchContext
    | TemplateContext
)
"""The context of any page (``404.html`` has the common part only)."""


# -- what every template gets ------------------------------------------------------------


class NavLink(TypedDict):
    title: str
    path: str


class SiteContext(TypedDict):
    """``site``: the same for every page."""

    title: str
    description: str
    base_url: str
    language: str
    nav: list[NavLink]
    home: str
    feed: str
    api: str
    css: str
    icon: str
    search: str | None
    """The search page's path, none without search."""
    search_js: str
    cite_js: str
    cables: int
    """How many cables the archive holds."""
