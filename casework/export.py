"""Export of the monthly figures as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese) and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from casework.kpi import Figure

HEADER = ["月份", "案由", "指标", "指标代码", "分子", "分母", "数值", "目标", "是否达标", "分子口径", "分母口径"]


def rows(figures: Sequence[Figure]) -> list[list[object]]:
    out: list[list[object]] = []
    for f in figures:
        d = f.definition
        v = f.value
        if d.denominator is None:
            value: object = f.numerator
        else:
            value = "" if v is None else round(v, 4)
        meets = f.meets_target
        out.append(
            [
                f.month,
                f.cause,
                d.label,
                d.key,
                f.numerator,
                "" if f.denominator is None else f.denominator,
                value,
                "" if d.target is None else d.target,
                "" if meets is None else ("是" if meets else "否"),
                d.numerator,
                d.denominator or "",
            ]
        )
    return out


def to_csv(figures: Sequence[Figure]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER)
    writer.writerows(rows(figures))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(figures: Sequence[Figure]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook always has one sheet
    ws.title = "月度指标"
    ws.append(HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows(figures):
        ws.append(row)
    for col, width in zip("ABCDEFGHIJK", (10, 18, 26, 20, 8, 8, 10, 8, 8, 36, 36), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
