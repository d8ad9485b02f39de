"""Spreadsheet cells that stay text: CSV cells that no spreadsheet program runs as a formula.

A spreadsheet program reads a CSV cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return as a formula (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``). ``csv_text``
puts a single quote before such text (the OWASP advice on CSV injection); ``csv_plain``
is its inverse, for readers of the CSV files qingdan writes (the lists, the decision
tables). Text that is already quotes followed by one of those characters gets one more
quote, so ``csv_plain(csv_text(t)) == t`` for every text.

No openpyxl here: the decision tables and the importers use this without loading it.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet read a cell as a formula


def csv_text(text: str) -> str:
    """A CSV cell that no spreadsheet program runs: ``'`` before text starting with ``= + - @``,
    tab or CR (and before text that is quotes and then one of those, so ``csv_plain`` is exact)."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def csv_plain(cell: str) -> str:
    """The text of a cell ``csv_text`` wrote: one leading ``'`` dropped where it added one."""
    return cell[1:] if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_STARTS) else cell
