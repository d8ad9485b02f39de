"""Comparisons from what the user names: two sides (directories or revisions), or the current
project against its targets' baseline.

``diff_sides`` is what ``qingdan diff`` runs; ``target_findings`` is what
``qingdan check --targets`` runs. A side whose rules have errors is still compared (a
pull request under review may have errors): the report carries a note saying how many,
and the changes of what did compile.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..compiler import Catalog, CompileResult
from ..compiler.diagnostics import Diagnostic, diag
from ..compiler.text import Text
from .indicators import compute_indicators
from .model_diff import diff_catalogs
from .report import DiffReport, compare
from .revisions import ChangesError, DiffOptions, Side, SideSpec, compile_side, resolve_side
from .targets import evaluate_targets, target_diagnostics


def _errors(result: CompileResult) -> int:
    return sum(1 for d in result.diagnostics if d.severity.value == "error" and not d.waived)


def _meta(side: Side) -> dict[str, object]:
    return {"kind": side.spec.kind, "commit": side.spec.commit, "errors": _errors(side.result)}


def _error_note(side: Side) -> Text | None:
    n = _errors(side.result)
    if not n:
        return None
    return Text(f"{side.label} 的规则有 {n} 个错误（运行 qingdan check 查看）；比较的是其中能编译的部分",
                f"the rules of {side.label} have {n} errors (run qingdan check to see them); what did compile is compared")


@dataclass(frozen=True)
class Baseline:
    """The targets' baseline: the side it names, or why it cannot be read."""

    spec: SideSpec | None
    problem: Text | None = None


def resolve_baseline(catalog: Catalog, project: Path) -> Baseline:
    """The ``[targets] baseline`` of ``catalog`` as a side: a directory relative to the project, else a revision."""
    name = catalog.config.targets_baseline
    if name is None:
        return Baseline(None, Text("qingdan.toml 没有 [targets] baseline", "qingdan.toml has no [targets] baseline"))
    try:
        return Baseline(resolve_side(name, project, base=project))
    except ChangesError as e:
        return Baseline(None, e.text)


def diff_sides(old: SideSpec, new: SideSpec, project: Path, options: DiffOptions = DiffOptions(), *, targets: bool = True) -> DiffReport:
    """Compile both sides and compare them; with ``targets``, also the new side's targets against their baseline."""
    old_side = compile_side(old, project, options)
    new_side = compile_side(new, project, options)
    report = compare(old_side.result.catalog, new_side.result.catalog, old.label, new.label)
    report.old_meta, report.new_meta = _meta(old_side), _meta(new_side)
    report.notes += [n for n in (_error_note(old_side), _error_note(new_side)) if n is not None]
    if targets and new_side.result.catalog.config.targets:
        add_targets(report, new_side.result.catalog, project, options, known={old: old_side, new: new_side})
    return report


def add_targets(report: DiffReport, current: Catalog, project: Path, options: DiffOptions,
                known: dict[SideSpec, Side] | None = None) -> None:
    """Measure ``current``'s targets from its baseline and add them (with their findings) to ``report``."""
    baseline = resolve_baseline(current, project)
    if baseline.spec is None:
        assert baseline.problem is not None
        report.notes.append(Text("未检查改革目标：", "reform targets not checked: ") + baseline.problem)
        return
    side = next((s for spec, s in (known or {}).items() if _same(spec, baseline.spec)), None) or compile_side(baseline.spec, project, options)
    base_report = compare(side.result.catalog, current, baseline.spec.label, report.new_label)
    report.targets = evaluate_targets(current.config.targets, base_report.indicators)
    report.target_baseline = baseline.spec.label
    report.target_findings = target_diagnostics(report.targets, baseline.spec.label, Text.same(report.new_label))


def _same(a: SideSpec, b: SideSpec) -> bool:
    if a.kind == "revision" and b.kind == "revision":
        return a.commit == b.commit
    return a.kind == b.kind == "directory" and a.path is not None and b.path is not None and a.path.resolve() == b.path.resolve()


def target_findings(result: CompileResult, options: DiffOptions = DiffOptions()) -> list[Diagnostic]:
    """``reform-target-missed`` findings of a compiled project against its baseline (``qingdan check --targets``).

    A baseline that cannot be read is a located ``config-error`` at its line in qingdan.toml.
    """
    catalog = result.catalog
    project = result.root or Path(".")
    if not catalog.config.targets:
        return []
    baseline = resolve_baseline(catalog, project)
    if baseline.spec is None:
        assert baseline.problem is not None
        return [diag("config-error", f"无法读取改革目标的基准版本：{baseline.problem.zh}",
                     f"cannot read the baseline of the reform targets: {baseline.problem.en}", catalog.config.targets_baseline_loc)]
    try:
        side = compile_side(baseline.spec, project, options)
    except ChangesError as e:
        return [diag("config-error", f"无法读取改革目标的基准版本：{e.text.zh}", f"cannot read the baseline of the reform targets: {e.text.en}",
                     catalog.config.targets_baseline_loc)]
    indicators, _ = compute_indicators(side.result.catalog, catalog, diff_catalogs(side.result.catalog, catalog))
    results = evaluate_targets(catalog.config.targets, indicators)
    return target_diagnostics(results, baseline.spec.label, Text("当前版本", "the current version"))
