"""What every build step shares: the ``Step`` type, the ``BuildContext`` a step writes
through, and ``BuildError``.

The build driver (``build.py``) and every step (``steps.py``, ``site/step.py``) import
this module, and it imports none of them, so the steps and the driver that lists them
never import each other in a cycle.

A step is a function ``run(catalog, outdir, ctx)`` that writes one family of files
through ``ctx.write(relative_path, text_or_bytes)``; ``@step(units=...)`` wraps it in a
``Step`` that also says how many progress units it reports with ``ctx.tick()``. The
context lives for one build: it holds the version and date, the file stems, the
compile's findings and the record of what has been written, and nothing that outlives
the build.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..compiler import Catalog
from ..compiler.diagnostics import Diagnostic
from ..compiler.text import Text

Write = Callable[[str, str | bytes], None]
"""``write(relative_path, text_or_bytes)``: how generators hand over a file."""


class BuildError(Exception):
    """A build that cannot go on, with a message for the user (Chinese and English)."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.zh)
        self.text = text

    def message(self, lang: str) -> str:
        return self.text(lang)


@dataclass
class BuildContext:
    """The state of one build, handed to every step."""

    outdir: Path
    version: str
    date: str | None
    templates: str | None = None
    matter_slugs: dict[str, str] = field(default_factory=dict)
    journey_slugs: dict[str, str] = field(default_factory=dict)
    progress: Callable[[int], None] | None = None
    written: dict[str, int] = field(default_factory=dict)
    diagnostics: Sequence[Diagnostic] = ()  # the compile's findings, for the site's findings page

    def write(self, rel: str, data: str | bytes) -> None:
        """Write one output file at ``rel`` (a relative POSIX path inside the output)."""
        path = PurePosixPath(rel)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise ValueError(f"output path must be relative and inside the build: {rel}")
        if rel in self.written:
            raise ValueError(f"two artefacts were written to the same file: {rel}")
        target = self.outdir.joinpath(*path.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        payload = data.encode("utf-8") if isinstance(data, str) else data
        target.write_bytes(payload)
        self.written[rel] = len(payload)

    def reuse(self, rel: str) -> bytes | None:
        """The bytes of the file an earlier step wrote at ``rel``, or None."""
        return self.outdir.joinpath(*PurePosixPath(rel).parts).read_bytes() if rel in self.written else None

    def tick(self, n: int = 1) -> None:
        """Report ``n`` progress units."""
        if self.progress is not None:
            self.progress(n)


StepFunction = Callable[[Catalog, Path, BuildContext], None]
"""``run(catalog, outdir, ctx)``: anything the build can run as a step."""


@dataclass(frozen=True)
class Step:
    """A build step: ``run`` writes one family of files, ``units(catalog)`` is how many
    progress units it reports with ``ctx.tick()``."""

    name: str
    run: StepFunction
    units: Callable[[Catalog], int]

    def __call__(self, catalog: Catalog, outdir: Path, ctx: BuildContext) -> None:
        self.run(catalog, outdir, ctx)


def step(*, units: Callable[[Catalog], int]) -> Callable[[StepFunction], Step]:
    """Declare a build step and how many progress units it reports."""

    def wrap(run: StepFunction) -> Step:
        return Step(run.__name__, run, units)

    return wrap


def units_of(run: StepFunction, catalog: Catalog) -> int:
    """The progress units a step reports (1 for a plain function)."""
    return max(1, int(run.units(catalog))) if isinstance(run, Step) else 1
