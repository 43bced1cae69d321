"""REF blocks: every entry in order, cable citations turned into canonical IDs.

An entry is a cable citation when it names a known post and a serial (``USUN 178``,
``07 STATE 123``, ``06TBILISI2601``); the year is the one written, else the citing cable's.
Anything else (e-mails, telcons, memos) is kept as text with a null ID: never a made-up ID.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitegen.core.model import Reference
from sitegen.parse.fields import CLASSIFIED_BY, EO, REF, SUBJECT, TAGS, Line, collapse
from sitegen.tables.posts import KIND_PREFIXES, PostTable

PAGE_BREAK = re.compile(
    r"^\s*(?:PAGE\s+\d+\s+)?[A-Z][A-Z .]*?\s+0*\d{1,8}\s+0*\d{1,3}(?:\.\d+)?\s+OF\s+0*\d{1,3}"
    r"(?:\s+\d{6}Z)?\s*$"
)
# A page break glued into a line: ``TOKYO 00005805  001.2 OF 004``.
_PAGE_BREAK_INLINE = re.compile(
    r"(?P<words>(?:[A-Z]+ ){0,3}[A-Z]+)\s+0{2,}\d{1,7}\s+0*\d{1,3}(?:\.\d+)?\s+OF\s+0*\d{1,3}\b"
)


def strip_page_breaks(text: str, posts: PostTable) -> str:
    """``... ON NATO, GEORGIA DUSHANBE 00001464 001.2 OF 002`` -> ``... ON NATO, GEORGIA``.

    Only the words that name a post belong to the page break; the rest is text.
    """

    def cut(m: re.Match[str]) -> str:
        words = m.group("words").split(" ")
        for n in range(len(words), 0, -1):
            if posts.is_known(" ".join(words[-n:])):
                return " ".join(words[:-n])
        return " ".join(words[:-1])

    return _PAGE_BREAK_INLINE.sub(cut, text)


_LABEL = re.compile(
    r"(?:(?<=^)|(?<=[\s,;]))(?:¶\s*)?(?:\(\s?(?P<p>[A-Z])\s?\)|(?P<d>[A-Z])\s?[.):](?=\s|$|[A-Z0-9(])|"
    r"(?P<h>[A-Z])\s+-\s)"
)
_ANY_CASE_LABEL = re.compile(_LABEL.pattern, re.IGNORECASE)
"""A label in either case (``(a)``, ``b.``): entries are split by labels that run A, B, C."""
_ITEM_START = re.compile(r"^\s*(?:¶\s*)?(?:\(\s?(?P<p>[A-Z])\s?\)|(?P<d>[A-Z])\s?[.):])\s")
_BLOCK_STOP = re.compile(
    r"^\s*(?:¶\s*\d|\d{1,3}\s*[.)]\s|SUMMARY\b|BEGIN SUMMARY|SIPDIS\s*$|\(U\)\s|\(C\)\s|\(S\)\s|"
    r"\(SBU\)\s|-{5,})",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Z0-9&'/-]+|[^\sA-Z0-9]", re.IGNORECASE)
_POST_WORD = re.compile(r"[A-Z][A-Z'-]*")
_COMPACT = re.compile(r"^(?P<y>\d{2})?(?P<post>[A-Z]{3,})(?P<serial>\d{1,7})$")


@dataclass(frozen=True, slots=True)
class Citation:
    """A cable named inside an entry: where it is written and the ID it stands for."""

    start: int
    end: int
    post_text: str
    id: str | None


def read_block(lines: list[Line], k: int) -> tuple[list[Line], int]:
    """The logical lines of the REF block starting at ``lines[k]``, and the index after it."""
    first = lines[k][1]
    label = REF.match(first)
    rest = label.group("rest") if label else first
    glued = _GLUED_FIELD.search(rest)
    if glued:
        return [(lines[k][0], rest[: glued.start()])], k + 1
    block: list[Line] = [(lines[k][0], rest)]
    labels_seen = _labels_in(block[0][1])
    j = k + 1
    while j < len(lines):
        number, text = lines[j]
        if not text.strip():
            # A blank line ends the block unless the next entry follows it.
            nxt = j + 1
            while nxt < len(lines) and (
                not lines[nxt][1].strip() or PAGE_BREAK.match(lines[nxt][1])
            ):
                nxt += 1
            if nxt < len(lines) and _continues(lines[nxt][1], labels_seen):
                j = nxt
                continue
            break
        if PAGE_BREAK.match(text):
            j += 1
            continue
        if (
            _BLOCK_STOP.match(text)
            or CLASSIFIED_BY.match(text)
            or EO.match(text)
            or TAGS.match(text)
            or SUBJECT.match(text)
        ) and not _continues(text, labels_seen):
            break
        glued = _GLUED_FIELD.search(text)
        if glued:
            # ``D. CAIRO 1350 Classified By: ...``: the entry ends where the field begins.
            if text[: glued.start()].strip():
                block.append((number, text[: glued.start()]))
            return block, j
        block.append((number, text))
        labels_seen = labels_seen + _labels_in(text)
        j += 1
    return block, j


_GLUED_FIELD = re.compile(r"\s(?:Classified\s+By|CLASSIFIED\s+BY|classified\s+by)\b")


def _labels_in(text: str) -> list[str]:
    return [m.group("p") or m.group("d") or m.group("h") for m in _LABEL.finditer(text.upper())]


def _continues(text: str, labels_seen: list[str]) -> bool:
    """A line starting with the next letter label after the ones seen continues the list."""
    m = _ITEM_START.match(text)
    if not m or not labels_seen:
        return False
    letter = m.group("p") or m.group("d")
    last = max(labels_seen)
    # The same letter again is a double label split over two lines (``C.`` / ``(C) ...``).
    return letter is not None and ord(letter) in (ord(last), ord(last) + 1)


def _split_entries(text: str) -> list[tuple[str | None, int, int]]:
    """(label, start, end) of each entry: labels must run A, B, C... to count as labels."""
    accepted: list[tuple[str, int, int]] = []
    expected = "A"
    for m in _ANY_CASE_LABEL.finditer(text):
        letter = (m.group("p") or m.group("d") or m.group("h")).upper()
        if letter == expected:
            accepted.append((letter, m.start(), m.end()))
            expected = chr(ord(expected) + 1)
    if not accepted:
        return [(None, 0, len(text))]
    out: list[tuple[str | None, int, int]] = []
    if text[: accepted[0][1]].strip(" ,;:.-"):
        out.append((None, 0, accepted[0][1]))
    for n, (letter, _, end) in enumerate(accepted):
        stop = accepted[n + 1][1] if n + 1 < len(accepted) else len(text)
        out.append((letter, end, stop))
    return out


_SERIAL = re.compile(r"\d{1,7}", re.ASCII)
_YEAR_WORD = re.compile(r"\d{2}|(?:19|20)\d{2}", re.ASCII)
# ``00725/08``: a serial with the year after a slash.
_SERIAL_SLASH_YEAR = re.compile(r"(?P<serial>\d{3,7})/(?P<y>\d{2}|(?:19|20)\d{2})", re.ASCII)
_COMPACT_YEAR_POST = re.compile(r"(?P<y>\d{2})(?P<post>[A-Z]{3,})", re.ASCII)
_KIND_WORDS = frozenset(KIND_PREFIXES) | {"EMBASSY", "CONSULATE", "MISSION"}
_JOINERS = re.compile(r"AND|,|&|/|\(?NOTAL\)?|\(|\)")

Words = list[tuple[str, int, int]]


def find_citations(text: str, year: str | None, posts: PostTable) -> list[Citation]:
    """Cable citations in one entry, in order."""
    words: Words = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]
    out: list[Citation] = []
    i = 0
    last_post: tuple[str, str | None, str] | None = None  # (code, year, post text)
    while i < len(words):
        word, start, _ = words[i]
        upper = word.upper()
        found = _compact(words, i, year, posts) or _spaced(words, i, year, posts)
        if found:
            citation, code, yy, i = found
            out.append(citation)
            last_post = (code, yy, citation.post_text)
            continue
        # ``STATE 123 AND 456``: a bare serial after AND or a comma continues the last post.
        if (
            last_post
            and _SERIAL.fullmatch(upper)
            and i > 0
            and words[i - 1][0].upper() in ("AND", ",", "&", "/")
            and not (i + 1 < len(words) and posts.is_known(words[i + 1][0]))
        ):
            code, yy, post_text = last_post
            out.append(Citation(start, words[i][2], post_text, _cable_id(yy, code, upper)))
            i += 1
            continue
        if not _JOINERS.fullmatch(upper):
            last_post = None if not _SERIAL.fullmatch(upper) else last_post
        i += 1
    return out


Found = tuple[Citation, str, str | None, int]
"""A citation, its post code, its year and the index of the word after it."""


def _compact(words: Words, i: int, year: str | None, posts: PostTable) -> Found | None:
    """``06TBILISI2601`` written as one word, or ``10SHENYANG 003`` as two."""
    upper = words[i][0].upper()
    cm = _COMPACT.match(upper)
    if cm and (code := posts.cable_code_for_key(cm.group("post"))):
        yy = cm.group("y") or year
        cite = Citation(
            words[i][1], words[i][2], cm.group("post"), _cable_id(yy, code, cm.group("serial"))
        )
        return cite, code, yy, i + 1
    ym = _COMPACT_YEAR_POST.fullmatch(upper)
    if (
        ym
        and i + 1 < len(words)
        and _SERIAL.fullmatch(words[i + 1][0])
        and (code := posts.cable_code_for_key(ym.group("post")))
    ):
        yy = ym.group("y")
        cite = Citation(
            words[i][1], words[i + 1][2], ym.group("post"), _cable_id(yy, code, words[i + 1][0])
        )
        return cite, code, yy, i + 2
    return None


def _spaced(words: Words, i: int, year: str | None, posts: PostTable) -> Found | None:
    """``07 STATE 123``, ``SAN JOSE 0432 (06)``, ``PANAMA 00725/08``, ``SECSTATE 06 163201``."""
    written_year: str | None = None
    j = i
    if _YEAR_WORD.fullmatch(words[i][0]) and i + 1 < len(words):
        written_year = words[i][0][-2:]
        j = i + 1
    matched = _match_post(words, j, posts)
    if matched is None:
        return None
    code, after = matched
    serial, yy, end = _serial_at(words, after, posts)
    if serial is None:
        return None
    yy = yy or written_year or year
    post_text = " ".join(w for w, _, _ in words[j:after])
    cite = Citation(words[i][1], words[end - 1][2], post_text, _cable_id(yy, code, serial))
    return cite, code, yy, end


def _serial_at(words: Words, k: int, posts: PostTable) -> tuple[str | None, str | None, int]:
    """(serial, year written with it, index after) of the serial at ``words[k]``."""
    if k >= len(words):
        return None, None, k
    word = words[k][0]
    slash = _SERIAL_SLASH_YEAR.fullmatch(word)
    if slash:
        return slash.group("serial"), slash.group("y")[-2:], k + 1
    if not _SERIAL.fullmatch(word):
        return None, None, k
    nxt = words[k + 1][0] if k + 1 < len(words) else ""
    if len(word) in (2, 4) and nxt and posts.is_known(nxt):
        return None, None, k  # the number is the year of a following citation
    if _YEAR_WORD.fullmatch(word) and re.fullmatch(r"\d{3,7}", nxt, re.ASCII):
        return nxt, word[-2:], k + 2  # ``SECSTATE 06 163201``: the year before the serial
    if (
        k + 3 < len(words)
        and words[k + 1][0] == "("
        and _YEAR_WORD.fullmatch(words[k + 2][0])
        and words[k + 3][0] == ")"
    ):
        return word, words[k + 2][0][-2:], k + 4  # ``LIMA 4516 (06)``
    if k + 2 == len(words) and re.fullmatch(r"\d{2}", nxt, re.ASCII):
        return word, nxt, k + 2  # ``KABUL 5679 06``: the year closes the entry
    return word, None, k + 1


def _match_post(words: Words, j: int, posts: PostTable) -> tuple[str, int] | None:
    """The post named from ``words[j]`` on: (cable code, index after it).

    The longest run of words that names a post wins (``USUN NEW YORK``); a kind word before
    it (``AMEMBASSY``) and the city a mission sits in after it (``USNATO BRUSSELS``,
    ``USOSCE VIENNA``) belong to it; a misspelt or shortened post (``TBLISI``, ``ADDIS``)
    counts only when a serial follows and one post alone fits.
    """
    if j < len(words) and words[j][0].upper() in _KIND_WORDS:
        inner = _match_post(words, j + 1, posts)
        if inner:
            return inner
    best = _exact_post(words, j, posts)
    if best:
        code, after = best
        if not _starts_serial(words, after):
            city = _exact_post(words, after, posts)
            if (
                city
                and city[0] != code
                and posts.country_of(city[0]) == posts.country_of(code)
                and _starts_serial(words, city[1])
            ):
                return code, city[1]
        return best
    key = ""
    for n in range(j, min(len(words), j + posts.max_words + 1)):
        word = words[n][0].upper()
        if not _POST_WORD.fullmatch(word):
            return None
        key += word.replace("'", "").replace("-", "")
        if _starts_serial(words, n + 1):
            near = posts.near_cable_code(key)
            return (near, n + 1) if near else None
    return None


def _exact_post(words: Words, j: int, posts: PostTable) -> tuple[str, int] | None:
    """The longest run of words from ``j`` that names a post: (code, index after it)."""
    best: tuple[str, int] | None = None
    key = ""
    for n in range(j, min(len(words), j + posts.max_words + 1)):
        word = words[n][0].upper()
        if not _POST_WORD.fullmatch(word):
            break
        key += word.replace("'", "").replace("-", "")
        code = posts.cable_code_for_key(key)
        if code:
            best = (code, n + 1)
    return best


def _starts_serial(words: Words, k: int) -> bool:
    return k < len(words) and bool(
        _SERIAL.fullmatch(words[k][0]) or _SERIAL_SLASH_YEAR.fullmatch(words[k][0])
    )


_SERIAL_ONLY = re.compile(r"^0*(\d{1,7})(?:\s*\((?:NOTAL|EXDIS|NODIS)\))?$")


def _code_year(cable_id: str) -> tuple[str, str] | None:
    m = re.match(r"^(\d{2})([A-Z]+)\d+$", cable_id)
    return (m.group(2), m.group(1)) if m else None


def _cable_id(year: str | None, code: str, serial: str) -> str | None:
    number = int(serial)
    if year is None or number == 0:
        return None
    return f"{year}{code}{number}"


def _entry_references(
    label: str | None, entry: str, cites: list[Citation], line: int
) -> list[Reference]:
    """One reference per cable cited in the entry, or one with a null ID when none is."""
    if not cites:
        return [Reference(label, entry, None, line)]
    if len(cites) == 1:
        return [Reference(label, entry, cites[0].id, line)]
    out = []
    for cite in cites:
        span = collapse(entry[cite.start : cite.end])
        text = (
            span if not span[:1].isdigit() or cite.post_text in span else f"{cite.post_text} {span}"
        )
        out.append(Reference(label, text, cite.id, line))
    return out


def parse_references(
    lines: list[Line], k: int, year: str | None, posts: PostTable
) -> tuple[list[Reference], int]:
    """The references of the REF block at ``lines[k]``, and the index after the block."""
    block, end = read_block(lines, k)
    joined = ""
    starts: list[tuple[int, int]] = []  # (offset in joined text, file line)
    for number, text in block:
        starts.append((len(joined), number))
        joined += text.strip() + "\n"
    refs: list[Reference] = []
    previous: tuple[str, str] | None = None  # (post code, year) of the previous entry
    for label, s, e in _split_entries(joined):
        raw = joined[s:e]
        entry = collapse(raw).strip(" ,;")
        if not entry:
            continue
        if label and re.match(rf"^\(?{label}[.)]\s", entry, re.IGNORECASE):
            entry = entry[2:].strip() if entry[1] in ".)" else entry[3:].strip()
        line = max((n for off, n in starts if off <= s), default=block[0][0])
        entry = strip_page_breaks(entry, posts)
        cites = find_citations(entry, year, posts)
        serial_only = _SERIAL_ONLY.match(entry)
        if not cites and serial_only and previous:
            # ``A) CALCUTTA 00354 B) 00357``: a bare serial names the previous entry's post.
            code, yy = previous
            cites = [Citation(0, len(entry), code, _cable_id(yy, code, serial_only.group(1)))]
        previous = _code_year(cites[-1].id) if cites and cites[-1].id else None
        if cites and ";" in entry:
            # ``05 VATICAN 477 ET AL.; WARSAW 801; DOE-ROE TELCONS``: each part on its own.
            for part in (p.strip(" ,") for p in entry.split(";")):
                if part:
                    refs.extend(
                        _entry_references(label, part, find_citations(part, year, posts), line)
                    )
        else:
            refs.extend(_entry_references(label, entry, cites, line))
    return refs, end
