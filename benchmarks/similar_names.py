"""Precision and recall of ``similar-power-names`` on the real records and on a synthetic catalog.

Usage (with the project installed, e.g. ``pip install -e .`` into .venv):
    .venv/bin/python benchmarks/similar_names.py                  # 10,000 matters, 5% of powers planted
    .venv/bin/python benchmarks/similar_names.py --matters 2000 --rate 0.1 --show 20

Real: the 300 records of ``$QINGDAN_SHARED/data/gd-province-sample.jsonl`` (else ``../shared``)
are imported as ``qingdan import gov-json`` does and checked; every finding is printed.

Synthetic: ``synth.write_catalog(..., similar_rate=RATE)`` gives a share of the powers a second
power of another department of the same level and region: half are the same power reworded
(the approval verb swapped, the words reordered: 占用、挖掘城市道路审批 → 城市道路占用、挖掘许可),
half near misses (the same form with another object: 食品经营许可 → 药品经营许可, a different power).
Every finding is then classed: a planted rewording (true), a planted near miss (false), or
neither (printed, to be judged by reading). Printed: precision on the classed findings, the
recall of the rewordings, and the top findings.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402
from real_findings import import_and_check, sample_path  # noqa: E402

from qingdan.compiler import CompileOptions  # noqa: E402
from qingdan.compiler import compile as compile_project  # noqa: E402

RULE = "similar-power-names"
OVERLAP = "overlapping-authority"  # names equal once the approval verb is set aside are its findings
_POWER = re.compile(r"'([^']*)' \(power '([^']+)'")


def powers_of(message_en: str) -> list[tuple[str, str]]:
    """(name, power id) of every power a similar-power-names finding names."""
    return [(name, pid) for name, pid in _POWER.findall(message_en)]


def located_powers(d, at: dict[tuple[str, int], str]) -> set[str]:
    """The powers a finding points at, by its location and its related locations."""
    locs = [d.loc] + [r.loc for r in d.related]
    return {at[(loc.file, loc.line)] for loc in locs if loc is not None and (loc.file, loc.line) in at}


def real(show: int) -> None:
    sample = sample_path()
    if not sample.is_file():
        print(f"real: {sample} not found; skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        found = [d for d in import_and_check(sample, Path(tmp) / "gd") if d.rule == RULE]
    print(f"real ({sample.name}, 300 records): {len(found)} findings")
    for d in found[:show]:
        print("  " + " | ".join(name for name, _ in powers_of(d.message_en)))


def synthetic(matters: int, rate: float, seed: int, show: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        counts = synth.write_catalog(root, matters, seed=seed, similar_rate=rate)
        t0 = time.perf_counter()
        result = compile_project(root, CompileOptions(checks=True, workers=1))
        seconds = time.perf_counter() - t0
    planted = counts["planted_similar"]
    reworded = {frozenset((a, b)) for kind, a, b in planted if kind == "reworded"}
    near = {frozenset((a, b)) for kind, a, b in planted if kind == "near-miss"}
    names = {p.id: p.name for p in result.catalog.model.powers.values()}
    at = {(p.loc.file, p.loc.line): p.id for p in result.catalog.model.powers.values() if p.loc is not None}
    overlaps = [located_powers(d, at) for d in result.diagnostics if d.rule == OVERLAP]
    found = [d for d in result.diagnostics if d.rule == RULE]
    true, false, other = [], [], []
    for d in found:
        group = {pid for _, pid in powers_of(d.message_en)}
        if any(pair <= group for pair in reworded):
            true.append(group)
        elif any(pair <= group for pair in near):
            false.append(group)
        else:
            other.append(group)
    hit = sum(1 for pair in reworded if any(pair <= g for g in true))
    by_overlap = {pair for pair in reworded if not any(pair <= g for g in true) and any(pair <= g for g in overlaps)}
    near_overlap = sum(1 for pair in near if any(pair <= g for g in overlaps))
    classed = len(true) + len(false)
    print(f"synthetic ({matters:,} matters, {counts['powers']:,} powers, seed {seed}, rate {rate}): "
          f"planted {len(reworded)} rewordings and {len(near)} near misses; compile with checks {seconds:.1f} s")
    print(f"  findings {len(found)}: {len(true)} planted rewordings, {len(false)} planted near misses, {len(other)} neither")
    print(f"  precision on planted pairs: {len(true)}/{classed} = {len(true) / classed:.0%}" if classed else "  precision: no finding")
    if reworded:
        print(f"  recall of the rewordings: {hit}/{len(reworded)} = {hit / len(reworded):.0%} by {RULE}, "
              f"{len(by_overlap)} more by {OVERLAP} (the same name but for the approval verb); "
              f"near misses reported by {OVERLAP}: {near_overlap}")
    missed = [pair for pair in reworded if not any(pair <= g for g in true) and pair not in by_overlap]
    for label, groups in (("near misses reported", false), ("neither (judge by reading)", other)):
        if groups:
            print(f"  {label}:")
            for g in groups[:show]:
                print("    " + " | ".join(sorted(names.get(pid, pid) for pid in g)))
    if missed:
        print("  rewordings not found:")
        for pair in sorted(missed, key=sorted)[:show]:
            print("    " + " | ".join(sorted(names.get(pid, pid) for pid in pair)))
    print("  top findings:")
    for g in (true + other)[:show]:
        print("    " + " | ".join(sorted(names.get(pid, pid) for pid in g)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--matters", type=int, default=10_000)
    ap.add_argument("--rate", type=float, default=0.05, help="share of powers given a similar one (default 0.05)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--show", type=int, default=10, help="findings to print per class")
    args = ap.parse_args(argv)
    real(args.show)
    synthetic(args.matters, args.rate, args.seed, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
