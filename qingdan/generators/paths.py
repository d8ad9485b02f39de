"""ASCII-safe, deterministic file stems for matters, journeys and departments.

A matter's file stem is its code when the code is plain ASCII (letters, digits and
``-``); otherwise, and for journeys, a stable hash of the identifier. The same stem is
used by every artefact and by the documentation site, so links never break. Departments
have pages on the site only (``d-<id>`` or ``d-<hash>``).

A stem is never a Windows device name (``CON``, ``PRN``, ``AUX``, ``NUL``, ``COM0``-``COM9``,
``LPT0``-``LPT9`` and the superscript-digit variants, in any letter case): Windows cannot
create ``NUL.md`` or ``com1.schema.json``, so such a code gets a hashed stem like any other
unsafe name.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from ..compiler import model as m

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,99}$")
_DEVICE = re.compile(r"(?:CON|PRN|AUX|NUL|COM[0-9\u00b9\u00b2\u00b3]|LPT[0-9\u00b9\u00b2\u00b3])", re.IGNORECASE)


def windows_reserved(name: str) -> bool:
    """Whether Windows reserves ``name`` for a device: ``NUL``, ``nul.txt``, ``COM1.md``, ``LPT¹`` …

    Windows looks at the part before the first dot, with trailing spaces ignored, in any case.
    """
    return _DEVICE.fullmatch(name.split(".", 1)[0].rstrip(" ")) is not None


def _plain(stem: str) -> bool:
    """A stem usable as it is: plain ASCII and no Windows device name."""
    return _SAFE.fullmatch(stem) is not None and not windows_reserved(stem)


def _hashed(prefix: str, ident: str) -> str:
    return f"{prefix}-{hashlib.sha1(ident.encode('utf-8')).hexdigest()[:10]}"


def matter_slug(matter: m.Matter) -> str:
    """``11331100MB000000164331100001000`` for a plain code, else ``m-<sha1(id)[:10]>``."""
    code = (matter.code or "").strip()
    if code and _plain(code):
        return code
    return _hashed("m", matter.id)


def journey_slug(journey: m.Journey) -> str:
    """``j-<sha1(id)[:10]>``, or the identifier itself when it is plain ASCII."""
    if _SAFE.match(journey.id):  # "j-" before it: never a device name
        return f"j-{journey.id}"
    return _hashed("j", journey.id)


def _unique(items: dict[str, str], fallback: Callable[[str], str]) -> dict[str, str]:
    """Keep each proposed stem unless two items share it (ignoring case); those get ``fallback``."""
    owners: dict[str, list[str]] = {}
    for ident, stem in items.items():
        owners.setdefault(stem.lower(), []).append(ident)
    out: dict[str, str] = {}
    for ident, stem in items.items():
        out[ident] = stem if len(owners[stem.lower()]) == 1 else fallback(ident)
    return out


def matter_slugs(model: m.CatalogModel) -> dict[str, str]:
    """The file stem of every matter; matters sharing a code fall back to hashed stems."""
    return _unique({mid: matter_slug(mt) for mid, mt in model.matters.items()}, lambda i: _hashed("m", i))


def journey_slugs(model: m.CatalogModel) -> dict[str, str]:
    """The file stem of every journey; journeys whose stems collide fall back to hashed stems."""
    return _unique({jid: journey_slug(j) for jid, j in model.journeys.items()}, lambda i: _hashed("j", i))


def department_slug(did: str) -> str:
    """``d-<id>`` for a plain ASCII identifier, else ``d-<sha1(id)[:10]>``."""
    if _SAFE.match(did):  # "d-" before it: never a device name
        return f"d-{did}"
    return _hashed("d", did)


def department_slugs(model: m.CatalogModel) -> dict[str, str]:
    """The page stem of every department; a second ASCII id differing from an earlier one in case only is hashed."""
    out: dict[str, str] = {}
    seen: dict[str, str] = {}
    for did in model.departments:
        slug = department_slug(did)
        if slug.lower() in seen:  # two ASCII ids differing in case only
            slug = _hashed("d", did)
        seen[slug.lower()] = did
        out[did] = slug
    return out
