"""Write the three lists as CSV (UTF-8 with BOM, for Excel), XLSX (openpyxl) and JSON.

XLSX files are zip archives with timestamps inside; they are rewritten with fixed
timestamps (the catalog date, else 2000-01-01) so two builds are byte-identical.

Catalog text never becomes a spreadsheet formula. A CSV cell that begins with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return, which spreadsheet programs would run as
a formula (``=HYPERLINK(…)``), gets a single quote before it (``cells.csv_text``, the
OWASP advice); every XLSX cell is stored as a string (or, for 序号, a number), never a
formula. JSON keeps the text exactly as written. A reader of the CSV lists gets the
text back with ``cells.csv_plain``.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..compiler import Catalog
from . import columns as c
from .cells import csv_text
from .tables import ROWS, Row

Write = Callable[[str, str | bytes], None]  # write(relative_path, text_or_bytes)

LIST_FORMAT = "1.1"  # 1.1: as_of
_FIXED = datetime(2000, 1, 1)


def list_csv(columns: Sequence[str], rows: list[Row]) -> str:
    """A list as CSV (UTF-8 with BOM, CRLF), the way Excel opens it; no cell is a formula."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([csv_text(col) for col in columns])
    for r in rows:
        w.writerow([csv_text(r.get(col, "")) for col in columns])
    return "\ufeff" + buf.getvalue()


def list_json(kind: str, title: str, columns: Sequence[str], rows: list[Row], version: str, date: str | None,
              as_of: str | None = None) -> str:
    """A list as JSON: its columns and rows, with the catalog version, date and as-of date (the day whose rules
    in force it lists; None when no date selects them)."""
    doc = {
        "format": "qingdan-list",
        "format_version": LIST_FORMAT,
        "list": kind,
        "title": title,
        "catalog_version": version,
        "date": date,
        "as_of": as_of,
        "columns": list(columns),
        "rows": rows,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _stamp(date: str | None) -> datetime:
    try:
        return datetime.fromisoformat(date) if date else _FIXED
    except ValueError:
        return _FIXED


def _append_text_row(ws: Worksheet, values: Sequence[str | int]) -> None:
    """Append a row whose strings stay strings: openpyxl would store text starting with ``=`` as a formula."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def list_xlsx(title: str, columns: Sequence[str], rows: list[Row], date: str | None = None, as_of: str | None = None) -> bytes:
    """A one-sheet workbook, header in bold and frozen, deterministic to the byte; every cell
    is text (序号 a number), never a formula. The as-of date is in the document properties."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    _append_text_row(ws, list(columns))
    for r in rows:
        _append_text_row(ws, [int(r[col]) if col == c.NO and r.get(col, "").isdigit() else r.get(col, "") for col in columns])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F2F2F2")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for i, col in enumerate(columns, 1):
        longest = max([len(col)] + [len(str(r.get(col, ""))) for r in rows[:200]])
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(6, longest * 2 + 2))
    ws.freeze_panes = "A2"
    stamp = _stamp(date)
    wb.properties.creator = "qingdan"
    if as_of:
        wb.properties.description = f"按 {as_of} 现行有效的规定编制 / rules in force on {as_of}"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return _normalize_zip(raw.getvalue(), stamp)


def _normalize_zip(data: bytes, stamp: datetime) -> bytes:
    """Rewrite a zip archive with fixed entry timestamps and attributes."""
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=date_time)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_lists(catalog: Catalog, write: Write, version: str, date: str | None) -> None:
    """Write ``lists/<stem>.csv|xlsx|json`` for the power, responsibility and negative lists."""
    as_of = catalog.as_of.isoformat() if catalog.as_of else None
    for kind, (title, columns) in c.LISTS.items():
        rows = ROWS[kind](catalog)
        stem = f"lists/{c.FILE_STEMS[kind]}"
        write(f"{stem}.csv", list_csv(columns, rows))
        write(f"{stem}.xlsx", list_xlsx(title, columns, rows, date, as_of))
        write(f"{stem}.json", list_json(kind, title, columns, rows, version, date, as_of))
