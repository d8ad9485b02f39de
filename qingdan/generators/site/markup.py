"""Text for the places of a site page that are not plain Markdown: the page title, the
raw HTML the theme prints (site name, navigation titles) and link targets.

Page bodies are escaped by the templates themselves (``guides.md_escape``); Mermaid
labels by ``mermaid.mermaid_text``.
"""

from __future__ import annotations

import html
import os
from pathlib import PurePosixPath
from urllib.parse import quote

from markupsafe import Markup


def safe_title(markdown: str) -> str:
    """The page's ``# title`` line with ``<`` and ``>`` as full-width ＜ ＞.

    mkdocs takes a page's title from its first heading and the theme prints it, unescaped,
    inside ``<title>``; full-width brackets keep a name such as ``</title>`` inert there.
    """
    first, sep, rest = markdown.partition("\n")
    if first.startswith("# "):
        first = first.replace("&lt;", "＜").replace("&gt;", "＞").replace("<", "＜").replace(">", "＞")
    return first + sep + rest


def html_text(text: str) -> str:
    """Text for a place the theme prints as raw HTML (site name, navigation titles).

    ``<`` and ``>`` become full-width ＜ ＞ rather than entities, because the theme also
    prints page titles through ``striptags``, which turns entities back into markup.
    """
    return html.escape(str(text).replace("<", "＜").replace(">", "＞"), quote=True)


def url(value: str) -> Markup:
    """A link target, percent-encoded (the ``url`` filter of the site templates)."""
    return Markup(quote(value, safe="/#.-_~"))


def relative_path(from_page: str, target: str) -> str:
    """A relative link from one docs file to another (both relative to docs/)."""
    start = PurePosixPath(from_page).parent
    return os.path.relpath(target, start.as_posix() or ".").replace(os.sep, "/")


def link(from_page: str, target: str) -> Markup:
    """The encoded relative link from ``from_page`` to ``target`` (both relative to docs/)."""
    return url(relative_path(from_page, target))
