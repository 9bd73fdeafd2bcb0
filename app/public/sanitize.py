"""Rich text from organizers, made safe once, when it is saved.

nh3 (Ammonia) keeps a small set of tags (headings, paragraphs, lists, links,
bold and italic, quotes) and drops everything else: script and style
elements with their content, event handlers and style attributes (no
attribute is allowed but a link's href and title), and every URL scheme but
http, https and mailto (so no javascript: or data:). Links get
rel="noopener noreferrer nofollow". The stored HTML is what the page shows.

Text typed without any tag is taken as plain paragraphs: a blank line starts
a new paragraph, a single line break stays a line break.
"""

from __future__ import annotations

import re
from html import escape, unescape

import nh3

TAGS = {
    "h2",
    "h3",
    "h4",
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "a",
    "strong",
    "em",
    "b",
    "i",
    "blockquote",
}
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
_TAG = re.compile(r"<[a-zA-Z/!]")
_BLOCK_END = re.compile(r"<(?:/p|br|/h[1-6]|/li|/blockquote)\b[^>]*>", re.I)


def _paragraphs(text: str) -> str:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    return "".join("<p>" + escape(b).replace("\n", "<br>") + "</p>" for b in blocks)


def clean_html(text: str | None) -> str:
    """Organizer-typed rich text as safe HTML (see the module's rules)."""
    text = (text or "").strip()
    if not text:
        return ""
    if not _TAG.search(text):
        text = _paragraphs(text)
    return nh3.clean(
        text,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def plain_text(html: str, limit: int | None = None) -> str:
    """The words of some HTML without tags (for feed summaries and meta tags)."""
    text = _BLOCK_END.sub(" ", html or "")
    text = unescape(" ".join(nh3.clean(text, tags=set()).split()))
    if limit and len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text
