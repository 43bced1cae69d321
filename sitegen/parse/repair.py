"""The repaired reading: encoding damage of the 2010-11 release undone, original untouched.

Three kinds of damage are repaired, each only in contexts where the damaged character cannot
be legitimate text:

- ``apostrophe``: ``Azerbaijan,s`` -> ``Azerbaijan's``, ``don,t`` -> ``don't`` (a comma glued
  between a word and a contraction ending; ``1,000`` and ``Baku,Tbilisi`` are left alone);
- ``quotes``: ``&either ... our own8`` -> ``“either ... our own”`` (an ``&`` opening a word,
  closed by an ``8`` glued to the end of a word on the same or a following line; ``AT&T``,
  ``R&D``, ``G8`` and lone ``&`` are left alone);
- ``dash``: ``talks)and`` -> ``talks -- and`` (a ``)`` glued between two lower-case words with
  no ``(`` open before it on the line).
"""

from __future__ import annotations

import re

_APOSTROPHE = re.compile(r"\b(?P<word>[A-Za-z]+),(?P<end>s|S|t|re|ve|ll|d|m)\b")
_PRONOUNS = {
    "re": {"we", "they", "you"},
    "ve": {"we", "they", "you", "i", "could", "would", "should", "might", "must"},
    "ll": {"we", "they", "you", "i", "it", "he", "she", "that", "there", "who"},
    "d": {"we", "they", "you", "i", "it", "he", "she", "that", "there", "who"},
    "m": {"i"},
}


def _apostrophe(m: re.Match[str]) -> str:
    word, end = m.group("word"), m.group("end")
    if end in ("s", "S"):
        ok = len(word) > 1 or word.isupper()
    elif end == "t":
        ok = word.lower().endswith("n") and len(word) > 1
    else:
        ok = word.lower() in _PRONOUNS[end]
    return f"{word}'{end}" if ok else m.group(0)


_OPEN_QUOTE = re.compile(r"(?:(?<=^)|(?<=[\s(\[/-]))&(?=[A-Za-z0-9$(\[])")
_CLOSE_QUOTE = re.compile(r"(?:(?<=[a-z0-9.,!?)\]%'])|(?<=[A-Z]{3}))8(?=[\s.,;:)!?\]-]|$)")
_DASH = re.compile(r"(?<=[a-z]) ?\)(?= ?[a-z])")
_MAX_QUOTE = 400


def repair_lines(lines: list[str]) -> tuple[list[str], dict[str, int]]:
    """The repaired reading of ``lines`` (same count, same order) and counts by kind."""
    counts = {"apostrophe": 0, "quotes": 0, "dash": 0}
    out = []
    for line in lines:
        fixed = _APOSTROPHE.sub(_apostrophe, line)
        counts["apostrophe"] += fixed.count("'") - line.count("'")
        line = fixed
        fixed, n = _repair_dashes(line)
        counts["dash"] += n
        out.append(fixed)
    counts["quotes"] = _repair_quotes(out)
    return out, {k: v for k, v in counts.items() if v}


def _repair_dashes(line: str) -> tuple[str, int]:
    if ")" not in line:
        return line, 0
    n = 0
    parts: list[str] = []
    depth = 0
    pos = 0
    for m in re.finditer(r"[()]", line):
        segment = line[pos : m.start()]
        parts.append(segment)
        pos = m.end()
        if m.group(0) == "(":
            depth += 1
            parts.append("(")
        elif depth > 0:
            depth -= 1
            parts.append(")")
        elif _DASH.match(line, m.start() - (1 if line[m.start() - 1 : m.start()] == " " else 0)) and _lower_around(line, m.start()):
            n += 1
            if parts and parts[-1].endswith(" "):
                parts[-1] = parts[-1].rstrip(" ")
            parts.append(" -- ")
            if line[pos : pos + 1] == " ":
                pos += 1
        else:
            parts.append(")")
    parts.append(line[pos:])
    return "".join(parts), n


def _lower_around(line: str, i: int) -> bool:
    before = line[:i].rstrip(" ")
    after = line[i + 1 :].lstrip(" ")
    return bool(before[-2:].isalpha() and before[-1:].islower() and after[:2].isalpha() and after[:1].islower())


def _repair_quotes(lines: list[str]) -> int:
    """Pair ``&`` openers with ``8`` closers, within a short span across lines."""
    text = "\n".join(lines)
    if "&" not in text or "8" not in text:
        return 0
    pieces: list[str] = []
    pos = 0
    n = 0
    for opener in _OPEN_QUOTE.finditer(text):
        if opener.start() < pos:
            continue
        window_end = min(len(text), opener.end() + _MAX_QUOTE)
        nxt_open = _OPEN_QUOTE.search(text, opener.end(), window_end)
        limit = nxt_open.start() if nxt_open else window_end
        closer = _CLOSE_QUOTE.search(text, opener.end(), limit)
        if closer is None:
            continue
        pieces.append(text[pos : opener.start()])
        pieces.append("\u201c")
        pieces.append(text[opener.end() : closer.start()])
        pieces.append("\u201d")
        pos = closer.end()
        n += 1
    if not n:
        return 0
    pieces.append(text[pos:])
    repaired = "".join(pieces).split("\n")
    lines[:] = repaired
    return n
