"""Spelling helpers shared by every layer: the closest known word to a misspelt one.

Here, at the bottom of the layers, so that the parser (a misspelt unit after a number)
and the compiler (misspelt keys, names and rule codes) suggest words the same way.
``compiler.diagnostics`` re-exports both functions.
"""

from __future__ import annotations

from collections.abc import Iterable


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, stopping early above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate by edit distance, if close enough to be a likely typo."""
    best, best_d = None, None
    limit = max(1, min(3, len(word) // 2))
    for cand in sorted(set(candidates)):
        d = edit_distance(word, cand, limit)
        if d <= limit and (best_d is None or d < best_d):
            best, best_d = cand, d
    return best
