"""What goes into a live cell: text stays text, formulas are only the ones we build.

Writing `range.value = "..."` in Excel is like typing: `=...`, `+...`, `-...` and `@...` become
formulas, `001` becomes 1 and `1/2` a date. Text from user data (a customer called
`=HYPERLINK(...)`, a sheet called `2026`) must arrive as typed, so every string is written with
Excel's text prefix, the apostrophe, which Excel stores as a flag and never shows. The only
formulas written are `Formula` values, which this package builds itself.

>>> cell_value("=1+1"), cell_value("Errore"), cell_value(12), cell_value(None)
("'=1+1", "'Errore", 12, None)
>>> hyperlink("'Righe modello'!C2", "C2").text
'=HYPERLINK("#\\'Righe modello\\'!C2","C2")'
>>> list(batches(["C3", "D7", "C3", "E9"]))
['C3,D7,E9']
>>> column_formats({1: DATE, 8: CURRENCY, 12: CURRENCY}, 4)
[('dd/mm/yyyy', 'B2:B4'), ('#,##0.00 "€"', 'I2:I4,M2:M4')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from toolkit.basics.cells import column_letter

DATE = "dd/mm/yyyy"
CURRENCY = '#,##0.00 "€"'
"""Amounts in euro: Excel shows `1.234,50 €` on an Italian system, `1,234.50 €` on an English one."""
QUANTITY = "General"
"""As the master sheets show quantities: `12`, `2,5`, with no trailing zeros."""
INTEGER = "0"

ADDRESS_LIMIT = 255
"""Excel refuses a range address longer than 255 characters (`Range("C3,D7,...")`)."""


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula this package wrote (never user text): written as is."""

    text: str


def hyperlink(reference: str, label: str) -> Formula:
    """A link to a cell of the same book: `reference` as `Location.reference()` gives it."""
    return Formula(f'=HYPERLINK("{_quote("#" + reference)}","{_quote(label)}")')


def _quote(text: str) -> str:
    return text.replace('"', '""')


def cell_value(value: Any) -> Any:
    """The value to hand to Excel for `value`: text prefixed, numbers and dates as they are."""
    if isinstance(value, Formula):
        return value.text
    if value is None or value == "":
        return None
    if isinstance(value, bool | int | float | date):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return "'" + str(value)


def batches(cells: Iterable[str], limit: int = ADDRESS_LIMIT) -> Iterator[str]:
    """Union addresses (`"C3,D7,E9"`) covering `cells` once each, none longer than `limit`."""
    seen: set[str] = set()
    current: list[str] = []
    length = 0
    for cell in cells:
        if cell in seen:
            continue
        seen.add(cell)
        extra = len(cell) + (1 if current else 0)
        if current and length + extra > limit:
            yield ",".join(current)
            current, length, extra = [], 0, len(cell)
        current.append(cell)
        length += extra
    if current:
        yield ",".join(current)


def column_formats(formats: Mapping[int, str], rows: int) -> list[tuple[str, str]]:
    """(format, union address) pairs covering rows 2..`rows` of each formatted column: one
    round trip per distinct format, whatever the number of rows and columns."""
    by_code: dict[str, list[str]] = {}
    for index, code in sorted(formats.items()):
        letter = column_letter(index + 1)
        by_code.setdefault(code, []).append(f"{letter}2:{letter}{rows}")
    return [(code, address) for code, columns in by_code.items() for address in batches(columns)]
