"""Material identity: one normalized key for the many ways people write a material name.

营业执照, 营业执照复印件, 营业执照（副本） and ＂营业执照 ＂ are one material. The key is
NFKC-folded, stripped of whitespace, punctuation, title brackets (《》), copy counts
(一式两份) and copy/original suffixes, then mapped through the project's synonym table.

On top of the key this module builds the indexes the material checks and the journey
figures share: every mention of a material in every matter, and who provides each
material (the matter whose result it is, or a department that issues it), so that a
material asked of the applicant can be looked up instead of compared with all others.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from . import model as m
from .diagnostics import Loc

_SUFFIXES = ("复印件", "原件", "副本", "正本", "扫描件", "影印件", "电子版", "电子件")
_QUALIFIERS = r"复印件|原件|副本|正本|扫描件|影印件|电子版|电子件|原件及复印件|原件和复印件|原件或复印件|正副本|加盖公章|盖章|[0-9一二两三四五六七八九十]+份|一式[0-9一二两三四五六七八九十]+份"
_BRACKETED = re.compile(r"[\(\[（【<〔]\s*(?:" + _QUALIFIERS + r")\s*[\)\]）】>〕]")
_TITLE_BRACKETS = re.compile(r"[《》〈〉<>]")
_PUNCT = re.compile(r"[\s\"'“”‘’「」『』、，,.。:：;；!！?？\-—_·/\\]+")
_TRAILING = re.compile(r"(?:原件及复印件|原件和复印件|原件或复印件|一式[0-9一二两三四五六七八九十]+份|[0-9一二两三四五六七八九十]+份|(?:" + "|".join(_SUFFIXES) + "))+$")


# A form code in front of a form's name: A01007《税务登记证》 (the tax bureau's form numbers).
_FORM_CODE = re.compile(r"^\s*[A-Z]\d{4,6}\s*(?=[《\u4e00-\u9fff])")
# A bracketed qualifier saying when the material is needed, not which one: 个人委托书（通过委托认证方式的）.
_WHEN_QUALIFIER = re.compile(r"[\(（][^()（）]{1,40}(?:的|时|者)[\)）]\s*$")
_PART = re.compile(r"正副本|正、副本|正本|副本")


@lru_cache(maxsize=200_000)
def normalize_material(name: str) -> str:
    text = unicodedata.normalize("NFKC", name)
    text = _FORM_CODE.sub("", text)
    text = _WHEN_QUALIFIER.sub("", text).strip() or text
    text = _BRACKETED.sub("", text)
    text = _TITLE_BRACKETS.sub("", text)
    text = _PUNCT.sub("", text)
    text = text.replace("(", "").replace(")", "")
    stripped = _TRAILING.sub("", text)
    return stripped or text


def licence_part(name: str) -> frozenset[str]:
    """Which part of a licence a name asks for: {正}, {副} or both (正副本); an unmarked licence is its 正本.

    A licence's 正本 and 副本 are two documents: a matter may ask for both. Copies and scans
    (复印件, 扫描件) of one part are still that part.
    """
    found = _PART.findall(unicodedata.normalize("NFKC", name))
    if not found:
        return frozenset({"正"})
    parts: set[str] = set()
    for word in found:
        if word in ("正副本", "正、副本"):
            parts |= {"正", "副"}
        else:
            parts.add(word[0])
    return frozenset(parts)


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


@dataclass(frozen=True)
class Mention:
    """One material as one matter asks for it."""

    matter: m.Matter
    material: m.Material
    key: str  # the material's identity

    @property
    def from_applicant(self) -> bool:
        return self.material.source.kind == "applicant"


@dataclass(frozen=True)
class Provider:
    """Who can provide a material by data sharing instead of the applicant.

    ``kind`` is ``matter`` (the material is that matter's result, issued by its
    department) or ``department`` (a material somewhere in the catalog is declared
    ``签发(部门)``). ``region`` is the provider's jurisdiction (its department's 区划).
    """

    kind: str
    ref: str  # matter id or department id
    department: str | None
    loc: Loc | None
    region: str = ""

    def describe_zh(self, model: m.CatalogModel) -> str:
        if self.kind == "matter":
            return f"事项“{self.ref}”（{_dept_zh(model, self.department)}）的办理结果"
        return f"{_dept_zh(model, self.ref)}签发"

    def describe_en(self) -> str:
        if self.kind == "matter":
            return f"the result of matter '{self.ref}' (department '{self.department or '?'}')"
        return f"issued by department '{self.ref}'"


def _dept_zh(model: m.CatalogModel, did: str | None) -> str:
    if not did:
        return "未写部门"
    dept = model.departments.get(did)
    return f"部门“{did}”" if dept is None or dept.name == did else f"部门“{did}”（{dept.name}）"


class MaterialCatalog:
    """Every material mention of a catalog, indexed by identity, with its providers.

    Lookups per mention are bounded: providers are indexed by identity and by region,
    so a check asks "who else provides this, nearest first" without scanning the
    hundreds of counties that may issue the same certificate.
    """

    def __init__(self, model: m.CatalogModel, index: MaterialIndex) -> None:
        self.model = model
        self.index = index
        self.mentions: list[Mention] = []
        self.by_matter: dict[str, list[Mention]] = {}
        self.providers: dict[str, list[Provider]] = {}
        self._marks: dict[str, set[tuple[str, str]]] = {}
        self._by_region: dict[str, dict[str, list[Provider]]] = {}
        for mt in model.matters.values():
            own = [Mention(mt, mat, index.identity(mat.name)) for mat in mt.materials]
            self.by_matter[mt.id] = own
            self.mentions.extend(own)

        def add(key: str, provider: Provider) -> None:
            marks = self._marks.setdefault(key, set())
            if (provider.kind, provider.ref) not in marks:
                marks.add((provider.kind, provider.ref))
                self.providers.setdefault(key, []).append(provider)
                self._by_region.setdefault(key, {}).setdefault(provider.region, []).append(provider)

        for mt in model.matters.values():
            if mt.result is not None:
                key = index.identity(mt.result.name)
                region = self.region_of(mt.department)
                add(key, Provider("matter", mt.id, mt.department, mt.result.loc, region))
        for mention in self.mentions:
            src = mention.material.source
            if src.kind == "issued_by" and src.ref in model.departments:
                add(mention.key, Provider("department", src.ref, src.ref, model.departments[src.ref].loc, self.region_of(src.ref)))
            elif src.kind == "produced_by" and src.ref in model.results:
                res = model.results[src.ref]
                owner = model.matters.get(res.matter or "")
                if owner is not None:
                    add(mention.key, Provider("matter", owner.id, owner.department, res.loc, self.region_of(owner.department)))
        order = lambda p: (p.kind != "matter", p.ref)
        for plist in self.providers.values():
            plist.sort(key=order)
        for regions in self._by_region.values():
            for plist in regions.values():
                plist.sort(key=order)

    def region_of(self, did: str | None) -> str:
        dept = self.model.departments.get(did or "")
        return (dept.region or "") if dept is not None else ""

    def _excluded(self, mention: Mention, p: Provider) -> bool:
        # not the asking matter's own result, and not its own department: the first
        # submission to the department that keeps a material is legitimate
        return (p.kind == "matter" and p.ref == mention.matter.id) or (p.kind == "department" and p.ref == mention.matter.department)

    def provider_count(self, mention: Mention) -> int:
        """How many others provide the mention's material (constant time)."""
        marks = self._marks.get(mention.key)
        if not marks:
            return 0
        own = (("matter", mention.matter.id) in marks) + (("department", mention.matter.department or "") in marks)
        return len(marks) - own

    def nearest_providers(self, mention: Mention, limit: int = 3) -> list[Provider]:
        """Up to ``limit`` providers, those in the asking matter's region first."""
        out: list[Provider] = []
        region = self.region_of(mention.matter.department)
        for source in (self._by_region.get(mention.key, {}).get(region, ()), self.providers.get(mention.key, ())):
            for p in source:
                if len(out) >= limit:
                    return out
                if p not in out and not self._excluded(mention, p):
                    out.append(p)
        return out

    def certificate_owner(self, mention: Mention) -> str | None:
        """The other matter whose certificate this mention declares it needs (``产出(结果)``).

        Only declared sources count: a material merely named like another matter's result
        may be anyone's certificate of that kind, and is reported by shareable-material
        until its source is declared.
        """
        src = mention.material.source
        if src.kind != "produced_by" or src.ref not in self.model.results:
            return None
        owner = self.model.results[src.ref].matter
        return owner if owner and owner != mention.matter.id and owner in self.model.matters else None
