"""A cell's value as the text the desk typed: the one reader every text cell goes through.

Excel keeps every number as a float, so an order number, a reason, a CRO or a code typed as 12
reaches the program as 12.0, and `str` made it «12.0»: a DDT voided «because 12.0», an order
«41.0» that no order is. A whole number reads as typed; a date as the workbook prints it.

>>> cell_text(12.0), cell_text(41), cell_text("  OC-2026-00041 "), cell_text(2.5), cell_text(None)
('12', '41', 'OC-2026-00041', '2.5', '')
>>> from datetime import date
>>> cell_text(date(2026, 4, 9)), cell_text(1e20)
('09/04/2026', '100000000000000000000')
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any


def cell_text(value: Any) -> str:
    """`value`, as a cell reader hands it (calamine, openpyxl, xlwings, a CSV), as text: stripped,
    a whole number without its `.0`, a date dd/mm/yyyy, an empty cell ""."""
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()
