"""Helpers the semantic checks share (``related`` is re-exported from diagnostics): locations, name comparison and how parties are named.

The indexes several checks share (materials, calendar) are properties of the ``Catalog``.
"""

from __future__ import annotations

import re
import unicodedata

from .. import model as m
from ..diagnostics import Loc


def value_loc(node: m.Node, field: str) -> Loc | None:
    """The location of a field's value if written, else of the field, else of the node."""
    return node.locs.get(field + "@") or node.at(field)


def loc_key(loc: Loc | None) -> tuple:
    return loc.sort_key() if loc else ("\uffff", 0, 0)


def first_by_loc(nodes):
    return min(nodes, key=lambda n: loc_key(n.loc))




_PUNCT = re.compile(r"[\s\"'“”‘’「」『』《》〈〉、，,.。:：;；!！?？\-—_·/\\()（）\[\]【】]+")


def plain(text: str) -> str:
    """NFKC-folded text without whitespace and punctuation, for comparing names."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text))


def dept_zh(model: m.CatalogModel, did: str | None) -> str:
    if not did:
        return "（未写部门）"
    d = model.departments.get(did)
    return f"“{did}”" if d is None or d.name == did else f"“{did}”（{d.name}）"


def dept_en(did: str | None) -> str:
    return f"'{did}'" if did else "(no department)"


def quote_list_zh(items) -> str:
    return "、".join(f"“{x}”" for x in items)


def quote_list_en(items) -> str:
    return ", ".join(f"'{x}'" for x in items)

