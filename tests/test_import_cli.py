"""``qingdan import``: refusing a non-empty output (--force replaces only an earlier import),
atomic replacement, the options that shape qingdan.toml (--strict, --baseline) and the usage
errors. The hostile cases (home directories, symbolic links, forged markers) are in
test_import_hostile.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_import_support import compiled

RECORD = {
    "TASK_CODE": "11440000006940116U2440102002003", "TASK_NAME": "中小学地方课程教材初审", "TASK_TYPE_TEXT": "行政许可",
    "CATANAME": "中小学地方课程教材初审、审定、复查", "parentCatalogId": "44010200200Y", "DEPT_NAME": "广东省教育厅",
    "AREACODE": "440000", "AREA_CODE_TEXT": "广东省", "matter_level": "省级", "visit_number": "0", "handle_time": "无",
    "handle_time_limit": "18(工作日)", "accept_standard": "符合条件的即可申请", "material_intro": ["审查登记表"],
    "service_object_name": ["自然人"],
}


def _source(tmp_path: Path, n: int = 2) -> Path:
    lines = []
    for i in range(n):
        lines.append(json.dumps(dict(RECORD, TASK_CODE=RECORD["TASK_CODE"][:-1] + str(i), TASK_NAME=f"{RECORD['TASK_NAME']}{i}"), ensure_ascii=False))
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_non_empty_output_is_refused_and_force_replaces_only_an_earlier_import(tmp_path, cli):
    src = _source(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep me", encoding="utf-8")
    r = cli("import", "gov-json", str(src), "--out", str(out))
    assert r.code == 2 and "不是空的" in r.err and "即使加 --force 也不会替换它" in r.err
    r = cli("import", "gov-json", str(src), "--out", str(out), "--force")
    assert r.code == 2 and "不是 qingdan import 写出的" in r.err
    assert _tree(out) == {"mine.txt": b"keep me"}
    (out / "mine.txt").unlink()
    assert cli("import", "gov-json", str(src), "--out", str(out)).code == 0
    r = cli("import", "gov-json", str(src), "--out", str(out))
    assert r.code == 2 and "请加 --force" in r.err
    r = cli("import", "gov-json", str(_source(tmp_path, 3)), "--out", str(out), "--force")
    assert r.code == 0, r.output
    files = _tree(out)
    assert "qingdan.toml" in files and "import-report.json" in files and ".qingdan-import.json" in files
    assert "读取 3 条记录" in files["import-report.txt"].decode("utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")], "no temporary directories left behind"


def test_an_empty_existing_directory_is_fine(tmp_path, cli):
    out = tmp_path / "out"
    out.mkdir()
    assert cli("import", "gov-json", str(_source(tmp_path)), "--out", str(out)).code == 0
    compiled(out)


def test_a_failure_while_writing_leaves_the_previous_project_untouched(tmp_path, cli, monkeypatch):
    src = _source(tmp_path)
    out = tmp_path / "out"
    assert cli("import", "gov-json", str(src), "--out", str(out)).code == 0
    before = _tree(out)
    calls = {"n": 0}
    real = Path.write_text

    def failing(self, *a, **kw):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device", str(self))
        return real(self, *a, **kw)

    monkeypatch.setattr(Path, "write_text", failing)
    r = cli("import", "gov-json", str(_source(tmp_path, 3)), "--out", str(out), "--force")
    monkeypatch.undo()
    assert r.code == 2 and "No space left on device" in r.err and "Traceback" not in r.output
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out"]


def test_refuses_to_replace_a_directory_holding_the_input(tmp_path, cli):
    out = tmp_path / "data"
    out.mkdir()
    src = _source(out)
    r = cli("import", "gov-json", str(src), "--out", str(out), "--force")
    assert r.code == 2 and "输入文件" in r.err
    assert src.exists()


def test_refuses_to_write_over_a_file(tmp_path, cli):
    (tmp_path / "out").write_text("x", encoding="utf-8")
    r = cli("import", "gov-json", str(_source(tmp_path)), "--out", str(tmp_path / "out"), "--force", "--lang", "en")
    assert r.code == 2 and "is a file, not a directory" in r.err and "--out" in r.err
    assert (tmp_path / "out").read_text(encoding="utf-8") == "x"


def test_missing_input_is_a_usage_error(tmp_path, cli):
    r = cli("import", "gov-json", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o"))
    assert r.code == 2 and "找不到输入文件" in r.err
    r = cli("import", "table", str(tmp_path / "nope.xlsx"), "--kind", "power", "--out", str(tmp_path / "o"), "--lang", "en")
    assert r.code == 2 and "input file not found" in r.err
    assert not (tmp_path / "o").exists()


def test_strict_keeps_every_check_at_its_severity(tmp_path, cli):
    out = tmp_path / "out"
    assert cli("import", "gov-json", str(_source(tmp_path)), "--out", str(out), "--strict").code == 0
    assert "[checks]" not in (out / "qingdan.toml").read_text(encoding="utf-8")
    r = cli("check", str(out))
    assert r.code == 1 and "power-without-responsibility" in r.out


def test_baseline_lowers_the_errors_found_so_the_catalog_builds(tmp_path, cli):
    out = tmp_path / "out"
    assert cli("import", "gov-json", str(_source(tmp_path)), "--out", str(out), "--baseline").code == 0
    toml = (out / "qingdan.toml").read_text(encoding="utf-8")
    assert "# 导入基线：导入时发现 2 个“missing-time-limit”错误" in toml and 'missing-time-limit = "warning"' in toml
    assert cli("check", str(out)).code == 0
    r = cli("build", str(out), "-o", str(tmp_path / "b"), "-q", "--no-site")
    assert r.code == 0, r.output
    assert (tmp_path / "b" / "lists" / "power-list.csv").is_file()


@pytest.mark.parametrize("lang,word", [("zh", "读取 2 条记录"), ("en", "read 2 records")])
def test_summary_language(tmp_path, cli, lang, word):
    r = cli("import", "gov-json", str(_source(tmp_path)), "--out", str(tmp_path / "o"), "--lang", lang)
    assert r.code == 0 and word in r.out


def test_import_is_listed_in_help(cli):
    r = cli("import", "--help")
    assert r.code == 0 and "gov-json" in r.out and "table" in r.out
