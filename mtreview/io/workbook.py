"""Excel workbooks (.xlsx, one sheet per table) and CSV text that Japanese Excel opens correctly.

``xlsx(tables) -> bytes`` writes ``{sheet name: list of row dicts}`` with openpyxl: a bold,
frozen header row, an autofilter, columns sized to their content (capped), lists and dicts as
JSON text, and text starting with ``=`` stored as text, never as a formula.
``csv_text(rows, bom=True)`` is CSV with an optional UTF-8 byte-order mark (Excel in a
Japanese locale reads a BOM-less UTF-8 CSV as Shift_JIS and garbles it).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import Any

from .output import dumps, xml_text

MAX_WIDTH = 60
_EPOCH = dt.datetime(2000, 1, 1)


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (list, tuple, dict)):
        value = dumps(value)
    return xml_text(str(value))  # a control character in a cell: openpyxl refuses the whole workbook


def _columns(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    cols: dict[str, None] = {}
    for r in rows:
        cols.update(dict.fromkeys(r))
    return list(cols)


def xlsx(tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> bytes:
    """An .xlsx workbook with one sheet per table (sheet names cut to Excel's 31 characters)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in tables.items():
        ws = wb.create_sheet(title=name[:31])
        cols = _columns(rows)
        ws.append(cols)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows:
            ws.append([_cell(r.get(c)) for c in cols])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, not a formula
        ws.freeze_panes = "A2"
        if cols:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(rows) + 1}"
        for i, c in enumerate(cols, 1):
            width = max([len(str(c)), *(len(str(r.get(c) or "")) for r in rows[:200])])
            ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, width + 2)
    wb.properties.created = wb.properties.modified = _EPOCH
    wb.properties.creator = "mtreview"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_text(rows: Sequence[Mapping[str, Any]], bom: bool = False, columns: Sequence[str] | None = None) -> str:
    """CSV of row dicts (lists/dicts as JSON), with a UTF-8 BOM first when ``bom``."""
    buf = io.StringIO()
    cols = list(columns) if columns is not None else _columns(rows)
    writer = csv.DictWriter(buf, fieldnames=cols, lineterminator="\r\n" if bom else "\n", extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow({c: "" if r.get(c) is None else
                         dumps(r[c]) if isinstance(r.get(c), (list, dict))
                         else r[c] for c in cols})
    return ("\ufeff" if bom else "") + buf.getvalue()
