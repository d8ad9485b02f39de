"""Shared test helpers: the shared/ folder, temporary projects and in-process CLI runs."""

from __future__ import annotations

import atexit
import io
import os
import shutil
import sys
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"

# The commands the tests run keep their compile cache here, never in the repository's examples.
if "QINGDAN_CACHE" not in os.environ:
    os.environ["QINGDAN_CACHE"] = _TEST_CACHE = tempfile.mkdtemp(prefix="qingdan-test-cache-")
    atexit.register(shutil.rmtree, _TEST_CACHE, True)


def shared_dir() -> Path | None:
    path = Path(os.environ.get("QINGDAN_SHARED", REPO.parent / "shared"))
    return path if path.is_dir() else None


@pytest.fixture
def shared() -> Path:
    path = shared_dir()
    if path is None:
        pytest.skip("shared/ not found: set QINGDAN_SHARED to the shared folder to run this test")
    return path


def write_project(root: Path, files: dict[str, str], toml: str | None = '[project]\nname = "测试"\nlevel = "市"\n') -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if toml is not None:
        (root / "qingdan.toml").write_text(toml, encoding="utf-8")
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


class CliRun:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    @property
    def output(self) -> str:
        return self.out + self.err


def run_cli(*args: str) -> CliRun:
    """Run ``qingdan`` in-process through its real entry point (exception handling included)."""
    from qingdan.cli import main

    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["qingdan", *map(str, args)]
    code = 0
    try:
        with redirect_stdout(out), redirect_stderr(err):
            main()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    finally:
        sys.argv = argv
    return CliRun(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return run_cli
