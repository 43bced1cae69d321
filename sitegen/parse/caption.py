"""The classification/serial line (the caption) and the caveat lines below it.

``C O N F I D E N T I A L SECTION 01 OF 02 BAKU 000129`` gives the level, the post as written
and the serial; ``NOFORN`` or ``SENSITIVE`` lines under it give the caveat. The release names
a classification as level plus caveat: ``SECRET//NOFORN``, ``UNCLASSIFIED//FOR OFFICIAL USE
ONLY`` (SBU, FOUO and LOU cables).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def _spaced(word: str) -> str:
    return r"\s?".join(re.escape(c) for c in word)


_LEVEL_WORDS = {
    "TOP SECRET": "SECRET",
    "SECRET": "SECRET",
    "CONFIDENTIAL": "CONFIDENTIAL",
    "UNCLASSIFIED": "UNCLASSIFIED",
    "UNCLAS": "UNCLASSIFIED",
    "LIMITED OFFICIAL USE": "LOU",
}
_LEVEL_ALT = "|".join(
    _spaced(w).replace(r"\ ", r"\s+") for w in sorted(_LEVEL_WORDS, key=len, reverse=True)
)
_PREFIX = r"^\s*\(?(?:Telegram|TelegramRestricted by caption\.)?\s*"
CAPTION = re.compile(
    _PREFIX + rf"(?P<level>S?(?:{_LEVEL_ALT}))(?P<rest>.*)$",
)
# Lower-cased copies keep the letter spacing: ``C o n f i d e n t i a l section 01 of 03``.
_SPACED_LOWER = re.compile(
    r"^\s*(?P<level>"
    + "|".join(r"\s".join(w) for w in ("CONFIDENTIAL", "SECRET", "UNCLASSIFIED"))
    + r")(?P<rest>\s.*)$",
    re.IGNORECASE,
)
SECTION = re.compile(r"\bSECTION\s*0*(\d{1,3})\s*OF\s*0*(\d{1,3})\b", re.IGNORECASE)
_POST_SERIAL = re.compile(
    r"^[\s/:,-]*(?P<post>[A-Z][A-Z.'&\- ]*?)\s*0*(?P<serial>\d{1,7})(?!\d)(?P<tail>.*)$"
)
_CAVEATS_IN_LINE = re.compile(r"(NOFORN|SENSITIVE|\bSBU\b|FOR OFFICIAL USE ONLY|EXDIS|NODIS)")
_GLUED = re.compile(r"[A-Z]{3,}\s+0*\d")
# Words that may stand between the level and the post and are not part of the post.
_NOISE = re.compile(r"^\s*(?://\s*)?(?:NOFORN|SBU|SENSITIVE|NOCONTRACT|PROPIN|ORCON)\b\s*(?://)?")


@dataclass(frozen=True, slots=True)
class Caption:
    """What the caption line says."""

    line: int
    level: str
    """``SECRET``, ``CONFIDENTIAL``, ``UNCLASSIFIED`` or ``LOU``."""
    post: str | None
    """The post as written, spaces kept: ``NEW DELHI``, ``E F T O LONDON``."""
    serial: int | None
    section: tuple[int, int] | None
    caveats: tuple[str, ...]


def _level_of(written: str) -> str:
    key = "".join(written.split()).upper()
    if key.startswith("SS"):
        key = key[1:]
    for word, level in _LEVEL_WORDS.items():
        if key == word.replace(" ", ""):
            return level
    return "UNCLASSIFIED"


def read_caption(text: str, line: int) -> Caption | None:
    """Read one line as a caption; None when it is not one."""
    m = CAPTION.match(text) or _SPACED_LOWER.match(text)
    if not m:
        return None
    rest = m.group("rest")
    if m.re is _SPACED_LOWER:
        rest = rest.upper()
    if rest[:1].isalpha() and not _GLUED.match(rest):
        # ``SECRETARY``, ``CONFIDENTIALITY``: a level word must end where the word ends,
        # unless a post and serial are glued to it (``C O N F I D E N T I A LCAIRO 000123``).
        return None
    level = _level_of(m.group("level"))
    caveats = tuple(dict.fromkeys(c.upper() for c in _CAVEATS_IN_LINE.findall(rest)))
    section = None
    sm = SECTION.search(rest)
    if sm:
        # What stands before SECTION (``E F T O``, ``NOFORN``) is not part of the post.
        section = (int(sm.group(1)), int(sm.group(2)))
        rest = " " + rest[sm.end() :]
    while (nm := _NOISE.match(rest)) and nm.end() > 0:
        rest = rest[nm.end() :]
    pm = _POST_SERIAL.match(rest)
    if pm:
        written = re.sub(r"\s+", " ", pm.group("post")).strip(" .-")
        if written and len(written.split()) <= 6:
            return Caption(line, level, written, int(pm.group("serial")), section, caveats)
    if len(rest.strip()) > 40 and section is None:
        return None  # prose that happens to start with a level word
    return Caption(line, level, None, None, section, caveats)


def classification_name(level: str, noforn: bool, fouo: bool) -> str:
    """The release's name for a level and its caveat."""
    if level == "LOU":
        return "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    if level == "UNCLASSIFIED":
        # The release files unclassified NOFORN cables (``SBU/NF``) as FOUO too.
        return "UNCLASSIFIED//FOR OFFICIAL USE ONLY" if fouo or noforn else "UNCLASSIFIED"
    return f"{level}//NOFORN" if noforn else level


def caveats_of_line(text: str) -> tuple[bool, bool]:
    """(NOFORN, sensitive/FOUO) as said by one line between the caption and the fields.

    Only upper-case lines count (routing and caveat lines, not prose); copies glue words
    together (``022025SIPDISNOFORN``), so NOFORN is looked for anywhere in such a line.
    """
    if re.search(r"[a-z]", text):
        return False, False
    upper = text.upper()
    noforn = "NOFORN" in upper or bool(re.search(r"\bNO FORN\b", upper))
    fouo = bool(re.search(r"(?:^|\s)(?:SENSITIVE|SBU|FOUO)\b|FOR OFFICIAL USE ONLY", upper))
    return noforn, fouo
