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
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

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
