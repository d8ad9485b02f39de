"""The Chinese tutorial (docs/zh/tutorial.md) works as written: its commands run in order in an empty folder.

Each ```console block is a list of `$ command` lines, each followed by lines of its output;
each shown line must appear in the command's real output, in order (`……` stands for any
text). A block after `<!-- exit N -->` expects exit code N, every other block 0. A code
block with `title="path"` is a file the reader saves: the test writes it before the
commands that follow. Only `qingdan` and `cd` may appear as commands.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from conftest import REPO, run_cli

TUTORIAL = REPO / "docs" / "zh" / "tutorial.md"
BLOCK = re.compile(r"(?:<!-- exit (\d+) -->\n)?```(\w+)([^\n]*)\n(.*?)\n```", re.S)


def _steps(text: str) -> list[tuple[str, object]]:
    steps: list[tuple[str, object]] = []
    for m in BLOCK.finditer(text):
        exit_code, kind, info, body = int(m.group(1) or 0), m.group(2), m.group(3), m.group(4)
        title = re.search(r'title="([^"]+)"', info)
        if title:
            steps.append(("file", (title.group(1), body + "\n")))
        elif kind == "console":
            command: list[str] | None = None
            shown: list[str] = []
            for line in body.split("\n") + ["$ "]:
                if line.startswith("$ "):
                    if command is not None:
                        steps.append(("run", (command, shown, exit_code)))
                    command, shown = shlex.split(line[2:]), []
                elif line.strip():
                    shown.append(line.strip())
    return steps


def _matches(shown: str, line: str) -> bool:
    return re.search(".*".join(map(re.escape, shown.split("……"))), line) is not None


def test_tutorial_shows_files_and_commands():
    steps = _steps(TUTORIAL.read_text(encoding="utf-8"))
    commands = [" ".join(arg[0][:2]) for kind, arg in steps if kind == "run"]
    for needed in ("qingdan init", "qingdan check", "qingdan test", "qingdan build", "qingdan eval", "qingdan explain"):
        assert needed in commands, needed
    assert sum(1 for kind, _ in steps if kind == "file") >= 4


def test_tutorial_commands_work_in_order(tmp_path, monkeypatch):
    monkeypatch.delenv("QINGDAN_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.chdir(tmp_path)
    ran = 0
    for kind, arg in _steps(TUTORIAL.read_text(encoding="utf-8")):
        if kind == "file":
            path, text = arg
            target = Path.cwd() / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            continue
        argv, shown, expected_code = arg
        if argv[0] == "cd":
            monkeypatch.chdir(argv[1])
            continue
        assert argv[0] == "qingdan", f"the tutorial may only run qingdan and cd: {argv}"
        r = run_cli(*argv[1:])
        ran += 1
        assert r.code == expected_code, (argv, r.output)
        lines = r.output.splitlines()
        at = 0
        for want in shown:
            found = next((i for i in range(at, len(lines)) if _matches(want, lines[i])), None)
            assert found is not None, f"{' '.join(argv)}: expected «{want}» (in order) in:\n{r.output}"
            at = found + 1
    assert ran >= 10
    assert (tmp_path / "食品经营" / "build" / "site" / "index.html").is_file()
