"""The repaired reading: encoding damage of the 2010-11 release undone, original untouched.

Three kinds of damage are repaired, each only where the damaged character cannot be
legitimate text:

- ``apostrophe``: ``Azerbaijan,s`` -> ``Azerbaijan's``, ``don,t`` -> ``don't``, ``we,re``
  -> ``we're`` (a comma glued between a word and a contraction ending; ``1,000``,
  ``Baku,Tbilisi`` and ``items,some`` are left alone);
- ``quotes``: ``&either ... our own8`` -> ``“either ... our own”`` (an ``&`` opening a word,
  closed by an ``8`` glued to the end of a word within a few lines; ``AT&T``, ``R&D``,
  ``G8`` and a lone ``&`` are left alone);
- ``dash``: ``talks)and`` -> ``talks -- and`` (a ``)`` between two lower-case words with no
  ``(`` open before it on the line).

Repairs never add or remove a line end, so the reading has the original's line numbers.
"""

from __future__ import annotations

import re

_APOSTROPHE = re.compile(r",(s|S|t|re|ve|ll|d|m)\b")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)$")
_PRONOUNS = {
    "re": {"we", "they", "you"},
    "ve": {"we", "they", "you", "i", "could", "would", "should", "might", "must"},
    "ll": {"we", "they", "you", "i", "it", "he", "she", "that", "there", "who"},
    "d": {"we", "they", "you", "i", "it", "he", "she", "that", "there", "who"},
    "m": {"i"},
}
_OPEN_QUOTE = re.compile(r"&(?=[A-Za-z0-9$(\[])")
_OPENS_AFTER = set(" \t\n([/-\u2028")
_CLOSE_QUOTE = re.compile(r"8(?=[\s.,;:)!?\]-]|$)")
_CLOSES_AFTER = set("abcdefghijklmnopqrstuvwxyz0123456789.,!?)]%'")
_MAX_QUOTE = 400
_PARENS = re.compile(r"[()]")


def repair_lines(lines: list[str]) -> tuple[list[str], dict[str, int]]:
    """The repaired reading of ``lines`` (same count, same order) and counts by kind."""
    if not lines:
        return [], {}
    text = "\n".join(lines)
    counts: dict[str, int] = {}
    for kind, repair in (("apostrophe", _apostrophes), ("dash", _dashes), ("quotes", _quotes)):
        text, n = repair(text)
        if n:
            counts[kind] = n
    return text.split("\n"), counts


def _apostrophes(text: str) -> tuple[str, int]:
    if "," not in text:
        return text, 0
    pieces: list[str] = []
    pos = 0
    n = 0
    for m in _APOSTROPHE.finditer(text):
        word_match = _WORD_BEFORE.search(text, max(0, m.start() - 24), m.start())
        if word_match is None:
            continue
        word, end = word_match.group(1), m.group(1)
        if end in ("s", "S"):
            ok = len(word) > 1 or word.isupper()
        elif end == "t":
            ok = len(word) > 1 and word.lower().endswith("n")
        else:
            ok = word.lower() in _PRONOUNS[end]
        if ok:
            pieces.append(text[pos : m.start()])
            pieces.append("'")
            pos = m.start() + 1
            n += 1
    pieces.append(text[pos:])
    return "".join(pieces), n


def _dashes(text: str) -> tuple[str, int]:
    pieces: list[str] = []
    pos = 0
    n = 0
    close = text.find(")")
    while close != -1:
        left = close - 1 if text[close - 1 : close] == " " else close
        right = close + 2 if text[close + 1 : close + 2] == " " else close + 1
        if (
            left >= 2
            and text[left - 2 : left].isalpha()
            and text[left - 1].islower()
            and text[right : right + 2].isalpha()
            and text[right].islower()
            and text[left - 2 : left].isascii()
            and not _open_parens(text[text.rfind("\n", 0, close) + 1 : close])
        ):
            pieces.append(text[pos:left])
            pieces.append(" -- ")
            pos = right
            n += 1
        close = text.find(")", close + 1)
    if not n:
        return text, 0
    pieces.append(text[pos:])
    return "".join(pieces), n


def _open_parens(text: str) -> int:
    depth = 0
    for paren in _PARENS.finditer(text):
        depth = depth + 1 if paren.group(0) == "(" else max(0, depth - 1)
    return depth


def _quotes(text: str) -> tuple[str, int]:
    """Pair ``&`` openers with ``8`` closers, within a short span across lines."""
    if "&" not in text or "8" not in text:
        return text, 0
    pieces: list[str] = []
    pos = 0
    n = 0
    for opener in _OPEN_QUOTE.finditer(text):
        start = opener.start()
        if start < pos or (start > 0 and text[start - 1] not in _OPENS_AFTER):
            continue
        limit = min(len(text), opener.end() + _MAX_QUOTE)
        following = text.find("&", opener.end(), limit)
        if following != -1:
            limit = following
        closer = None
        for candidate in _CLOSE_QUOTE.finditer(text, opener.end(), limit):
            if _closes(text, candidate.start()):
                closer = candidate
                break
        if closer is None:
            continue
        pieces.append(text[pos:start])
        pieces.append("\u201c")
        pieces.append(text[opener.end() : closer.start()])
        pieces.append("\u201d")
        pos = closer.end()
        n += 1
    if not n:
        return text, 0
    pieces.append(text[pos:])
    return "".join(pieces), n


def _closes(text: str, i: int) -> bool:
    """An ``8`` closes a quote when glued to a word's end, not as in ``G8`` or ``1998``."""
    before = text[max(0, i - 4) : i]
    if not before or (before[-1] not in _CLOSES_AFTER and not before[-3:].isupper()):
        return False
    if before[-1].isdigit():
        return False  # ``1998``, ``8``: a number, not a closing quote
    word = re.search(r"[A-Za-z]+$", before)
    return not (word and word.group(0).isupper() and len(word.group(0)) <= 2)
