"""Issue 15, "nothing lost, nothing injected": ``qingdan build`` and ``qingdan site`` replace
only what is provably their own output, never the project or its inputs (symbolic links
resolved), leave no mkdocs process behind when killed, render a project's templates in a
sandbox, and never name a file after a Windows device."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, run_cli, write_project
from test_build_support import FIXTURE, copy_project

from qingdan.generators import paths

SITE_FIXTURE = REPO / "tests" / "fixtures" / "site"
CITY = REPO / "examples" / "city"
QINGDAN = [sys.executable, "-c", "from qingdan.cli import main; main()"]


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _forged_manifest(directory: Path) -> None:
    """A manifest in qingdan's format that lists every file of ``directory`` with its true hash."""
    files = []
    for p in sorted(directory.rglob("*")):
        if p.is_file() and p.name != "manifest.json":
            data = p.read_bytes()
            files.append({"path": p.relative_to(directory).as_posix(), "sha256": hashlib.sha256(data).hexdigest(),
                          "bytes": len(data)})
    doc = {"format": "qingdan-manifest", "format_version": "1.0", "project": "x", "catalog_version": "1", "date": None,
           "files": files}
    (directory / "manifest.json").write_text(json.dumps(doc), encoding="utf-8")


# ---------------------------------------------------------------- 1. only qingdan's own output is replaced
def test_build_refuses_a_directory_whose_manifest_is_not_qingdans(tmp_path):
    """The issue's reproduction: a thesis beside a manifest.json of someone else's."""
    d = tmp_path / "d"
    d.mkdir()
    (d / "thesis.docx").write_text("x", encoding="utf-8")
    (d / "manifest.json").write_text("{}", encoding="utf-8")
    r = run_cli("build", "--no-site", FIXTURE, "--out", d)
    assert r.code == 1 and "Traceback" not in r.err
    assert "manifest.json" in r.err and "拒绝覆盖" in r.err
    assert sorted(p.name for p in d.iterdir()) == ["manifest.json", "thesis.docx"]
    assert (d / "thesis.docx").read_text(encoding="utf-8") == "x"
    r = run_cli("build", "--no-site", FIXTURE, "--out", d, "--lang", "en")
    assert r.code == 1 and "refusing to replace" in r.err


def test_build_refuses_an_earlier_build_holding_a_file_it_did_not_write(tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", "--no-site", FIXTURE, "--out", out, "-q").code == 0
    (out / "guides" / "thesis.docx").write_text("my thesis", encoding="utf-8")
    before = _files(out)
    r = run_cli("build", "--no-site", FIXTURE, "--out", out)
    assert r.code == 1 and "Traceback" not in r.err
    assert "guides/thesis.docx" in r.err, "the refusal names the foreign file"
    assert _files(out) == before
    # moved away, the build replaces its own output again
    (out / "guides" / "thesis.docx").unlink()
    assert run_cli("build", "--no-site", FIXTURE, "--out", out, "-q").code == 0


def test_build_refuses_an_earlier_build_whose_file_was_edited(tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", "--no-site", FIXTURE, "--out", out, "-q").code == 0
    guide = next((out / "guides" / "matters").glob("*.md"))
    guide.write_text(guide.read_text(encoding="utf-8") + "\n手工补充的说明\n", encoding="utf-8")
    r = run_cli("build", "--no-site", FIXTURE, "--out", out, "--lang", "en")
    assert r.code == 1 and guide.relative_to(out).as_posix() in r.err and "changed" in r.err
    assert "手工补充的说明" in guide.read_text(encoding="utf-8")
    # a file qingdan wrote and the user deleted is no reason to refuse
    guide.unlink()
    assert run_cli("build", "--no-site", FIXTURE, "--out", out, "-q").code == 0
    assert guide.is_file()


def test_build_refuses_a_symbolic_link_inside_an_earlier_build(tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", "--no-site", FIXTURE, "--out", out, "-q").code == 0
    (tmp_path / "mine").mkdir()
    (out / "link").symlink_to(tmp_path / "mine")
    r = run_cli("build", "--no-site", FIXTURE, "--out", out)
    assert r.code == 1 and "link" in r.err and (out / "link").is_symlink()


def test_a_file_added_to_the_output_during_the_build_is_not_lost(tmp_path):
    """The output is checked again just before the swap."""
    from test_build_support import catalog_of, core_steps

    from qingdan.generators import build as build_mod

    out = tmp_path / "out"
    assert run_cli("build", "--no-site", FIXTURE, "--out", out, "-q").code == 0
    before = _files(out)

    def intruder(catalog, outdir, ctx):
        (out / "notes.txt").write_text("written while qingdan was building", encoding="utf-8")

    with pytest.raises(build_mod.BuildError) as e:
        build_mod.build(catalog_of(FIXTURE), out, steps=(*core_steps(), intruder))
    assert "notes.txt" in e.value.message("en")
    assert _files(out) == {**before, "notes.txt": b"written while qingdan was building"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no temporary directory is left behind"


def test_build_still_replaces_its_own_output_inside_the_project(tmp_path):
    """The default ``qingdan build`` writes build/ inside the project: that keeps working."""
    project = copy_project(FIXTURE, tmp_path / "proj")
    for _ in range(2):
        r = run_cli("build", "--no-site", project, "--out", project / "build")
        assert r.code == 0, r.output
    assert (project / "build" / "manifest.json").is_file()


def test_site_refuses_a_file_it_did_not_write_in_its_earlier_output(tmp_path):
    out = tmp_path / "out"
    assert run_cli("site", SITE_FIXTURE, "--out", out, "-q").code == 0
    (out / "thesis.docx").write_text("my thesis", encoding="utf-8")
    r = run_cli("site", SITE_FIXTURE, "--out", out)
    assert r.code == 2 and "thesis.docx" in r.err and "Traceback" not in r.err
    assert (out / "thesis.docx").read_text(encoding="utf-8") == "my thesis"


def test_site_does_not_trust_the_first_line_of_mkdocs_yml(tmp_path):
    from qingdan.generators.site import MARKER

    d = tmp_path / "d"
    d.mkdir()
    (d / "mkdocs.yml").write_text(MARKER + "\nsite_name: x\n", encoding="utf-8")
    (d / "thesis.docx").write_text("x", encoding="utf-8")
    r = run_cli("site", SITE_FIXTURE, "--out", d)
    assert r.code == 2 and "拒绝覆盖" in r.err
    assert (d / "thesis.docx").read_text(encoding="utf-8") == "x"


# ---------------------------------------------------------------- 2. never the project, never an input
def test_build_refuses_the_project_reached_through_a_symbolic_link(tmp_path):
    project = copy_project(FIXTURE, tmp_path / "real" / "proj")
    _forged_manifest(project)  # even a manifest that lists every file cannot make the project an output
    before = _files(project)
    link = tmp_path / "link"
    link.symlink_to(project, target_is_directory=True)
    r = run_cli("build", "--no-site", project, "--out", link)
    assert r.code == 1 and "Traceback" not in r.err
    assert _files(project) == before and link.is_symlink()
    # a symbolic link to a directory that holds the project
    above = tmp_path / "above"
    above.symlink_to(tmp_path / "real", target_is_directory=True)
    _forged_manifest(tmp_path / "real")
    r = run_cli("build", "--no-site", project, "--out", above)
    assert r.code == 1 and "规则项目" in r.err
    assert _files(project) == before
    # the project named through the link, the output by its real path
    r = run_cli("build", "--no-site", link, "--out", project)
    assert r.code == 1 and _files(project) == before


def test_build_refuses_an_output_that_is_or_holds_the_templates(tmp_path):
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "matter_guide.md.j2").write_text("{{ matter.name }}\n", encoding="utf-8")
    _forged_manifest(templates)
    before = _files(templates)
    r = run_cli("build", "--no-site", FIXTURE, "--out", templates, "--templates", templates)
    assert r.code == 1 and "模板" in r.err and _files(templates) == before
    link = tmp_path / "tpl-link"
    link.symlink_to(templates, target_is_directory=True)
    r = run_cli("build", "--no-site", FIXTURE, "--out", tmp_path / "out", "--templates", link)
    assert r.code == 0, r.output
    r = run_cli("build", "--no-site", FIXTURE, "--out", templates, "--templates", link, "--lang", "en")
    assert r.code == 1 and "template" in r.err and _files(templates) == before
    # the templates inside an earlier build: replacing the build would delete them
    out = tmp_path / "out"
    inner = out / "guides"
    r = run_cli("build", "--no-site", FIXTURE, "--out", out, "--templates", inner)
    assert r.code == 1 and (inner / "matters").is_dir()


def test_site_refuses_the_project_reached_through_a_symbolic_link(tmp_path):
    project = copy_project(SITE_FIXTURE, tmp_path / "real" / "proj")
    _forged_manifest(project)
    before = _files(project)
    link = tmp_path / "link"
    link.symlink_to(project, target_is_directory=True)
    r = run_cli("site", project, "--out", link)
    assert r.code == 2 and _files(project) == before


def test_an_output_that_is_a_symbolic_link_is_refused(tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", "--no-site", FIXTURE, "--out", out, "-q").code == 0
    link = tmp_path / "link"
    link.symlink_to(out, target_is_directory=True)
    r = run_cli("build", "--no-site", FIXTURE, "--out", link)
    assert r.code == 1 and "符号链接" in r.err and link.is_symlink()


# ---------------------------------------------------------------- 3. mkdocs dies with qingdan
def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            out.append(int(entry))
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _running(pid: int, cmdline: str) -> bool:
    """Whether ``pid`` is still the same living process (a zombie is dead)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z" and _cmdline(pid) == cmdline


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_mkdocs_does_not_outlive_a_killed_build(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen([*QINGDAN, "build", str(CITY), "--out", str(out), "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path)
    mkdocs: list[tuple[int, str]] = []
    try:
        deadline = time.monotonic() + 120
        while not mkdocs and time.monotonic() < deadline and proc.poll() is None:
            mkdocs = [(pid, _cmdline(pid)) for pid in _children(proc.pid) if "mkdocs" in _cmdline(pid)]
            time.sleep(0.02)
        assert mkdocs, "the build never started mkdocs"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 2
        while any(_running(pid, cmd) for pid, cmd in mkdocs) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = [pid for pid, cmd in mkdocs if _running(pid, cmd)]
        assert not left, "mkdocs kept running after qingdan was killed"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid, cmd in mkdocs:
            if _running(pid, cmd):
                os.kill(pid, signal.SIGKILL)
    # what the kill left (a temporary directory beside the output) is removed by the next run
    assert any(p.name.startswith(".out.tmp-") for p in tmp_path.iterdir())
    r = subprocess.run([*QINGDAN, "build", str(FIXTURE), "--out", str(out), "-q", "--no-site"],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# ---------------------------------------------------------------- 4. templates cannot run code
def _project_with_template(tmp_path: Path, name: str, text: str) -> Path:
    project = copy_project(FIXTURE, tmp_path / "proj")
    (project / "templates").mkdir()
    (project / "templates" / name).write_text(text, encoding="utf-8")
    toml = (project / "qingdan.toml").read_text(encoding="utf-8")
    (project / "qingdan.toml").write_text(toml + 'templates = "templates"\n', encoding="utf-8")
    return project


ESCAPES = [
    "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}",
    "{{ joiner.__init__.__globals__.os.system('touch PWNED') }}",
    "{{ namespace.__init__.__globals__.os.system('touch PWNED') }}",
    "{{ lipsum.__globals__['os'].popen('touch PWNED').read() }}",
    "{{ self.__init__.__globals__.__builtins__.__import__('os').system('touch PWNED') }}",
    "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.system('touch PWNED') }}",
    "{% for c in ''.__class__.__mro__[1].__subclasses__() %}{% if c.__name__ == 'Popen' %}"
    "{{ c(['touch', 'PWNED']) }}{% endif %}{% endfor %}",
    "{% for c in (''|attr('__class__')|attr('__mro__'))[1]|attr('__subclasses__')() %}{% if c.__name__ == 'Popen' %}"
    "{{ c(['touch', 'PWNED']) }}{% endif %}{% endfor %}",
    "{{ '{0.__class__.__mro__[1].__subclasses__}'.format(matter) }}",
    "{{ matter.materials.append(1) }}{{ matter.__class__ }}",
]


@pytest.mark.parametrize("payload", ESCAPES, ids=range(len(ESCAPES)))
def test_a_project_template_cannot_run_code(tmp_path, monkeypatch, payload):
    project = _project_with_template(tmp_path, "matter_guide.md.j2", payload + "\n")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    r = run_cli("build", "--no-site", project, "--out", out)
    assert not list(tmp_path.rglob("PWNED")), "the template ran a command"
    assert "Traceback" not in r.err and "internal error" not in r.err
    assert r.code == 1, r.output
    assert "matter_guide.md.j2" in r.err and "模板" in r.err
    assert not out.exists()
    # the site renders the guides again, with the same templates
    r = run_cli("site", project, "--out", tmp_path / "site")
    assert not list(tmp_path.rglob("PWNED")), "the template ran a command in the site"
    assert r.code == 1 and "matter_guide.md.j2" in r.err and "Traceback" not in r.err and "internal error" not in r.err


def test_a_sandbox_violation_is_explained_in_both_languages(tmp_path):
    project = _project_with_template(tmp_path, "matter_guide.md.j2", "第一行\n{{ cycler.__init__.__globals__ }}\n")
    zh = run_cli("build", "--no-site", project, "--out", tmp_path / "out")
    en = run_cli("build", "--no-site", project, "--out", tmp_path / "out", "--lang", "en")
    assert zh.code == en.code == 1
    assert "matter_guide.md.j2:2" in zh.err and "沙箱" in zh.err
    assert "matter_guide.md.j2:2" in en.err and "sandbox" in en.err
    site = run_cli("site", project, "--out", tmp_path / "site")
    assert site.code == 1 and "matter_guide.md.j2:2" in site.err and "沙箱" in site.err


def test_a_python_error_in_a_project_template_is_a_template_error(tmp_path):
    project = _project_with_template(tmp_path, "matter_guide.md.j2", "{{ matter.name }}\n{{ 1 // 0 }}\n")
    r = run_cli("build", "--no-site", project, "--out", tmp_path / "out", "--lang", "en")
    assert r.code == 1 and "internal error" not in r.err and "Traceback" not in r.err
    assert "matter_guide.md.j2:2" in r.err and "ZeroDivisionError" in r.err


def test_a_project_template_cannot_include_a_file_outside_its_directory(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-KEY", encoding="utf-8")
    project = _project_with_template(tmp_path, "matter_guide.md.j2", "{% include 'leak.j2' %}\n")
    (project / "templates" / "leak.j2").symlink_to(secret)
    out = tmp_path / "out"
    r = run_cli("build", "--no-site", project, "--out", out)
    assert r.code == 1 and "leak.j2" in r.err and "Traceback" not in r.err
    assert not out.exists()
    (project / "templates" / "matter_guide.md.j2").unlink()
    (project / "templates" / "matter_guide.md.j2").symlink_to(secret)  # a symlinked override is not used either
    r = run_cli("build", "--no-site", project, "--out", out)
    assert r.code == 1 and "matter_guide.md.j2" in r.err
    assert not out.exists() or "TOP-SECRET-KEY" not in "".join(p.read_text("utf-8", "replace") for p in out.rglob("*.md"))


def test_project_templates_still_escape_html_and_work_in_the_sandbox(tmp_path):
    project = write_project(tmp_path / "p", {"a.qd": '''部门 某局 "某市某局" { 层级: 市; 区划: "331100" }
法规 某法 "某法" { 条款 第一条 "第一条内容。" }
权力 某权 "某权力" { 编码: "331100-XK-0009"; 类别: 行政许可; 部门: 某局; 依据: 某法.第一条 }
责任 某责 { 权力: 某权; 受理: "受理"; 监管部门: 某局; 追责: "违法的" }
事项 x "<script>alert(1)</script>" {
  编码: "331100-XK-0009"; 权力: 某权; 部门: 某局; 依据: 某法.第一条; 收费: 免费; 到场: 0 次
  材料 甲 "甲证明"
  材料 乙 "乙证明"
  时限 { 法定: 5 工作日 }
}
'''})
    (project / "templates").mkdir()
    (project / "templates" / "matter_guide.html.j2").write_text(
        "<h1>{{ matter.name }}</h1>{% for m in matter.materials %}<li>{{ m.name|upper }}</li>{% endfor %}"
        "{{ matter.materials|map(attribute='name')|join('、') }}\n", encoding="utf-8")
    out = tmp_path / "out"
    r = run_cli("build", "--no-site", project, "--out", out, "--templates", project / "templates")
    assert r.code == 0, r.output
    html = (out / "guides" / "matters" / "331100-XK-0009.html").read_text(encoding="utf-8")
    assert html == "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1><li>甲证明</li><li>乙证明</li>甲证明、乙证明\n"


# ---------------------------------------------------------------- 5. no file named after a Windows device
@pytest.mark.parametrize("code", ["NUL", "nul", "Con", "PRN", "aux", "COM1", "com9", "COM0", "LPT1", "lpt0"])
def test_a_matter_coded_like_a_windows_device_gets_a_hashed_stem(code):
    from qingdan.compiler import model as m

    matter = m.Matter(id="x", name="某事项", code=code)
    stem = paths.matter_slug(matter)
    assert stem.startswith("m-") and not paths.windows_reserved(stem)


@pytest.mark.parametrize("name", ["NUL", "nul.txt", "NUL.schema.json", "con", "Prn.md", "AUX", "com1", "COM9.md", "LPT5.csv",
                                  "COM¹", "lpt².md", "COM³", "com0", "LPT0.json", "nul "])
def test_windows_device_names_are_recognised(name):
    assert paths.windows_reserved(name)


@pytest.mark.parametrize("name", ["NULL", "CONSOLE", "COM10", "LPT", "m-NUL", "j-CON", "d-aux", "AUX1", "null.md", "com"])
def test_other_names_are_not_devices(name):
    assert not paths.windows_reserved(name)


def test_the_build_writes_no_file_named_after_a_device(tmp_path):
    project = write_project(tmp_path / "p", {"a.qd": '''部门 某局 "某市某局" { 层级: 市; 区划: "331100" }
法规 某法 "某法" { 条款 第一条 "第一条内容。" }
权力 某权 "某权力" { 编码: "331100-XK-0009"; 类别: 行政许可; 部门: 某局; 依据: 某法.第一条 }
责任 某责 { 权力: 某权; 受理: "受理"; 监管部门: 某局; 追责: "违法的" }
事项 x "某事项" { 编码: "NUL"; 权力: 某权; 部门: 某局; 依据: 某法.第一条; 收费: 免费; 到场: 0 次; 时限 { 法定: 5 工作日 } }
事项 y "另一事项" { 编码: "com1"; 权力: 某权; 部门: 某局; 依据: 某法.第一条; 收费: 免费; 到场: 0 次; 时限 { 法定: 5 工作日 } }
'''}, toml='[project]\nname = "测试"\nlevel = "市"\n[checks]\ncode-pattern = "^[A-Za-z0-9]+$"\n')
    out = tmp_path / "out"
    r = run_cli("build", "--no-site", project, "--out", out)
    assert r.code == 0, r.output
    bad = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.name.split(".")[0].upper() in ("NUL", "COM1")]
    assert not bad
    assert not [p for p in out.rglob("*") if paths.windows_reserved(p.name)]
