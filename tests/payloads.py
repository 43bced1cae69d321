"""Hostile inputs and the checks every built site must pass whatever its content held.

:data:`PAYLOADS` are strings that would do harm if a page carried them unescaped (markup,
script, a template expression, an attribute or comment broken out of, a ``javascript:``
URL). :func:`scan_output` reads every file of an output folder and fails on any sign that
one got through: an element or attribute the theme never writes, a script that is not the
theme's, a link to a script URL, an evaluated template expression, a JSON or XML file that
does not parse. :func:`tree` snapshots a folder, to prove nothing was written outside the
output.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path

EVALUATED = "sgxss"
"""What ``{{ "sg" ~ "xss" }}`` gives when a template engine evaluates it."""

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><xss-probe a="',
    "'><xss-probe a='",
    "{{ 7*7 }}",
    '{{ "sg" ~ "xss" }}',
    "{% raw %}",
    "{% endraw %}{{ 7*7 }}",
    "{# comment #}",
    "javascript:alert(1)",
    "</title></textarea></style></script><xss-probe>",
    "]]><xss-probe/><![CDATA[",
    "--><xss-probe><!--",
    "&lt;xss-probe&gt; &amp; &#60;",
    "\u202eevil\u202c",
    "\u2028line\u2029",
    "W" * 300,
]

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "srcset"}
_BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
_FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


_THEME_SCRIPT = re.compile(r"(\.\./)*static/[a-z]+\.js")
"""The theme's own scripts (search, citation), loaded from its static folder."""


class _Scanner(HTMLParser):
    """Collects what in an HTML page could run or load something."""

    def __init__(self, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name = name
        self.problems: list[str] = []
        self._script: str | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        where = f"{self.name}: <{tag}>"
        if "xss" in tag or tag in _FORBIDDEN_TAGS:
            self.problems.append(f"{where}: element injected")
        values = dict(attrs)
        for key, value in attrs:
            if key.startswith("on") or "xss" in key:
                self.problems.append(f"{where}: attribute {key!r} injected")
            if key in _URL_ATTRIBUTES and value is not None:
                plain = _INVISIBLE.sub("", value).lower()
                if plain.startswith(_BAD_SCHEMES):
                    self.problems.append(f"{where}: {key}={value!r}")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.problems.append(f"{where}: a refresh injected")
        if tag == "script":
            kind = values.get("type") or ""
            source = values.get("src") or ""
            if kind == "application/json" or (
                kind in ("", "module") and _THEME_SCRIPT.fullmatch(source)
            ):
                self._script = kind
                self._script_text = []
            else:
                self.problems.append(f"{where}: a script the theme does not write ({attrs})")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            body = "".join(self._script_text)
            if self._script == "application/json":
                try:
                    json.loads(body)
                except ValueError:
                    self.problems.append(f"{self.name}: a JSON script that does not parse")
            elif body.strip():
                self.problems.append(f"{self.name}: a module script with a body")
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)


def scan_output(output: Path) -> dict[str, bytes]:
    """Check every file of ``output``; returns them (path -> bytes) for further checks."""
    files: dict[str, bytes] = {}
    problems: list[str] = []
    for path in sorted(output.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(output).as_posix()
        if name.startswith("pagefind/"):
            continue  # Pagefind's own code and compressed index (tests/test_search.py)
        data = files[name] = path.read_bytes()
        if EVALUATED.encode() in data:
            problems.append(f"{name}: a template expression was evaluated")
        if name.endswith(".html"):
            scanner = _Scanner(name)
            scanner.feed(data.decode("utf-8"))
            scanner.close()
            problems += scanner.problems
        elif name.endswith(".json"):
            try:
                json.loads(data)
            except ValueError as exc:
                problems.append(f"{name}: not JSON: {exc}")
        elif name.endswith(".xml"):
            try:
                root = ElementTree.fromstring(data)
            except ElementTree.ParseError as exc:
                problems.append(f"{name}: not XML: {exc}")
            else:
                for element in root.iter():
                    if element.tag.split("}")[-1] in ("script", "xss-probe"):
                        problems.append(f"{name}: element {element.tag} injected")
                    for key, value in element.attrib.items():
                        plain = _INVISIBLE.sub("", value).lower()
                        if key == "href" and plain.startswith(_BAD_SCHEMES):
                            problems.append(f"{name}: href={value!r}")
    assert not problems, "\n".join(problems[:40])
    return files


def tree(root: Path, skip: tuple[Path, ...] = ()) -> dict[str, str]:
    """Every entry under ``root`` (files by hash, links by target, folders and others by
    kind), except those under ``skip``."""
    out: dict[str, str] = {}
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        dirs[:] = [d for d in dirs if here / d not in skip]
        for name in [*dirs, *names]:
            path = here / name
            if path in skip:
                continue
            key = path.relative_to(root).as_posix()
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                out[key] = "link " + os.readlink(path)
            elif stat.S_ISREG(info.st_mode):
                out[key] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                out[key] = f"mode {stat.S_IFMT(info.st_mode):o}"
    return out
