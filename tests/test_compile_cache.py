"""The compile cache (qingdan/compiler/cache.py): a cached compile answers exactly as a cold one.

The property test edits a small project at random (files and declarations added, deleted,
changed, renamed, moved; the configuration changed) and after every edit compares the
diagnostics, the compiled model and the sources of a cold compile with those of a compile
through the cache. The other tests cover bad entries (corrupt, truncated, foreign,
swapped), a key that is not private, two processes at once, pruning, ``QINGDAN_CACHE``
and ``check --no-cache``.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import random
import re
import tempfile
from pathlib import Path

import pytest
from conftest import EXAMPLES, write_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qingdan.compiler import CompileOptions, compile
from qingdan.compiler.cache import ENTRIES, FORMAT, KEY_NAME, PROJECT_CACHE, CacheSettings, ResultCache, settings_from_env
from qingdan.dsl.parser import parse_recovering

DEFECTS = EXAMPLES / "defects"


def _blocks() -> list[str]:
    """Every top-level declaration of the defects example, as text: the pool of declarations to edit with."""
    out = []
    for path in sorted(DEFECTS.glob("*.qd")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree, _ = parse_recovering(text, path.name)
        for item in tree.items:
            out.append("\n".join(lines[item.span.line - 1: item.span.end_line]))
    return out


BLOCKS = _blocks()
TOML = (DEFECTS / "qingdan.toml").read_text(encoding="utf-8")


def canonical(result) -> list[tuple]:
    """The diagnostics as plain data: everything a report shows."""
    return [(d.rule, d.severity.value, d.text.zh, d.text.en, d.loc, [(r.loc, r.text.zh, r.text.en) for r in d.related],
             d.suggestion, d.misspelt, d.waived) for d in result.diagnostics]


def assert_same(cold, cached) -> None:
    assert canonical(cached) == canonical(cold)
    assert cached.catalog.model == cold.catalog.model
    assert cached.catalog.model.model_dump(mode="json") == cold.catalog.model.model_dump(mode="json")
    assert cached.sources == cold.sources


def compile_both(root: Path, cache_dir: Path):
    cold = compile(root, CompileOptions(workers=1))
    cached = compile(root, CompileOptions(workers=1, cache=CacheSettings(cache_dir)))
    return cold, cached


# ---------------------------------------------------------------- random edits
class Project:
    """A project on disk as files of declarations, and the edits the property test applies."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root, self.rng = root, rng
        self.files: dict[str, list[str]] = {}
        self.toml = TOML
        self.serial = 0

    def write(self) -> None:
        for path in list(self.root.rglob("*.qd")) if self.root.exists() else []:
            rel = path.relative_to(self.root).as_posix()
            if rel not in self.files:
                path.unlink()
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "qingdan.toml").write_text(self.toml, encoding="utf-8")
        for rel, blocks in self.files.items():
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            text = "\n\n".join(blocks) + "\n"
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")

    def new_name(self) -> str:
        self.serial += 1
        return self.rng.choice(["", "sub/", "区县/"]) + f"f{self.serial}.qd"

    def pick(self) -> str | None:
        return self.rng.choice(sorted(self.files)) if self.files else None

    def edit(self, kind: str) -> None:
        rng, rel = self.rng, self.pick()
        if kind == "add_file" or rel is None:
            self.files[self.new_name()] = rng.sample(BLOCKS, rng.randint(1, 4))
        elif kind == "delete_file":
            del self.files[rel]
        elif kind == "rename_file":
            self.files[self.new_name()] = self.files.pop(rel)
        elif kind == "add_declaration":
            self.files[rel].insert(rng.randint(0, len(self.files[rel])), rng.choice(BLOCKS))
        elif kind == "delete_declaration" and self.files[rel]:
            self.files[rel].pop(rng.randrange(len(self.files[rel])))
        elif kind == "move_declaration" and self.files[rel]:
            block = self.files[rel].pop(rng.randrange(len(self.files[rel])))
            target = self.pick() or self.new_name()
            self.files.setdefault(target, []).append(block)
        elif kind == "rename_declaration" and self.files[rel]:
            i = rng.randrange(len(self.files[rel]))
            self.files[rel][i] = re.sub(r"^(\S+ )(\S+)", lambda m: m.group(1) + m.group(2) + "乙", self.files[rel][i], count=1, flags=re.M)
        elif kind == "change_declaration" and self.files[rel]:
            i = rng.randrange(len(self.files[rel]))
            text = self.files[rel][i]
            at = rng.randrange(len(text))
            self.files[rel][i] = text[:at] + rng.choice(["}", "{", "", "2", "市", ":", "\n", '"']) + text[at + 1:]
        elif kind == "config":
            self.toml = TOML.replace('too-many-visits = "warning"', rng.choice(['too-many-visits = "off"', 'too-many-visits = "error"', ""]))


EDITS = ["add_file", "delete_file", "rename_file", "add_declaration", "delete_declaration", "move_declaration",
         "rename_declaration", "change_declaration", "config"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), edits=st.lists(st.sampled_from(EDITS), min_size=1, max_size=8))
def test_cached_compile_equals_cold_after_random_edits(seed: int, edits: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp) / "p", random.Random(seed))
        cache_dir = Path(tmp) / "cache"
        for _ in range(3):
            project.edit("add_file")
        project.write()
        assert_same(*compile_both(project.root, cache_dir))
        for kind in edits:
            before = {rel: "\n\n".join(b) for rel, b in project.files.items()}
            project.edit(kind)
            project.write()
            cold, cached = compile_both(project.root, cache_dir)
            assert_same(cold, cached)
            unchanged = sum(1 for rel, blocks in project.files.items() if before.get(rel) == "\n\n".join(blocks))
            assert cached.cached_files >= unchanged  # the cache was used for every file not edited


def test_whole_example_compiles_the_same_warm_and_in_parallel(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cold = compile(EXAMPLES / "city")
    first = compile(EXAMPLES / "city", CompileOptions(workers=2, cache=CacheSettings(cache_dir)))
    again = compile(EXAMPLES / "city", CompileOptions(workers=2, cache=CacheSettings(cache_dir)))
    assert first.cached_files == 0 and again.cached_files == len(cold.files) > 10
    assert_same(cold, first)
    assert_same(cold, again)


def test_sources_in_memory_use_a_named_cache(tmp_path: Path) -> None:
    sources = {"qingdan.toml": TOML, **{p.name: p.read_text(encoding="utf-8") for p in DEFECTS.glob("*.qd")}}
    options = CompileOptions(cache=CacheSettings(tmp_path / "cache"))
    cold = compile(sources)
    compile(sources, options)
    cached = compile(sources, options)
    assert cached.cached_files == len(cold.files)
    assert_same(cold, cached)
    assert compile(sources, CompileOptions(cache=CacheSettings())).cached_files == 0  # no project: nowhere to cache


# ---------------------------------------------------------------- bad entries
def _project(tmp_path: Path) -> tuple[Path, Path]:
    root = write_project(tmp_path / "p", {"a.qd": (DEFECTS / "base.qd").read_text(encoding="utf-8"),
                                          "b.qd": (DEFECTS / "food.qd").read_text(encoding="utf-8")}, TOML)
    return root, tmp_path / "cache"


def _entries(cache_dir: Path) -> list[Path]:
    return sorted(p for p in (cache_dir / ENTRIES).iterdir() if not p.name.startswith("."))


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "format", "foreign-key", "pickle-bomb", "swap"])
def test_bad_entries_are_ignored_and_rewritten(tmp_path: Path, damage: str) -> None:
    root, cache_dir = _project(tmp_path)
    cold, first = compile_both(root, cache_dir)
    entries = _entries(cache_dir)
    assert len(entries) == 2
    good = [p.read_bytes() for p in entries]
    marker = tmp_path / "executed"
    if damage == "truncate":
        entries[0].write_bytes(good[0][: len(good[0]) // 2])
    elif damage == "flip":
        data = bytearray(good[0])
        data[-10] ^= 0xFF
        entries[0].write_bytes(bytes(data))
    elif damage == "empty":
        entries[0].write_bytes(b"")
    elif damage == "format":
        entries[0].write_bytes(b"qingdan-cache-0\n" + good[0][len(FORMAT):])
    elif damage in ("foreign-key", "pickle-bomb"):
        # An entry made with another key (as a repository could ship one): its data must never be unpickled.
        head = len(FORMAT) + 32
        payload = good[0][head:]
        if damage == "pickle-bomb":
            class Bomb:
                def __reduce__(self):
                    return (os.system, (f"touch {marker}",))
            payload = pickle.dumps(Bomb())
        foreign = ResultCache(cache_dir, b"k" * 32, b"")
        entries[0].write_bytes(FORMAT + foreign._mac(entries[0].name, payload) + payload)
    elif damage == "swap":  # a good entry under another file's name
        entries[0].write_bytes(good[1])
    warm = compile(root, CompileOptions(workers=1, cache=CacheSettings(cache_dir)))
    assert not marker.exists()
    assert warm.cached_files == 1
    assert_same(cold, warm)
    assert [p.read_bytes() for p in _entries(cache_dir)] == good  # rewritten
    assert compile(root, CompileOptions(workers=1, cache=CacheSettings(cache_dir))).cached_files == 2


def test_a_key_others_can_read_is_replaced(tmp_path: Path) -> None:
    root, cache_dir = _project(tmp_path)
    compile_both(root, cache_dir)
    key = cache_dir / KEY_NAME
    assert key.stat().st_mode & 0o777 == 0o600
    old = key.read_bytes()
    options = CompileOptions(workers=1, cache=CacheSettings(cache_dir))
    for spoil in ("chmod", "short"):
        if spoil == "chmod":
            key.chmod(0o644)  # as a checkout of a repository would make it
        else:
            key.write_bytes(b"short")
        result = compile(root, options)
        assert result.cached_files == 0  # the entries made with the key were not used
        assert canonical(result) == canonical(compile(root, CompileOptions(workers=1)))
        assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_bytes()) == 32 and key.read_bytes() != old
        old = key.read_bytes()
        assert compile(root, options).cached_files == 2  # rewritten with the new key


def test_project_cache_keeps_its_key_outside_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = _project(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    options = CompileOptions(workers=1, cache=CacheSettings())
    compile(root, options)
    project_cache = root / PROJECT_CACHE
    assert len(_entries(project_cache)) == 2
    assert not (project_cache / KEY_NAME).exists()
    assert (tmp_path / "home-cache" / "qingdan" / KEY_NAME).stat().st_mode & 0o777 == 0o600
    assert (project_cache / ".gitignore").read_text().strip().endswith("*")
    # A key shipped inside the project is not looked at: entries made with it do not count.
    (project_cache / KEY_NAME).write_bytes(b"k" * 32)
    shipped = ResultCache(project_cache, b"k" * 32, b"")
    for entry in _entries(project_cache):
        payload = entry.read_bytes()[len(FORMAT) + 32:]
        entry.write_bytes(FORMAT + shipped._mac(entry.name, payload) + payload)
    assert compile(root, options).cached_files == 0
    assert compile(root, options).cached_files == 2


def _compile_in_child(root: str, cache_dir: str, queue) -> None:
    result = compile(root, CompileOptions(workers=1, cache=CacheSettings(Path(cache_dir))))
    queue.put(canonical(result))


def test_two_processes_at_once_leave_a_valid_cache(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {f"d{i}/{p.name}": p.read_text(encoding="utf-8")
                                          for i in range(3) for p in DEFECTS.glob("*.qd")}, TOML)
    cache_dir = tmp_path / "cache"
    cold = compile(root, CompileOptions(workers=1))
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_compile_in_child, args=(str(root), str(cache_dir), queue)) for _ in range(2)]
    for p in procs:
        p.start()
    found = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    assert found == [canonical(cold)] * 2
    warm = compile(root, CompileOptions(workers=1, cache=CacheSettings(cache_dir)))
    assert warm.cached_files == len(cold.files)
    assert_same(cold, warm)
    assert not [p for p in (cache_dir / ENTRIES).iterdir() if p.name.startswith(".")]  # no temporary left


def test_old_entries_are_pruned(tmp_path: Path) -> None:
    root, cache_dir = _project(tmp_path)
    compile_both(root, cache_dir)
    for i in range(300):  # entries of files that no longer exist, older than the project's
        stale = cache_dir / ENTRIES / f"{i:064x}"
        stale.write_bytes(b"x")
        os.utime(stale, (1_000_000, 1_000_000))
    (root / "a.qd").write_text((root / "a.qd").read_text(encoding="utf-8") + "\n# 改动\n", encoding="utf-8")
    compile(root, CompileOptions(workers=1, cache=CacheSettings(cache_dir)))
    left = _entries(cache_dir)
    assert len(left) == 2 * 2 + 256
    assert compile(root, CompileOptions(workers=1, cache=CacheSettings(cache_dir))).cached_files == 2


def test_pruning_never_deletes_a_file_it_did_not_write(tmp_path: Path) -> None:
    root, cache_dir = _project(tmp_path)
    compile_both(root, cache_dir)
    for i in range(300):
        stale = cache_dir / ENTRIES / f"{i:064x}"
        stale.write_bytes(b"x")
        os.utime(stale, (1_000_000, 1_000_000))
    mine = cache_dir / ENTRIES / "notes.txt"  # the oldest file there, but not an entry
    mine.write_text("keep me", encoding="utf-8")
    os.utime(mine, (1, 1))
    (root / "a.qd").write_text((root / "a.qd").read_text(encoding="utf-8") + "\n# 改动\n", encoding="utf-8")
    compile(root, CompileOptions(workers=1, cache=CacheSettings(cache_dir)))
    assert mine.read_text(encoding="utf-8") == "keep me"


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path: Path) -> None:
    root, _ = _project(tmp_path)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    result = compile(root, CompileOptions(workers=1, cache=CacheSettings(blocker / "cache")))
    assert result.cached_files == 0
    assert canonical(result) == canonical(compile(root, CompileOptions(workers=1)))


# ---------------------------------------------------------------- command line
def test_settings_from_env() -> None:
    assert settings_from_env(None) == CacheSettings()
    assert settings_from_env("") == CacheSettings()
    assert settings_from_env("off") is None and settings_from_env("0") is None
    assert settings_from_env("/tmp/x") == CacheSettings(Path("/tmp/x"))


def test_check_uses_qingdan_cache_and_no_cache(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = _project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("QINGDAN_CACHE", str(elsewhere))
    first = cli("check", str(root), "--format", "json")
    assert len(_entries(elsewhere)) == 2
    assert not (root / ".qingdan").exists()
    for entry in _entries(elsewhere):
        entry.unlink()
    second = cli("check", str(root), "--format", "json", "--no-cache")
    assert not _entries(elsewhere)  # --no-cache neither reads nor writes
    assert (first.code, first.out) == (second.code, second.out)
    monkeypatch.setenv("QINGDAN_CACHE", "off")
    assert cli("check", str(root), "--format", "json").out == first.out
    assert not _entries(elsewhere)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    monkeypatch.delenv("QINGDAN_CACHE")
    assert cli("check", str(root), "--format", "json").out == first.out
    assert len(_entries(root / PROJECT_CACHE)) == 2
    assert cli("check", str(root), "--format", "json").out == first.out
