"""Small helpers shared by the extractors: page text as lines, snippets, evidence."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

import lxml.html
from lxml import etree

from sophia_crew.errors import InputError

from .models import Evidence, FetchResult
from .safety import is_suspicious

_BLOCK_TAGS = {
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "tr",
    "td",
    "th",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "dt",
    "dd",
    "address",
    "nav",
    "aside",
    "main",
    "form",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "label",
    "option",
    "button",
}
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe")


def page_from_html(html: str, url: str, fetched_at: datetime | None = None) -> FetchResult:
    """Wrap saved HTML as a :class:`FetchResult` (for saved pages and tests)."""
    when = fetched_at or datetime.now(UTC)
    return FetchResult(
        url=url,
        final_url=url,
        status=200,
        fetched_at=when,
        content_hash=hashlib.sha256(html.encode("utf-8")).hexdigest(),
        content_type="text/html; charset=utf-8",
        encoding="utf-8",
        size=len(html.encode("utf-8")),
        text=html,
    )


def parse_html(html: str, source: str = "page") -> lxml.html.HtmlElement:
    """Parse HTML leniently; InputError when nothing parseable is left."""
    cleaned = re.sub(r"^\s*<\?xml[^>]*>", "", html or "")
    if not cleaned.strip():
        raise InputError(f"{source}: empty page")
    try:
        return lxml.html.document_fromstring(cleaned)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"{source}: unparseable HTML ({exc})") from None


def drop_noise(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """Remove scripts, styles and comments in place (returns ``doc``)."""
    for el in doc.xpath("//script|//style|//noscript|//template|//svg|//iframe|//comment()"):
        parent = el.getparent()
        if parent is not None:
            # keep the tail text, which belongs to the parent
            if el.tail:
                prev = el.getprevious()
                if prev is not None:
                    prev.tail = (prev.tail or "") + el.tail
                else:
                    parent.text = (parent.text or "") + el.tail
            parent.remove(el)
    return doc


def element_lines(el: lxml.html.HtmlElement) -> list[str]:
    """Text of ``el`` split into lines at block boundaries, whitespace collapsed, empties dropped."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _DROP_TAGS or not isinstance(node.tag, str):
            if node.tail and isinstance(node.tag, str) is False:
                parts.append(node.tail)
            return
        block = tag.lower() in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if isinstance(child.tag, str) and child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(el)
    lines = [re.sub(r"\s+", " ", line).strip() for line in "".join(parts).split("\n")]
    return [line for line in lines if line]


def text_of(el: lxml.html.HtmlElement) -> str:
    """Whitespace-normalised text content of an element."""
    return re.sub(r"\s+", " ", el.text_content() or "").strip()


def snippet(text: str, start: int = 0, end: int | None = None, width: int = 80) -> str:
    """Quote of ``text`` around ``[start, end)``, at most ~2*width+match characters, whitespace collapsed."""
    end = len(text) if end is None else end
    lo, hi = max(0, start - width), min(len(text), end + width)
    quote = re.sub(r"\s+", " ", text[lo:hi]).strip()
    return ("…" if lo > 0 else "") + quote + ("…" if hi < len(text) else "")


def short(text: str, limit: int = 240) -> str:
    """Whitespace-collapsed text cut to ``limit`` characters."""
    flat = re.sub(r"\s+", " ", text or "").strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


WITHHELD = "[quote withheld: instruction-like text, see warnings]"


def evidence(page: FetchResult, quote: str) -> Evidence:
    """Evidence for a fact quoted from ``page``; a quote that reads like an instruction is withheld."""
    text = short(quote)
    if is_suspicious(text):
        text = WITHHELD
    return Evidence(source_url=page.final_url or page.url, fetched_at=page.fetched_at, snippet=text)
