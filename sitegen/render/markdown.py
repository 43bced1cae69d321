"""Markdown pages and notes to HTML: CommonMark with tables, cable IDs linked.

Raw HTML in Markdown is not passed through (it is shown as text), and link targets with
unsafe schemes (``javascript:``) are refused by markdown-it's link validation: a page or a
note can never inject markup.
"""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from sitegen.core.ids import IN_TEXT

LinkResolver = Callable[[str], str | None]
"""Gives the href of a cable ID as seen from the page being rendered, or None."""


def _cable_links(state: StateCore) -> None:
    """Turn cable IDs in text into links to their pages (only IDs the archive holds)."""
    resolve: LinkResolver | None = state.env.get("cable_link")
    if resolve is None:
        return
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        out: list[Token] = []
        depth = 0
        for child in token.children:
            if child.type == "link_open":
                depth += 1
            elif child.type == "link_close":
                depth -= 1
            if child.type != "text" or depth or not IN_TEXT.search(child.content):
                out.append(child)
                continue
            pos = 0
            for m in IN_TEXT.finditer(child.content):
                href = resolve(m.group(0))
                if href is None:
                    continue
                if m.start() > pos:
                    out.append(_text(child.content[pos : m.start()]))
                link = Token("link_open", "a", 1)
                link.attrs = {"href": href, "class": "cable-id"}
                out.extend([link, _text(m.group(0)), Token("link_close", "a", -1)])
                pos = m.end()
            if pos < len(child.content):
                out.append(_text(child.content[pos:]))
        token.children = out


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


class Markdown:
    """CommonMark with tables, raw HTML shown as text, cable IDs linked. Made once and
    passed to whatever renders pages and notes: building the parser's rules costs more
    than rendering a short note."""

    def __init__(self) -> None:
        # xhtmlOut off: HTML5 void elements (<hr>, <br>) without the XHTML slash the
        # validator flags.
        options = {"html": False, "typographer": False, "xhtmlOut": False}
        self._md = MarkdownIt("commonmark", options).enable("table")
        self._md.core.ruler.push("cable_links", _cable_links)

    def render(self, body: str, cable_link: LinkResolver | None = None) -> str:
        """HTML of a Markdown body; cable IDs become links where ``cable_link`` knows
        them."""
        html: str = self._md.render(body, {"cable_link": cable_link} if cable_link else {})
        return html
