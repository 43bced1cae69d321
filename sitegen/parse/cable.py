"""``parse_cable``: one cable's text in, one :class:`~sitegen.core.model.Cable` out, never a crash.

The steps read top to bottom: metadata header, transmission header, fields block (E.O.,
TAGS, SUBJECT, REF, Classified By), body (paragraphs, summary, signer), repaired reading;
then each value is decided from its best source (metadata header first, then the text, then
the file name, then an estimate) and every fallback says so in a diagnostic.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache, cached_property
from importlib import resources
from pathlib import Path, PurePath

from sitegen.core import ids
from sitegen.core.limits import (
    MAX_CABLE_BYTES,
    MAX_REFERENCES,
    MAX_TAGS,
    ContentError,
    read_limited,
)
from sitegen.core.model import Cable, Diagnostic, Reference, Severity
from sitegen.parse import body, dates, fields
from sitegen.parse.block import FieldsBlock, read_fields_block
from sitegen.parse.caption import Caption, classification_name
from sitegen.parse.metadata import Metadata, read_metadata
from sitegen.parse.references import parse_references
from sitegen.parse.repair import repair_lines
from sitegen.parse.source import decode, split_lines, working_lines
from sitegen.parse.transmission import Transmission, scan_transmission
from sitegen.tables.posts import PostTable, general_name, load_posts, post_key


@dataclass(frozen=True, slots=True)
class Secretary:
    surname: str
    start: str
    end: str


@cache
def secretaries() -> dict[str, Secretary]:
    """Secretaries of State by surname, with their terms (``data/secretaries.csv``)."""
    text = resources.files("sitegen").joinpath("data/secretaries.csv").read_text("utf-8")
    return {
        row["surname"]: Secretary(row["surname"], row["start"], row["end"])
        for row in csv.DictReader(text.split("\n"))
    }


class _Builder:
    """Collects diagnostics while one cable is parsed."""

    def __init__(self, source: str, diagnostics: Sequence[Diagnostic]) -> None:
        self.cable = Cable(source=source, diagnostics=[d.at(source) for d in diagnostics])

    def report(self, line: int, severity: Severity, code: str, message: str) -> None:
        self.cable.diagnostics.append(Diagnostic(line, severity, code, message, self.cable.source))


def parse_file(path: str | Path, display: str | None = None, *, repair: bool = True) -> Cable:
    """Read and parse one file; an unreadable file (or one past the size limit, or not a
    regular file) still gives a Cable, with a diagnostic."""
    source = display if display is not None else str(path)
    try:
        data = read_limited(str(path), MAX_CABLE_BYTES)
    except ContentError as exc:
        return unread(source, exc)
    return parse_bytes(data, source, repair=repair)


def unread(source: str, problem: ContentError) -> Cable:
    """The cable of a file that was not read: no values, the reason as an error."""
    cable = Cable(source=source)
    cable.diagnostics.append(Diagnostic(0, "error", problem.code, problem.message, source))
    return cable


def parse_bytes(data: bytes, source: str, *, repair: bool = True) -> Cable:
    text, diagnostics = decode(data)
    return parse_cable(text, source, diagnostics=diagnostics, repair=repair)


def parse_cable(
    text: str,
    source: str = "<string>",
    *,
    diagnostics: Sequence[Diagnostic] = (),
    repair: bool = True,
) -> Cable:
    """Parse one cable. ``source`` names it in diagnostics and gives the file-name ID."""
    builder = _Builder(source, diagnostics)
    try:
        _parse(builder, text, repair)
    except Exception as exc:  # a parser defect must not take the build down with it
        builder.report(0, "error", "parser-failure", f"internal parser error: {exc!r}")
    return builder.cable


def _parse(b: _Builder, text: str, repair: bool) -> None:
    posts = load_posts()
    cable = b.cable
    lines = split_lines(text)
    if "\x00" in text:
        b.report(0, "warning", "binary-content", "the file holds NUL bytes; is it a text file?")
    meta = read_metadata(lines)
    start = meta.body_start if meta else 0
    cable.body_line = start + 1
    cable.text = "\n".join(lines[start:])
    if meta:
        cable.header = dict(meta.extra)
        if released := meta.values.get("released"):
            cable.released = _header_datetime(released) or released
            if cable.released == released and not re.match(r"^\d{4}-\d{2}-\d{2}", released):
                b.report(
                    meta.lines["released"], "warning", "bad-date", f"cannot read date {released!r}"
                )
    if not any(line.strip() for line in lines[start:]):
        b.report(0, "error" if meta is None else "warning", "empty", "no cable text")

    work = working_lines(lines, start, text)
    tx = scan_transmission(work, start, len(work))
    # The fields block follows the transmission header; a caption line that also holds the
    # fields (``Cable dated:... C O N F I D E N T I A L ... TAGS: ...``) is read again.
    fields_from = min([tx.end] + [c.line - 1 for c in tx.captions if c.line - 1 >= start])
    found = read_fields_block(work, fields_from, len(work))
    paragraphs_from = found.body_start
    if tx.end >= len(work) and not (tx.dtg or tx.de_serial or tx.captions or tx.record):
        # No header and no field: a fragment of the body (a cable's tail); it is all body.
        paragraphs_from = min(paragraphs_from, start)

    cable.to, cable.info = tx.to, tx.info
    cable.declassify_on = found.fields.declassify_on
    if found.fields.declassify_text and not found.fields.declassify_on:
        cable.declassify_text = found.fields.declassify_text
    cable.tags = found.fields.tags
    if found.fields.tags_rejected:
        shown = ", ".join(repr(t[:30]) for t in found.fields.tags_rejected[:5])
        b.report(
            found.fields.tags_line,
            "warning",
            "bad-tag",
            f"TAGS values that are no code or name, dropped: {shown}",
        )
    cable.subject = found.fields.subject
    cable.classified_by = found.fields.classified_by
    cable.reasons = found.fields.reasons
    cable.paragraphs = body.find_paragraphs(work, paragraphs_from)
    cable.signer, _ = body.find_signer(work, paragraphs_from, len(work))

    reading = lines[start:]
    if repair:
        reading, cable.repairs = repair_lines(reading)
    cable.reading = "\n".join(reading)
    skipped = reading[: max(0, paragraphs_from - start)]
    cable.summary = body.find_summary(cable.reading, sum(len(line) + 1 for line in skipped))

    stem = PurePath(cable.source).stem.upper()
    evidence = _DateEvidence(
        declassify_on=found.fields.declassify_on,
        term=secretaries().get((cable.signer or "").upper()),
        lines=work,
        start=start,
        found=found,
    )
    _decide_id(b, meta, tx, stem, evidence)
    _decide_created(b, meta, tx, evidence, found.fields.eo_line)
    if found.ref_index is not None:
        _read_references(b, found, posts)
    _decide_classification(b, meta, tx)
    _decide_origin(b, meta, tx, posts)
    _apply_header_lists(b, meta, posts)
    _bound(b)
    _check_missing(b, found)


def _read_references(b: _Builder, found: FieldsBlock, posts: PostTable) -> None:
    """The REF block's entries; an entry without a year takes the citing cable's, from its
    ID or else its created date (said so when that date is an estimate)."""
    cable = b.cable
    assert found.ref_index is not None
    year = _citing_year(cable)
    estimated = False
    if year is None and cable.created and re.match(r"^\d{4}-", cable.created):
        year = cable.created[2:4]
        estimated = any(d.code == "created-estimated" for d in cable.diagnostics)
    refs = parse_references(found.logical, found.ref_index, year, posts)[0]
    # A cable never cites itself: such an "entry" is its own caption caught in the list.
    cable.references = [r if r.id != cable.id else replace(r, id=None) for r in refs]
    if estimated and any(r.id and not _has_written_year(r.text) for r in cable.references):
        b.report(
            found.logical[found.ref_index][0],
            "info",
            "reference-year-estimated",
            f"references without a year take 20{year}, the year of the estimated date",
        )


def _has_written_year(text: str) -> bool:
    return bool(re.match(r"^\s*(?:\d{2}|(?:19|20)\d{2})\s*[A-Z]", text))


def _citing_year(cable: Cable) -> str | None:
    if cable.id and (parts := ids.split_id(cable.id)):
        return parts[0]
    return None


def _decide_id(
    b: _Builder, meta: Metadata | None, tx: Transmission, stem: str, evidence: _DateEvidence
) -> None:
    cable = b.cable
    for source, block in (("metadata header", meta), ("record block", tx.record)):
        if block is None or "id" not in block.values:
            continue
        written = block.values["id"].strip()
        line = block.lines.get("id", 0)
        if ids.is_canonical(written):
            cable.id, cable.id_inferred = written, False
            break
        repaired = ids.repair_id(written)
        if repaired:
            cable.id, cable.id_inferred = repaired, False
            cable.aliases.append(written)
            b.report(line, "warning", "id-repaired", f"malformed ID {written!r} read as {repaired}")
            break
        b.report(line, "error", "bad-id", f"{source} ID {written!r} is not a cable ID")
    stem_id = ids.repair_id(stem) if stem else None
    if cable.id is None:
        cable.id = _id_from_text(tx, stem_id)
    if cable.id is None and stem_id:
        cable.id = stem_id
        if stem_id != stem:
            cable.aliases.append(stem)
    if cable.id is None:
        estimate = evidence.estimate(None)[0]
        cable.id = _id_from_text(tx, None, _year_of(estimate))
        if cable.id:
            b.report(
                0,
                "warning",
                "id-year-estimated",
                f"no date-time group; ID {cable.id} has an estimated year",
            )
    if cable.id is None:
        b.report(0, "error", "no-id", "no cable ID in the text and none in the file name")
        return
    if stem_id and stem_id != cable.id and stem not in cable.aliases:
        cable.aliases.append(stem)
        b.report(0, "warning", "id-mismatch", f"file name says {stem} but the cable is {cable.id}")


def _year_of(value: str | None) -> str | None:
    return value[2:4] if value and re.match(r"^\d{4}-", value) else None


def _id_from_text(
    tx: Transmission, stem_id: str | None, fallback_year: str | None = None
) -> str | None:
    """The ID from the caption (or the DE line) and the year of the date-time group.

    Without a date-time group the year comes from a file name naming the same post and
    serial, else from ``fallback_year``; None when there is no year to be had.
    """
    found = _post_and_serial(tx)
    if found is None:
        return None
    post, serial = found
    year = _year_of(tx.dtg) or _year_of(tx.dated)
    stem_parts = ids.split_id(stem_id) if stem_id else None
    if (
        stem_parts
        and serial == tx.de_serial
        and stem_parts[1] == post
        and stem_parts[2] % 10000 == serial
        and (year is None or year == stem_parts[0])
    ):
        serial = stem_parts[2]  # the DE line keeps only the last four digits of the serial
    if year is None and stem_parts and stem_parts[1:] == (post, serial):
        year = stem_parts[0]
    year = year or fallback_year
    return ids.make_id(year, post, serial) if year else None


def _post_and_serial(tx: Transmission) -> tuple[str, int] | None:
    caption = next((c for c in tx.captions if c.post and c.serial), None)
    de_post: str | None = None
    if tx.de_serial and tx.fm:
        code, _, place = load_posts().resolve_station(tx.fm)
        de_post = code or post_key(place) or None
    if caption and caption.post and caption.serial:
        post, serial = post_key(caption.post), caption.serial
        if de_post and tx.de_serial is not None and serial % 10000 != tx.de_serial % 10000:
            caption_code = load_posts().code_for(caption.post) or post
            other_post = de_post not in (caption_code, post) and not post.endswith(de_post)
            quoted = serial % 10000 in [s % 10000 for s in tx.de_serials[1:]]
            if other_post or quoted:
                # The caption belongs to another cable quoted in this one; the DE line does not.
                return de_post, tx.de_serial
        return post, serial
    if de_post and tx.de_serial:
        return de_post, tx.de_serial
    return None


class _DateEvidence:
    """What the text offers to estimate a date from when it has no date-time group.

    The costlier pieces (years the text mentions, references) are computed only when an
    estimate is asked for, which most cables with a date-time group never do.
    """

    def __init__(
        self,
        declassify_on: str | None,
        term: Secretary | None,
        lines: list[str],
        start: int,
        found: FieldsBlock,
    ) -> None:
        self.declassify_on = declassify_on
        self.term = term
        self._lines = lines
        self._start = start
        self._found = found
        self._mentioned: list[tuple[int | None, int, int]] | None = None

    @cached_property
    def text_years(self) -> Counter[int]:
        return _years_mentioned(self._lines, self._start, len(self._lines))

    @cached_property
    def newest_reference(self) -> int | None:
        return _newest_explicit_reference(self._found, load_posts())

    @cached_property
    def page_dtg(self) -> tuple[int, int, int] | None:
        return _page_dtg(self._lines, self._start, len(self._lines))

    def estimate(self, year: str | None) -> tuple[str | None, str]:
        """(estimated ISO date, how) for a cable of ``year`` (two digits) if known."""
        latest_mentioned = max(self.text_years) if self.text_years else None
        recurring = [y for y, n in self.text_years.items() if n >= 2]
        if self.declassify_on:
            for years in (10, 25, 20, 5, 15, 30):
                guess = dates.shift_years(self.declassify_on, -years)
                guess_year = int(guess[:4])
                if year is not None and guess[2:4] != year:
                    continue
                if year is None and (
                    (self.newest_reference and guess_year < self.newest_reference)
                    or (latest_mentioned and guess_year > latest_mentioned + 3)
                    or (recurring and guess_year < max(recurring) - 3)
                ):
                    continue  # before what it cites, or far from the years it speaks of
                if self.term and not self.term.start <= guess <= self.term.end:
                    continue
                guess = self._after_mentioned(guess)
                return self._on_page_day(guess), (
                    f"estimated as the declassification date minus {years} years"
                )
        if year is not None:
            return self._in_year(dates.full_year(int(year)), "the year of the cable ID")
        floor = max(self.newest_reference or 0, (latest_mentioned or 0) - 5)
        candidates = [(n, y) for y, n in self.text_years.items() if y >= floor]
        if candidates:
            # The latest year the text comes back to (mentioned twice or more): a cable
            # speaks of its own year more than once, of next year's plans rarely.
            frequent = [y for n, y in candidates if n >= 2] or [y for _, y in candidates]
            return self._in_year(max(frequent), "the years the text mentions")
        if self.newest_reference:
            return f"{self.newest_reference}-01-01", "estimated from the newest reference"
        return None, ""

    def _after_mentioned(self, guess: str) -> str:
        """A cable is written after the events it reports: a date the text mentions a few
        days after the estimate moves it there."""
        base = date.fromisoformat(guess)
        later = [d for d in self.mentioned_dates(base.year) if base < d <= base + timedelta(3)]
        return max(later).isoformat() if later else guess

    def _in_year(self, year: int, source: str) -> tuple[str, str]:
        """The latest date of ``year`` the text mentions (the month is then mostly right),
        else 1 January."""
        dates_in_year = [d for d in self.mentioned_dates(year) if d.year == year]
        if dates_in_year:
            return max(
                dates_in_year
            ).isoformat(), f"estimated from {source} and the dates it mentions"
        return f"{year}-01-01", f"estimated from {source}"

    def mentioned_dates(self, year: int) -> list[date]:
        """Dates the text mentions (``July 17``, ``17 July 2005``), undated ones in ``year``."""
        if self._mentioned is None:
            text = "\n".join(self._lines[self._start : self._start + 300])
            self._mentioned = dates.mentioned_dates(text)
        out = []
        for y, month, day in self._mentioned:
            try:
                out.append(date(y or year, month, day))
            except ValueError:
                continue
        return out

    def _on_page_day(self, guess: str) -> str:
        """Move an estimate to the day of month that the page-break lines' DTG gives."""
        if not self.page_dtg:
            return guess
        day, hour, minute = self.page_dtg
        base = date.fromisoformat(guess)
        best: str | None = None
        for delta in range(-20, 21):
            when = base + timedelta(days=delta)
            if when.day == day and (
                best is None or abs(delta) < abs((date.fromisoformat(best[:10]) - base).days)
            ):
                best = dates.iso(when.year, when.month, when.day, hour, minute)
        return best or guess


_YEAR = re.compile(r"(?<![\d/.-])(19[6-9]\d|20[0-3]\d)(?![\d/])")
_PAGE_DTG = re.compile(r"^\s*PAGE\s+\d+\s+.*?\bOF\s+\d+\s+(\d{2})(\d{2})(\d{2})Z")


def _years_mentioned(lines: list[str], start: int, limit: int) -> Counter[int]:
    counts: Counter[int] = Counter()
    for text in lines[start : min(limit, start + 300)]:
        if re.search(r"DECL|E\.O\.|CLASSIFIED BY", text, re.IGNORECASE):
            continue
        counts.update(int(y) for y in _YEAR.findall(text))
    return counts


def _page_dtg(lines: list[str], start: int, limit: int) -> tuple[int, int, int] | None:
    for text in lines[start:limit]:
        m = _PAGE_DTG.match(text)
        if m:
            return int(m.group(1)), int(m.group(2)), int(m.group(3))
    return None


def _newest_explicit_reference(found: FieldsBlock, posts: PostTable) -> int | None:
    """The latest year written in a cable citation of the REF block."""
    if found.ref_index is None:
        return None
    refs = parse_references(found.logical, found.ref_index, None, posts)[0]
    years = [dates.full_year(int(r.id[:2])) for r in refs if r.id]
    return max(years) if years else None


def _decide_created(
    b: _Builder, meta: Metadata | None, tx: Transmission, evidence: _DateEvidence, eo_line: int
) -> None:
    cable = b.cable
    for block in (meta, tx.record):
        if block is None or "created" not in block.values:
            continue
        written = block.values["created"]
        value = _header_datetime(written)
        if value:
            cable.created, cable.created_inferred = value, False
            return
        b.report(
            block.lines.get("created", 0), "warning", "bad-date", f"cannot read date {written!r}"
        )
    for value in (tx.dtg, tx.dated):
        if value:
            cable.created = value
            return
    year = _citing_year(cable)
    if tx.de_julian and year:
        day, hour, minute = tx.de_julian
        full = dates.full_year(int(year))
        if 1 <= day <= 366:
            when = date(full, 1, 1) + timedelta(days=day - 1)
            if when.year == full:
                cable.created = dates.iso(when.year, when.month, when.day, hour, minute)
                return
    estimate, how = evidence.estimate(year)
    if estimate:
        cable.created = estimate
        b.report(eo_line, "info", "created-estimated", f"no date-time group; created {how}")
    else:
        b.report(
            0, "warning", "no-date", "no date-time group and nothing to estimate the date from"
        )


def _header_datetime(written: str) -> str | None:
    m = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2}))?", written)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if m.group(4):
            return dates.iso(y, mo, d, int(m.group(4)), int(m.group(5)))
        return dates.iso(y, mo, d)
    m = re.match(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?", written)
    if m:
        mo, d, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if m.group(4):
            return dates.iso(y, mo, d, int(m.group(4)), int(m.group(5)))
        return dates.iso(y, mo, d)
    return None


_CLASSIFICATIONS = {
    "SECRET",
    "SECRET//NOFORN",
    "CONFIDENTIAL",
    "CONFIDENTIAL//NOFORN",
    "UNCLASSIFIED",
    "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
}


def _decide_classification(b: _Builder, meta: Metadata | None, tx: Transmission) -> None:
    cable = b.cable
    for block in (meta, tx.record):
        if block is not None and block.values.get("classification"):
            value = " ".join(block.values["classification"].upper().split())
            value = re.sub(r"\s*//\s*", "//", value)
            cable.classification, cable.classification_inferred = value, False
            if value not in _CLASSIFICATIONS:
                b.report(
                    block.lines.get("classification", 0),
                    "info",
                    "unusual-classification",
                    f"classification {value!r} is not one the release uses",
                )
            return
    caption: Caption | None = tx.captions[0] if tx.captions else None
    markings = [p.marking.upper() for p in cable.paragraphs if p.marking]
    noforn = tx.noforn or any(re.search(r"\bNF\b|NOFORN", m) for m in markings)
    if caption:
        # The caption and the caveat lines under it decide; paragraph markings do not.
        cable.classification = classification_name(caption.level, tx.noforn, tx.fouo)
        return
    level = tx.zny_level
    if level is None and markings:
        ranks = {"S": 3, "TS": 3, "C": 2, "SBU": 1, "U": 0}
        best = max(markings, key=lambda m: ranks.get(re.split(r"[/ -]", m)[0], 0))
        level = {3: "SECRET", 2: "CONFIDENTIAL"}.get(
            ranks.get(re.split(r"[/ -]", best)[0], 0), "UNCLASSIFIED"
        )
    if level is None:
        b.report(0, "warning", "no-classification", "no classification line found")
        return
    fouo = tx.fouo or any(m.startswith("SBU") for m in markings)
    cable.classification = classification_name(level, noforn and level != "UNCLASSIFIED", fouo)


def _decide_origin(b: _Builder, meta: Metadata | None, tx: Transmission, posts: PostTable) -> None:
    cable = b.cable
    id_parts = ids.split_id(cable.id) if cable.id else None
    id_post = id_parts[1] if id_parts else None
    fm_code: str | None = None
    fm_name: str | None = None
    if tx.fm:
        code, kind, place = posts.resolve_station(tx.fm)
        post = posts.get(code) if code else None
        if post:
            fm_code, fm_name = post.code, post.name
        elif place:
            fm_code, fm_name = post_key(place), general_name(place, kind)
            b.report(tx.fm_line, "info", "unknown-post", f"post {place!r} is not in the post table")
    for block in (meta, tx.record):
        if block is not None and block.values.get("origin"):
            cable.origin, cable.origin_inferred = block.values["origin"], False
            codes = posts.codes_named(cable.origin)
            preferred = [c for c in (fm_code, id_post) if c in codes]
            cable.origin_code = (
                preferred[0] if preferred else (codes[0] if codes else fm_code or id_post)
            )
            return
    if fm_name:
        cable.origin, cable.origin_code = fm_name, fm_code
        return
    if id_post is None:
        caption = next((c for c in tx.captions if c.post), None)
        id_post = post_key(caption.post) if caption and caption.post else None
    if id_post:
        post = posts.get(id_post) or (posts.get(c) if (c := posts.code_for(id_post)) else None)
        if post:
            cable.origin, cable.origin_code = post.name, post.code
            return
        caption = next((c for c in tx.captions if c.post), None)
        written = caption.post if caption and caption.post else id_post
        cable.origin, cable.origin_code = general_name(written), id_post
        b.report(
            caption.line if caption else 0,
            "info",
            "unknown-post",
            f"post {written!r} is not in the post table",
        )
        return
    if cable.signer and cable.signer.upper() in secretaries():
        state = posts.get("STATE")
        if state:
            cable.origin, cable.origin_code = state.name, state.code
            return
    b.report(0, "warning", "no-origin", "no FM line, caption or ID to tell the origin")


def _apply_header_lists(b: _Builder, meta: Metadata | None, posts: PostTable) -> None:
    """Tags, Subject and References from a metadata header win over the text."""
    if meta is None:
        return
    cable = b.cable
    if meta.values.get("tags"):
        cable.tags = fields.split_tags(meta.values["tags"])
    if meta.values.get("subject"):
        cable.subject = fields.collapse(meta.values["subject"])
    if meta.values.get("references"):
        line = meta.lines.get("references", 0)
        refs = []
        for item in re.split(r"[,;]\s*|\s+", meta.values["references"].strip()):
            if item:
                canonical = ids.repair_id(item)
                refs.append(Reference(None, item, canonical, line))
        cable.references = refs


_POST_CODE = re.compile(r"[A-Z]{1,40}", re.ASCII)


def _bound(b: _Builder) -> None:
    """What one file can make stays bounded (``sitegen/limits.py``): each TAGS code is a
    page, and a post code is a folder name."""
    cable = b.cable
    if len(cable.tags) > MAX_TAGS:
        b.report(
            0,
            "warning",
            "too-many-tags",
            f"{len(cable.tags):,} TAGS codes; the first {MAX_TAGS} are kept",
        )
        cable.tags = cable.tags[:MAX_TAGS]
    if len(cable.references) > MAX_REFERENCES:
        b.report(
            0,
            "warning",
            "too-many-references",
            f"{len(cable.references):,} references; the first {MAX_REFERENCES} are kept",
        )
        cable.references = cable.references[:MAX_REFERENCES]
    code = cable.origin_code
    if code and not _POST_CODE.fullmatch(code):
        b.report(
            0,
            "warning",
            "bad-post-code",
            f"post code {code[:40]!r} is not 1 to 40 letters: no origin page",
        )
        cable.origin_code = None


def _check_missing(b: _Builder, found: FieldsBlock) -> None:
    cable = b.cable
    if not cable.text.strip():
        return
    if cable.subject is None:
        b.report(0, "warning", "no-subject", "no SUBJECT line found")
    if not cable.tags:
        b.report(0, "info", "no-tags", "no TAGS line found")
