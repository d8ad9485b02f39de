"""Decision tables per matter: DMN 1.3 XML, and the same tables as CSV and JSON.

The tables themselves (rows of FEEL unary tests and their meaning) are compiled in
decisions.py. Each matter gets ``decisions/<slug>.dmn`` (an eligibility decision with
hit policy FIRST and a materials decision with hit policy COLLECT, the facts as
inputData, the cited law articles as knowledge sources), ``<slug>.eligibility.csv``,
``<slug>.materials.csv`` and ``<slug>.json``. No CSV cell is a spreadsheet formula
(see ``table_csv``).
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from ..compiler import Catalog
from ..compiler import model as m
from ..compiler.text import Text
from ..lists.cells import csv_text
from .context import Write
from .decisions import Table, TableTooLarge, eligibility_table, feel_literal, materials_table, test_json

DMN_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"
FEEL_NS = "https://www.omg.org/spec/DMN/20191111/FEEL/"
DECISIONS_FORMAT = "1.0"


class DecisionBuildError(Exception):
    """A matter's conditions cannot be laid out as a decision table (with a message for the user in Chinese and English)."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.zh)
        self.text = text


def matter_tables(catalog: Catalog, matter: m.Matter) -> tuple[Table, Table]:
    """The eligibility and materials tables of ``matter``; DecisionBuildError when they would be too large."""
    try:
        return eligibility_table(catalog, matter), materials_table(catalog, matter)
    except TableTooLarge:
        raise DecisionBuildError(Text(
            f"事项“{matter.id}”的条件展开后超过 4096 行，无法生成决策表；请把条件拆成几个较简单的条件",
            f"the conditions of matter '{matter.id}' expand to more than 4096 rows; split them into simpler conditions",
        )) from None


# ---------------------------------------------------------------- DMN XML
def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str | None) -> ET.Element:
    e = ET.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attrs.items() if v is not None})
    if text is not None:
        e.text = text
    return e


def _text(parent: ET.Element, tag: str, text: str, **attrs: str | None) -> ET.Element:
    e = _el(parent, tag, **attrs)
    _el(e, "text", text)
    return e


def matter_dmn(catalog: Catalog, matter: m.Matter, slug: str, tables: tuple[Table, Table] | None = None) -> str:
    """The DMN 1.3 definitions of one matter, as UTF-8 XML text."""
    eligibility, materials = tables or matter_tables(catalog, matter)
    # The namespace is written as the root's first attribute and the tags are left plain:
    # the same XML as namespaced tags, without registering a prefix in ElementTree's global map.
    root = ET.Element("definitions", {
        "xmlns": DMN_NS, "id": "definitions", "name": matter.name, "namespace": f"urn:qingdan:decisions:{slug}",
        "expressionLanguage": FEEL_NS, "typeLanguage": FEEL_NS, "exporter": "qingdan",
    })
    _el(root, "description", f"{matter.name}（{matter.code or matter.id}）的受理条件与申请材料决策表；目录版本 {catalog.config.version}")
    for i, inp in enumerate(eligibility.inputs, 1):
        node = _el(root, "inputData", id=f"input_{i}", name=inp.name, label=inp.label)
        _el(node, "variable", id=f"input_{i}_variable", name=inp.name, typeRef=inp.type_ref)
    sources = _knowledge_sources(catalog, matter)
    for table in (eligibility, materials):
        _decision(root, table, sources if table.id == "eligibility" else {})
    for sid, name in sources.values():
        _el(root, "knowledgeSource", id=sid, name=name)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _knowledge_sources(catalog: Catalog, matter: m.Matter) -> dict[str, tuple[str, str]]:
    cites: dict[str, m.Citation] = {}
    for c in matter.basis + [b for cond in matter.conditions for b in cond.basis]:
        cites.setdefault(c.key, c)
    return {key: (f"source_{i}", catalog.citation_text(c)) for i, (key, c) in enumerate(cites.items(), 1)}


def _decision(root: ET.Element, table: Table, sources: dict[str, tuple[str, str]]) -> None:
    d = _el(root, "decision", id=table.id, name=table.name, label=table.label)
    _el(d, "description", table.description)
    for i, _inp in enumerate(table.inputs, 1):
        ir = _el(d, "informationRequirement", id=f"{table.id}_requires_input_{i}")
        _el(ir, "requiredInput", href=f"#input_{i}")
    for sid, _name in sources.values():
        ar = _el(d, "authorityRequirement", id=f"{table.id}_authority_{sid}")
        _el(ar, "requiredAuthority", href=f"#{sid}")
    dt = _el(d, "decisionTable", id=f"{table.id}_table", hitPolicy=table.hit_policy, outputLabel=table.label)
    for i, inp in enumerate(table.inputs, 1):
        ic = _el(dt, "input", id=f"{table.id}_input_{i}", label=inp.label)
        _text(ic, "inputExpression", inp.name, id=f"{table.id}_input_{i}_expression", typeRef=inp.type_ref)
        if inp.values:
            _el(_el(ic, "inputValues", id=f"{table.id}_input_{i}_values"), "text", ", ".join(feel_literal(v) for v in inp.values))
    for o in table.outputs:
        _el(dt, "output", id=f"{table.id}_output_{o.name}", name=o.name, label=o.label, typeRef=o.type_ref)
    _el(dt, "annotation", name=table.annotation)
    for n, row in enumerate(table.rows, 1):
        r = _el(dt, "rule", id=f"{table.id}_rule_{n}")
        for entry in row.entries():
            _text(r, "inputEntry", entry)
        for o in table.outputs:
            _text(r, "outputEntry", feel_literal(row.outputs.get(o.name)))
        ae = ET.SubElement(r, "annotationEntry")
        _el(ae, "text", row.annotation)


# ---------------------------------------------------------------- CSV and JSON
_FEEL_DASH_OR_NUMBER = re.compile(r"-(?:$|[0-9])")


def _feel_cell(entry: str) -> str:
    """An input entry as a CSV cell. FEEL entries are qingdan's own text: one starting with
    ``-`` is the dash (any value) or a negative number (``-5``, ``-5, null``), which
    spreadsheet programs read as text or a number and FEEL readers need unchanged; any
    other entry goes through ``csv_text`` like the rest (none starts with a formula sign)."""
    return entry if _FEEL_DASH_OR_NUMBER.match(entry) else csv_text(entry)


def table_csv(table: Table) -> str:
    """One table as CSV (UTF-8 with BOM): rule number, one column per fact, outputs, basis.

    No cell is a spreadsheet formula: catalog text starting with ``= + - @``, tab or CR
    gets a ``'`` before it (``lists.cells.csv_text``); FEEL entries stay as they are."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    header = ["规则", *[inp.name for inp in table.inputs], *[f"{o.label}({o.name})" for o in table.outputs], table.annotation]
    w.writerow([csv_text(h) for h in header])
    for n, row in enumerate(table.rows, 1):
        outputs = []
        for o in table.outputs:
            v = row.outputs.get(o.name)
            outputs.append(feel_literal(v) if v is None or isinstance(v, bool) else csv_text(str(v)))
        w.writerow([n, *[_feel_cell(e) for e in row.entries()], *outputs, csv_text(row.annotation)])
    return "\ufeff" + buf.getvalue()


def _table_json(table: Table) -> dict[str, Any]:
    return {
        "id": table.id,
        "name": table.name,
        "label": table.label,
        "hitPolicy": table.hit_policy,
        "description": table.description,
        "annotation": table.annotation,
        "outputs": [{"name": o.name, "label": o.label, "typeRef": o.type_ref} for o in table.outputs],
        "rules": [
            {
                "id": f"{table.id}_rule_{n}",
                "inputEntries": [test_json(t, row.possibly) for t in row.tests],
                "outputEntries": {o.name: row.outputs.get(o.name) for o in table.outputs},
                "annotation": row.annotation,
            }
            for n, row in enumerate(table.rows, 1)
        ],
    }


def matter_tables_json(catalog: Catalog, matter: m.Matter, slug: str, tables: tuple[Table, Table]) -> str:
    """Both tables of a matter as JSON, each cell as FEEL text and in a structured form."""
    eligibility, materials = tables
    doc = {
        "format": "qingdan-decisions",
        "format_version": DECISIONS_FORMAT,
        "catalog_version": catalog.config.version,
        "matter": {"id": matter.id, "code": matter.code, "name": matter.name, "slug": slug},
        "inputs": [
            {"name": i.name, "label": i.label, "typeRef": i.type_ref, **({"values": list(i.values)} if i.values else {})}
            for i in eligibility.inputs
        ],
        "tables": [_table_json(eligibility), _table_json(materials)],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_matter_decisions(catalog: Catalog, matter: m.Matter, slug: str, outdir: Path | None, write: Write) -> None:
    """Write ``decisions/<slug>.dmn``, ``.eligibility.csv``, ``.materials.csv`` and ``.json`` through ``write``
    (``outdir`` is not used: every file goes through ``write``)."""
    tables = matter_tables(catalog, matter)
    base = f"decisions/{slug}"
    write(f"{base}.dmn", matter_dmn(catalog, matter, slug, tables))
    write(f"{base}.eligibility.csv", table_csv(tables[0]))
    write(f"{base}.materials.csv", table_csv(tables[1]))
    write(f"{base}.json", matter_tables_json(catalog, matter, slug, tables))
