"""HTML soup → clean plain text, bounded in size. Pure functions."""

from __future__ import annotations

import html
import re

from selectolax.lexbor import LexborHTMLParser as HTMLParser

_WS = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_NL = re.compile(r"\n\s*\n+")
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "svg")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLOCK_TAGS = (
    "p,div,li,ul,ol,dl,dt,dd,h1,h2,h3,h4,h5,h6,blockquote,pre,table,tr,td,th,section,article,"
    "header,footer,aside,nav,figure,figcaption,hr,address,details,summary,img"
)


def html_to_text(fragment: str | None) -> str:
    """Visible text of an HTML fragment (or plain text), whitespace collapsed, entities decoded.

    Inline elements (``<a>``, ``<span>``, ``<b>``…) do not split words (``@<span>x</span>`` gives ``@x``);
    block elements are separated by a space, ``<br>`` by a newline.
    Never raises on malformed markup: broken tags are repaired by the HTML5 parser; control characters
    are removed. ``None`` and empty input give ``""``.
    """
    if not fragment:
        return ""
    if "<" not in fragment:
        text = html.unescape(fragment)
    else:
        tree = HTMLParser(fragment)
        for tag in _DROP_TAGS:
            for node in tree.css(tag):
                node.decompose()
        for br in tree.css("br"):
            br.replace_with("\n")
        for block in tree.css(_BLOCK_TAGS):  # inline markup (links, spans) joins words; blocks separate
            block.insert_before(" ")
            block.insert_after(" ")
        root = tree.body or tree.root
        text = root.text(separator="") if root is not None else ""
        text = html.unescape(text) if "&" in text else text
    text = _CONTROL.sub("", text)
    text = "\n".join(_WS.sub(" ", line).strip() for line in text.splitlines())
    return _NL.sub("\n", text).strip()


def truncate(text: str, limit: int) -> tuple[str, bool]:
    """Cut ``text`` to at most ``limit`` characters at a word boundary; returns (text, was_cut)."""
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    space = cut.rfind(" ", int(limit * 0.8))
    return (cut[:space] if space > 0 else cut).rstrip(), True
