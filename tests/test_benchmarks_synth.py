"""The synthetic catalog generator (benchmarks/synth.py): its output compiles cleanly and is deterministic.

"Cleanly" means no diagnostics of the language itself (syntax, keywords, references,
types, values, duplicates); semantic findings are expected, since the generator plants
a small share of realistic defects for the checks to find.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from qingdan.compiler import compile as compile_project
from qingdan.compiler.materials import normalize_material

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import synth  # noqa: E402

LANGUAGE_RULES = {"syntax-error", "unknown-keyword", "unknown-reference", "type-error", "invalid-value",
                  "duplicate-id", "duplicate-field", "unreadable-file", "config-error", "invalid-waiver", "unused-waiver"}


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    root = tmp_path_factory.mktemp("synth") / "catalog"
    counts = synth.write_catalog(root, 50, seed=3)
    return compile_project(root), counts


def test_compiles_without_language_errors(catalog):
    result, counts = catalog
    bad = [f"{d.rule} {d.loc}" for d in result.diagnostics if d.rule in LANGUAGE_RULES]
    assert bad == []
    model = result.catalog.model
    assert len(model.matters) == counts["matters"] == 50
    assert len(model.powers) == counts["powers"] and len(model.journeys) == counts["journeys"]


def test_catalog_has_the_promised_shape(catalog):
    result, counts = catalog
    model = result.catalog.model
    matters = list(model.matters.values())
    assert {mt.level for mt in matters} == {"province", "city", "county", "township"}
    assert len({d.region for d in model.departments.values()}) >= 4
    assert sum(len(mt.materials) for mt in matters) / len(matters) >= 5
    assert all(mt.power in model.powers for mt in matters)
    assert {r.power for r in model.responsibilities.values()} <= set(model.powers)
    assert any(c.expr is not None for mt in matters for c in mt.conditions)
    assert {f.type for mt in matters for f in mt.facts} >= {"number", "enum", "bool"}
    assert sum(1 for mt in matters if mt.limits.statutory) >= 0.9 * len(matters)
    assert all(mt.steps for mt in matters)
    assert model.journeys and all(3 <= len(j.matters) <= 5 for j in model.journeys.values())
    assert {n.type for n in model.negatives.values()} == {"licensed", "prohibited"}
    cited = {(c.law, c.article) for mt in matters for c in mt.basis}
    assert all(law in model.laws and art in model.laws[law].articles for law, art in cited)
    # material names come with the variants people write: several spellings of one identity
    spellings: dict[str, set[str]] = {}
    for mt in matters:
        for mat in mt.materials:
            spellings.setdefault(normalize_material(mat.name), set()).add(mat.name)
    assert max(len(v) for v in spellings.values()) >= 2
    assert counts["files"] > 5


def test_same_seed_gives_identical_files(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    synth.write_catalog(a, 40, seed=11)
    synth.write_catalog(b, 40, seed=11)
    synth.write_catalog(c, 40, seed=12)
    assert tree_bytes(a) == tree_bytes(b)
    assert tree_bytes(a) != tree_bytes(c)


def test_built_in_vocabulary_alone_also_compiles(tmp_path):
    root = tmp_path / "builtin"
    counts = synth.write_catalog(root, 60, seed=1, shared=False)
    assert counts["sample"] is False
    result = compile_project(root)
    assert [d.rule for d in result.diagnostics if d.rule in LANGUAGE_RULES] == []
    assert len(result.catalog.model.matters) == 60


def test_large_departments_are_split_into_chunks(tmp_path):
    root = tmp_path / "chunked"
    counts = synth.write_catalog(root, 120, seed=2, files_per=5, shared=False)
    per_file = Counter()
    result = compile_project(root)
    for mt in result.catalog.model.matters.values():
        per_file[mt.loc.file] += 1
    # a family (one power and its matters) is never split across files
    largest_family = max(len(f.matters) for f in synth.BUILTIN_FAMILIES)
    assert max(per_file.values()) <= max(5, largest_family) + 5 - 1
    assert counts["files"] == len(result.files)


def test_refuses_a_directory_it_did_not_write(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError):
        synth.write_catalog(tmp_path, 10)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"
    out = tmp_path / "again"
    synth.write_catalog(out, 10, seed=1)
    synth.write_catalog(out, 12, seed=1)  # an earlier output is replaced
    assert len(compile_project(out).catalog.model.matters) == 12


def test_command_line(tmp_path, capsys):
    assert synth.main(["15", str(tmp_path / "cli"), "--seed", "4", "--no-sample"]) == 0
    assert '"matters": 15' in capsys.readouterr().out
    assert synth.main(["0", str(tmp_path / "zero")]) == 2


def test_planted_similar_names_leave_the_rest_alone_and_are_found(tmp_path):
    """similar_rate adds powers in files of their own; every other file is byte-identical, and the
    check reports each planted rewording (or overlapping-authority does) and no near miss."""
    plain_root, planted_root = tmp_path / "plain", tmp_path / "planted"
    synth.write_catalog(plain_root, 300, seed=5, shared=False)
    counts = synth.write_catalog(planted_root, 300, seed=5, shared=False, similar_rate=0.3)
    plain, planted = tree_bytes(plain_root), tree_bytes(planted_root)
    added = sorted(set(planted) - set(plain))
    assert added and all(rel.endswith("/similar.qd") for rel in added)
    assert {rel: planted[rel] for rel in plain if rel != synth.MARKER} == {rel: b for rel, b in plain.items() if rel != synth.MARKER}
    kinds = Counter(kind for kind, _, _ in counts["planted_similar"])
    assert kinds["reworded"] >= 5 and kinds["near-miss"] >= 5
    result = compile_project(planted_root)
    assert [d for d in result.diagnostics if d.rule in LANGUAGE_RULES] == []
    at = {(p.loc.file, p.loc.line): p.id for p in result.catalog.model.powers.values()}

    def groups(rule):
        return [{at[(loc.file, loc.line)] for loc in [d.loc] + [r.loc for r in d.related] if (loc.file, loc.line) in at}
                for d in result.diagnostics if d.rule == rule]

    similar, overlapping = groups("similar-power-names"), groups("overlapping-authority")
    for kind, original, copy in counts["planted_similar"]:
        pair = {original, copy}
        in_similar, in_overlap = any(pair <= g for g in similar), any(pair <= g for g in overlapping)
        assert (in_similar or in_overlap) == (kind == "reworded"), (kind, original, copy)
    assert all(any(set(pair[1:]) <= g for pair in counts["planted_similar"] if pair[0] == "reworded") for g in similar)
