"""Catalog text in the Markdown qingdan writes: ``md_text`` is what the build's service
guides (``guides/*.md``), every site page template and the site's guides print; also the
page title, the raw HTML the theme prints (site name,
navigation titles) and link targets. Mermaid labels are escaped by
``mermaid.mermaid_text``.

Rule files come from pull requests, so no catalog text may become markup, in the site or
in a portal that renders the published guides. The site's Markdown (``mkdocs.mkdocs_config``) enables tables, attr_list, md_in_html, admonition,
toc and pymdownx.superfences; ``md_text`` escapes what each makes special:

- raw HTML, entities, autolinks (core, md_in_html): ``& < >`` become entities;
- emphasis, code spans, links, images, reference definitions, ``[TOC]`` (toc): a
  backslash before each of ``\\ ` * _ [ ]``;
- attr_list (``{: onclick=… }`` at the end of a block, cell, heading or link): a
  backslash before ``{`` and ``}``, so no brace is left for attr_list to read;
- tables: a backslash before ``|``;
- superfences (fences of backticks or tildes): backticks get a backslash, ``~`` becomes
  ``&#126;`` (Python-Markdown has no backslash escape for it);
- headings: a backslash before ``#``;
- what only counts at the start of a line (lists ``- + 1.``, rules, setext underlines
  ``=== ---``, admonition ``!!!``, block quotes, indented code): line breaks and runs
  of white space become one space, so text never starts a line of its own but where a
  template puts it; there, a leading ``- + !`` gets a backslash and ``=`` becomes
  ``&#61;`` (unless a digit follows: ``-5`` stays), and ``1.`` becomes ``1\\.``;
- C0 control characters (Python-Markdown's placeholders are made of STX and ETX) become
  U+FFFD.

Python-Markdown turns every backslash escape back into its character, so the reader
sees the text as written (white space collapsed, as HTML shows it anyway). CommonMark
renderers (a portal's) read the same escapes and entities the same way: any ASCII
punctuation may take a backslash there, and ``&#126;`` is an entity.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable
from pathlib import PurePosixPath
from urllib.parse import quote

from markupsafe import Markup

_MD_BACKSLASH = re.compile(r"([\\`*_{}\[\]#|])")
_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "~": "&#126;"}
_MD_ENTITY = re.compile("[&<>~]")
_LINE_START = re.compile(r"^( ?)(?:([-+!])|(=)|([0-9]+)\.(?= |$))(?![0-9])")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile("[ \t\r\n\f\v]+")


def _line_start(m: re.Match[str]) -> str:
    space, mark, equals, number = m.groups()
    if mark:
        return f"{space}\\{mark}"
    if equals:
        return f"{space}&#61;"
    return f"{space}{number}\\."


def md_text(value: object) -> Markup:
    """Catalog text as Markdown that shows exactly that text under every extension the
    site enables (the ``finalize`` of the site's templates). Markup passes unchanged."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    text = _SPACE.sub(" ", _CONTROL.sub("\ufffd", str(value)))
    text = _MD_BACKSLASH.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(lambda m: _MD_ENTITIES[m.group()], text)  # after the backslashes, which would break ``&#126;``
    return Markup(_LINE_START.sub(_line_start, text, count=1))


def md_join(items: Iterable[object], sep: str = "") -> Markup:
    """The ``join`` filter of the site's Markdown templates: items and separator escaped."""
    return md_text(sep).join(md_text(i) for i in items)


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


# What an address keeps as written: its delimiters (RFC 3986) and percent escapes. The rest (spaces,
# non-ASCII, quotes, brackets, parentheses, backslashes …) is percent-encoded, so the address can end
# neither a Markdown link target nor an HTML attribute.
_URL_SAFE = ":/?#@!$&+,;=%-._~"


def external_url(value: str) -> str:
    """An http(s) address percent-encoded for a link target (``md_href`` in Markdown, escaped again in HTML)."""
    return quote(value, safe=_URL_SAFE)


def relative_path(from_page: str, target: str) -> str:
    """A relative link from one docs file to another (both relative to docs/)."""
    start = PurePosixPath(from_page).parent
    return os.path.relpath(target, start.as_posix() or ".").replace(os.sep, "/")


def link(from_page: str, target: str) -> Markup:
    """The encoded relative link from ``from_page`` to ``target`` (both relative to docs/)."""
    return url(relative_path(from_page, target))
