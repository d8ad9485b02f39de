"""Every input the fuzz campaign (benchmarks/fuzz.py) found crashing, replayed through the same harness.

The inputs are kept as found, under tests/fixtures/fuzz/TARGET/<sha1>.bin; each must now pass
the target's checks (no exception, no broken invariant).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import fuzz  # noqa: E402

FOUND = sorted((REPO / "tests" / "fixtures" / "fuzz").glob("*/*.bin"))


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    return fuzz.Harness(tmp_path_factory.mktemp("fuzz"))


@pytest.mark.parametrize("path", FOUND, ids=lambda p: f"{p.parent.name}/{p.stem[:12]}")
def test_a_crash_the_fuzzer_found_stays_fixed(harness, path):
    assert path.parent.name in fuzz.TARGETS
    harness.run(path.parent.name, path.read_bytes())


def test_the_fuzzer_found_inputs_to_replay():
    assert FOUND, "the fuzz campaign's crashing inputs are kept here"
