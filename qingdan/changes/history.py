"""The history of a project for the site's change log: its tagged versions, the figures of each,
the changes from the previous tagged version to the published one, and when each matter last changed.

The published version is the catalog being built. When the project's files are those of
HEAD and HEAD carries the newest tag, the published version *is* that tag, and the
previous version is the tag before it; otherwise the published version is the working
tree and the previous version the newest tag. Only tags reachable from HEAD count, oldest
first (``Repository.tags``), and only the newest ``MAX_VERSIONS`` of them are compiled.

Without git, outside a repository, or without a tag, there is no history; ``ChangeLog.problem``
says why (the page shows it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ..compiler import Catalog
from ..compiler.text import Text
from .indicators import version_figures
from .report import DiffReport, compare
from .revisions import ChangesError, DiffOptions, Repository, SideSpec, compile_side

MAX_VERSIONS = 12  # the newest tagged versions the change log compiles and charts
NO_HISTORY = Text(
    "还没有版本历史：项目不在 git 仓库中，或者仓库中还没有版本标签。用 git 管理规则文件、给每个发布的版本打上标签（如 git tag v2026.1），"
    "这里就会列出与上一版本相比的变更和各版本的改革指标",
    "no version history yet: the project is not in a git repository, or the repository has no version tag. Keep the rule "
    "files in git and tag each published version (such as git tag v2026.1), and this page lists what changed since the "
    "previous version and the reform indicators of every version")


@dataclass(frozen=True)
class Version:
    """One version of the history: its label (a tag, or the working tree's catalog version) and its figures."""

    label: str
    commit: str | None
    figures: dict[str, Fraction | None]


@dataclass(frozen=True)
class MatterChange:
    """A matter changed from one version to the next: its id in the published version, or None when it is gone since."""

    current_id: str | None
    name: str
    kind: str  # added, removed, changed
    what: tuple[str, ...]  # the fields and parts that changed


@dataclass(frozen=True)
class Step:
    """From one version of the history to the next."""

    before: str
    after: str
    matters: tuple[MatterChange, ...]
    changes: int  # every entity changed, of every list


@dataclass
class ChangeLog:
    """What the change log page shows."""

    problem: Text | None = None
    published: str = ""
    previous: str | None = None
    report: DiffReport | None = None  # previous → published
    versions: list[Version] = field(default_factory=list)  # oldest first, ending with the published version
    steps: list[Step] = field(default_factory=list)  # between consecutive versions, oldest first
    last_change: dict[str, int] = field(default_factory=dict)  # matter id (published) -> index in steps of its last change


def change_log(catalog: Catalog, root: Path | None = None, options: DiffOptions = DiffOptions(),
               max_versions: int = MAX_VERSIONS) -> ChangeLog:
    """The change log of ``catalog`` (the published version) from the git history of the project at ``root``."""
    root = root if root is not None else catalog.root
    if root is None:
        return ChangeLog(Text("目录不是从项目目录编译的，没有版本历史", "the catalog was not compiled from a project directory: no history"))
    repo = Repository.of(root)
    tags = repo.tags() if repo is not None else []
    if repo is None or not tags:
        # one message for both cases, so that the same rules build the same site wherever they are copied
        return ChangeLog(NO_HISTORY)
    published_is_tag = tags[-1][1] == repo.head() and repo.clean()
    label = tags[-1][0] if published_is_tag else (f"{catalog.config.version}（工作区）" if catalog.config.version else "工作区")
    older = tags[:-1] if published_is_tag else tags
    older = older[-(max_versions - 1):] if max_versions > 1 else []
    catalogs: list[tuple[str, str | None, Catalog]] = []
    for tag, commit in older:
        try:
            side = compile_side(SideSpec(label=tag, kind="revision", commit=commit), root, options)
        except ChangesError:
            continue  # a tag whose tree has no project at this path: before the project existed
        catalogs.append((tag, commit, side.result.catalog))
    catalogs.append((label, tags[-1][1] if published_is_tag else None, catalog))
    log = ChangeLog(published=label, previous=catalogs[-2][0] if len(catalogs) > 1 else None)
    log.versions = [Version(lbl, commit, version_figures(c)) for lbl, commit, c in catalogs]
    reports = [compare(a[2], b[2], a[0], b[0]) for a, b in zip(catalogs, catalogs[1:])]
    if reports:
        log.report = reports[-1]
    # follow each published matter back through the versions to its last change
    alias: dict[str, str | None] = {mid: mid for mid in catalog.matters}  # published id -> its id in the newer version of the step
    for k in range(len(reports) - 1, -1, -1):
        r = reports[k]
        current_of = {v: cur for cur, v in alias.items() if v is not None}
        matters = []
        for c in r.diff.of("matter"):
            cur = current_of.get(c.new_id or "") if c.kind != "removed" else None
            if cur is not None and cur not in log.last_change:
                log.last_change[cur] = k
            what = tuple(dict.fromkeys([f.field for f in c.fields] + [p.part for p in c.parts]))
            matters.append(MatterChange(cur, c.name, c.kind, what))
        log.steps.insert(0, Step(r.old_label, r.new_label, tuple(matters), len(r.diff.changes)))
        back = {new: old for old, new in r.diff.pairs.get("matter", {}).items()}
        alias = {cur: back.get(v) if v is not None else None for cur, v in alias.items()}
    return log
