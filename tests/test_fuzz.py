"""Hostile input never produces a traceback: random bytes and mutated rule files."""

from pathlib import Path

from conftest import EXAMPLES, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FIXTURES = Path(__file__).parent / "fixtures"
TRICKY = list('{}:;,"“”「」()（）：，；、#[]->→\n \t') + ["且", "或", "非", "属于", "工作日", "事项", "\u3000", "\ufeff", "\x00", "\r"]


def corpus() -> list[str]:
    files = [FIXTURES / "sample.qd"]
    if EXAMPLES.exists():
        files += sorted(EXAMPLES.glob("*/*.qd"))[:12]
    return [f.read_text(encoding="utf-8") for f in files]


CORPUS = corpus()


def assert_clean_run(path: Path) -> None:
    for fmt in ("text", "json", "sarif"):
        r = run_cli("check", str(path), "--format", fmt)
        assert r.code in (0, 1, 2), r.output
        assert "Traceback" not in r.output and "internal error" not in r.output, r.output
        if r.code == 1 and fmt == "text":
            assert "a.qd:" in r.out  # a located diagnostic


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_random_bytes(tmp_path, data):
    (tmp_path / "a.qd").write_bytes(data)
    assert_clean_run(tmp_path)


@st.composite
def mutated(draw):
    text = draw(st.sampled_from(CORPUS))
    for _ in range(draw(st.integers(1, 6))):
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        op = draw(st.sampled_from(["insert", "delete", "replace", "duplicate", "truncate"]))
        if op == "insert":
            text = text[:i] + draw(st.sampled_from(TRICKY)) + text[i:]
        elif op == "delete":
            text = text[:i] + text[i + draw(st.integers(1, 20)) :]
        elif op == "replace":
            text = text[:i] + draw(st.sampled_from(TRICKY)) + text[i + 1 :]
        elif op == "duplicate":
            j = min(len(text), i + draw(st.integers(1, 200)))
            text = text[:j] + text[i:j] + text[j:]
        else:
            text = text[:i]
    return text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutated())
def test_mutated_rule_files(tmp_path, text):
    (tmp_path / "a.qd").write_text(text, encoding="utf-8", errors="surrogatepass")
    assert_clean_run(tmp_path)
