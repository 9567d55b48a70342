"""HTML pages -> article text: the extractor (trafilatura) finds the article, its title and lead photo
caption; one paragraph per block, no markup, scripts or menus.

Also what plain text is not: a fragment (an article body copied from a CMS, ``<p>…</p>`` with
entities) is HTML too, and a page whose article sits in a layout table (older sites) is read with its
tables as plain blocks when the extractor finds nothing in it. Bad input is an ``InputError``.
"""

from __future__ import annotations

import logging
import re

from ..errors import InputError

# An HTML fragment (a CMS export, the source view of an article body) opens with one of these tags.
_FRAGMENT_START = re.compile(
    r"<(?:p|div|article|section|main|header|h[1-6]|table|ul|ol|blockquote|figure|span|a|b|strong|em|i|font"
    r"|br|hr|meta|title|!--)(?=[\s>/])", re.I)


def looks_like_html(text: str) -> bool:
    """A whole page, or a fragment that opens with an HTML tag and closes one (``<p>…</p>``, ``<br>``)."""
    head = text.lstrip()[:2000].lower()
    if head.startswith(("<!doctype html", "<html")) or re.search(r"<(?:html|body|head)[\s>]", head):
        return True
    return bool(_FRAGMENT_START.match(head)) and bool(re.search(r"</[a-z][a-z0-9]*\s*>|<br\s*/?>", head))


def _lead_captions(html: str) -> list[str]:
    """Photo captions (<figcaption>) that come before the first real paragraph of the page:
    the extractor drops them, but a translated page keeps its lead photo's caption."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fromstring(html)
    except (ValueError, etree.ParserError):
        return []
    captions = []
    for el in root.iter("figcaption", "p"):
        text = " ".join(el.text_content().split())
        if el.tag == "p" and len(text) >= 40:
            break
        if el.tag == "figcaption" and text:
            captions.append(text)
    return captions


def _extract(trafilatura, html: str):
    """The extractor's result and its text (stripped; "" when it found none)."""
    quiet = logging.getLogger("trafilatura")  # its complaints ("discarding data: None") become our one error
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        found = trafilatura.bare_extraction(html, include_comments=False, include_tables=False,
                                            with_metadata=True, favor_precision=True)
    finally:
        quiet.setLevel(level)
    return found, (getattr(found, "text", None) or "").strip() if found is not None else ""


def _untable(html: str) -> str:
    """The page with its tables as plain blocks: a layout table is a page's columns, not a table."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fromstring(html)
    except (ValueError, etree.ParserError):
        return html
    for el in root.iter("table", "thead", "tbody", "tfoot", "tr", "td", "th"):
        el.tag = "div"
    return etree.tostring(root, encoding="unicode", method="html")


def html_to_text(html: str, name: str = "input") -> str:
    """The article of an HTML page as plain text: title, lead photo caption, one paragraph per block."""
    import trafilatura

    if not re.search(r"<(?:html|body)[\s>]", html[:5000], re.I):
        html = f"<html><body>{html}</body></html>"  # a fragment: the extractor drops a short one left bare
    found, body = _extract(trafilatura, html)
    if not body and re.search(r"<td[\s>]", html, re.I):  # the article in a layout table (older sites)
        html = _untable(html)
        found, body = _extract(trafilatura, html)
    if not body:
        raise InputError(f"{name}: no article text found in this HTML page")
    paras = [p.strip() for p in body.split("\n") if p.strip()]
    title = (getattr(found, "title", None) or "").strip()
    if title and (not paras or paras[0] != title):
        paras.insert(0, title)
    at = 1 if title else 0
    for caption in _lead_captions(html):
        if caption not in body:
            paras.insert(at, caption)
            at += 1
    return "\n\n".join(paras)
