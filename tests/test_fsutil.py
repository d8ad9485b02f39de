"""Atomic directories: a killed run is repaired by the next one, and nothing foreign is touched; atomic_create never replaces a file."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from qingdan.fsutil import WORK_MARKER, atomic_directory, recover_directory


@pytest.fixture(scope="module")
def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _work(parent, name: str, marked: bool = True):
    d = parent / name
    d.mkdir()
    (d / "file.txt").write_text(name, encoding="utf-8")
    if marked:
        (d / WORK_MARKER).touch()
    return d


def test_a_successful_swap_replaces_the_target_and_leaves_nothing_beside_it(tmp_path):
    out = tmp_path / "out"
    for text in ("first", "second"):
        with atomic_directory(out) as tmp:
            (tmp / "a.txt").write_text(text, encoding="utf-8")
    assert (out / "a.txt").read_text(encoding="utf-8") == "second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert sorted(p.name for p in out.iterdir()) == ["a.txt"], "no work marker is left in the output"


def test_a_failure_leaves_the_previous_output(tmp_path):
    out = tmp_path / "out"
    with atomic_directory(out) as tmp:
        (tmp / "a.txt").write_text("good", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_directory(out) as tmp:
        (tmp / "a.txt").write_text("half", encoding="utf-8")
        raise RuntimeError("boom")
    assert (out / "a.txt").read_text(encoding="utf-8") == "good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_temporaries_of_dead_processes_are_removed(tmp_path, dead_pid):
    stale = _work(tmp_path, f".out.tmp-{dead_pid}-abc")
    recover_directory(tmp_path / "out")
    assert not stale.exists()


def test_a_kill_between_the_two_renames_is_undone(tmp_path, dead_pid):
    old = _work(tmp_path, f".out.old-{dead_pid}")
    recover_directory(tmp_path / "out")
    assert not old.exists()
    assert (tmp_path / "out" / "file.txt").read_text(encoding="utf-8") == f".out.old-{dead_pid}"
    assert not (tmp_path / "out" / WORK_MARKER).exists()


def test_a_kill_after_the_swap_is_finished(tmp_path, dead_pid):
    out = _work(tmp_path, "out", marked=True)  # the new output, still marked
    old = _work(tmp_path, f".out.old-{dead_pid}")
    recover_directory(out)
    assert not old.exists()
    assert (out / "file.txt").exists() and not (out / WORK_MARKER).exists()


def test_nothing_without_the_marker_or_of_a_live_process_is_touched(tmp_path, dead_pid):
    foreign = _work(tmp_path, f".out.tmp-{dead_pid}-mine", marked=False)
    foreign_old = _work(tmp_path, f".out.old-{dead_pid}", marked=False)
    live = _work(tmp_path, ".out.tmp-1-live")  # pid 1 is always alive
    other = _work(tmp_path, f".other.tmp-{dead_pid}-x")
    recover_directory(tmp_path / "out")
    assert foreign.exists() and foreign_old.exists() and live.exists() and other.exists()
    assert not (tmp_path / "out").exists()


def test_a_process_killed_inside_leaves_the_old_output_and_the_next_run_cleans_up(tmp_path):
    out = tmp_path / "out"
    with atomic_directory(out) as tmp:
        (tmp / "a.txt").write_text("good", encoding="utf-8")
    script = ("import os, signal, sys\nfrom qingdan.fsutil import atomic_directory\n"
              "with atomic_directory(sys.argv[1]) as tmp:\n"
              "    (tmp / 'a.txt').write_text('half')\n"
              "    os.kill(os.getpid(), signal.SIGKILL)\n")
    proc = subprocess.run([sys.executable, "-c", script, str(out)])
    assert proc.returncode == -9
    assert (out / "a.txt").read_text(encoding="utf-8") == "good"
    assert len(list(tmp_path.iterdir())) == 2, "the killed run left its temporary directory"
    with atomic_directory(out) as tmp:
        (tmp / "a.txt").write_text("next", encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# ---------------------------------------------------------------- atomic_create
def test_atomic_create_writes_a_new_file_with_the_usual_mode(tmp_path):
    from qingdan.fsutil import atomic_create

    target = tmp_path / "sub" / "新文件.qd"
    assert atomic_create(target, "部门 甲 {}\n") is True
    assert target.read_text(encoding="utf-8") == "部门 甲 {}\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert sorted(p.name for p in target.parent.iterdir()) == ["新文件.qd"]  # no temporary file left


def test_atomic_create_never_replaces_a_file(tmp_path):
    from qingdan.fsutil import atomic_create

    target = tmp_path / "qingdan.toml"
    target.write_bytes(b"mine\n")
    assert atomic_create(target, "theirs\n") is False
    assert target.read_bytes() == b"mine\n"
    link = tmp_path / "link.qd"
    link.symlink_to(tmp_path / "elsewhere.qd")  # a dangling link is an existing name, too
    assert atomic_create(link, "x") is False
    assert not (tmp_path / "elsewhere.qd").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.qd", "qingdan.toml"]
