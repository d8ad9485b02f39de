"""Material identity: one normalized key for the many ways people write a material name.

营业执照, 营业执照复印件, 营业执照（副本） and ＂营业执照 ＂ are one material. The key is
NFKC-folded, stripped of whitespace, punctuation and copy/original suffixes, then
mapped through the project's synonym table.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SUFFIXES = ("复印件", "原件", "副本", "正本", "扫描件", "影印件", "电子版", "电子件")
_BRACKETED = re.compile(r"[\(\[（【<《]\s*(复印件|原件|副本|正本|扫描件|影印件|电子版|原件及复印件|原件和复印件|正副本|加盖公章)\s*[\)\]）】>》]")
_PUNCT = re.compile(r"[\s\"'“”‘’「」、，,.。:：;；!！?？\-—_·/\\]+")
_TRAILING = re.compile(r"(原件及复印件|原件和复印件|原件或复印件|(?:" + "|".join(_SUFFIXES) + "))+$")


@lru_cache(maxsize=200_000)
def normalize_material(name: str) -> str:
    text = unicodedata.normalize("NFKC", name)
    text = _BRACKETED.sub("", text)
    text = _PUNCT.sub("", text)
    text = text.replace("(", "").replace(")", "")
    stripped = _TRAILING.sub("", text)
    return stripped or text


class MaterialIndex:
    """Maps material names to identity keys, applying the project's synonyms."""

    def __init__(self, synonyms: dict[str, list[str]] | None = None) -> None:
        self.synonyms: dict[str, str] = {}
        for canonical, variants in (synonyms or {}).items():
            key = normalize_material(canonical)
            for v in variants:
                self.synonyms[normalize_material(v)] = key

    def identity(self, name: str) -> str:
        key = normalize_material(name)
        return self.synonyms.get(key, key)
