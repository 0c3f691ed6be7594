"""The columns of a CSV that hold text whatever their cells look like: codes, partite IVA,
postcodes, telephone numbers, descriptions.

A CSV holds only text, and its reader turns a cell into a number when it is one in the file's
convention (`tables.number`). In a column the format reads as text that turned a customer's code
`"12,50"` into 12.50 and an item code `1.234.567` into 1234567 once the file wrote its amounts
the Italian way, and a postcode `20100` into a number. The format knows which of its columns
hold text (`model.sheets`): a column headed by one of them (or by a heading the mapping gives
it, or by an order form's item or note heading) keeps its cells as written, below its heading.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from toolkit.basics.vocab import normalize
from toolkit.intake.mapping import NO_MAPPING, Mapping, format_sheets
from toolkit.model.cells import Kind

HEADING_ROWS = 40
"""The rows a heading row is looked for in: a master sheet's within its first 12, an order
form's lines below its heading fields within its first 40 (`reshape.LABEL_ROWS`)."""
NUMERIC = frozenset({Kind.MONEY, Kind.QUANTITY, Kind.PERCENT, Kind.INTEGER, Kind.DUE_DAY})
"""The kinds read as numbers (a day of the month, `15`, too); every other is text as typed: a
code, a partita IVA, a list of months `8,12` (read the Italian way, 8.12)."""
_FORM_TEXT = ("item", "note")
"""An order form's line fields that hold text (its quantity and price are numbers)."""


def text_columns(rows: Sequence[Sequence[Any]], mapping: Mapping = NO_MAPPING) -> tuple[int, frozenset[int]]:
    """The heading row (0-based) and the columns (0-based) below it whose cells stay text: those
    headed by a column of the format that is not a number, none of them a number column of
    another sheet (`Da`, a date here and a minimum there, is left as the file writes it). The
    heading row is the one of the first `HEADING_ROWS` naming the most columns of the format;
    (-1, nothing) when none names one.

    >>> text_columns([["Codice", "Ragione sociale", "Fido"], ["12,50", "Rossi", "1.000,00"]])
    (0, frozenset({0, 1}))
    >>> text_columns([["Cliente", "C001"], ["Articolo", "Quantità", "Prezzo"], ["1.234.567", "2", "3,50"]])
    (1, frozenset({0}))
    """
    names, short = _meanings(mapping)
    best, found = -1, dict[int, bool]()
    for i, row in enumerate(rows[:HEADING_ROWS]):
        here = {j: text for j, v in enumerate(row) if isinstance(v, str)
                and (text := names.get(n := normalize(v), short.get(n))) is not None}
        if len(here) > len(found):
            best, found = i, here
    return best, frozenset(j for j, text in found.items() if text)


def _meanings(mapping: Mapping) -> tuple[dict[str, bool], dict[str, bool]]:
    """Normalized heading → whether every column it names holds text, by name and by short heading."""
    return _format_meanings() if mapping is NO_MAPPING else _mapped_meanings(mapping)


@cache
def _format_meanings() -> tuple[dict[str, bool], dict[str, bool]]:
    return _mapped_meanings(NO_MAPPING)


def _mapped_meanings(mapping: Mapping) -> tuple[dict[str, bool], dict[str, bool]]:
    names: dict[str, set[bool]] = {}
    short: dict[str, set[bool]] = {}
    for sheet in format_sheets():
        spec = mapping.for_sheet(sheet.key)
        kinds = {c.key: c.kind for c in sheet.columns}
        for heading, column in sheet.headings.items():
            names.setdefault(heading, set()).add(column.kind not in NUMERIC)
        for heading, column in sheet.short_headings.items():
            short.setdefault(heading, set()).add(column.kind not in NUMERIC)
        for key, headings in (spec.columns.items() if spec is not None else ()):
            for heading in headings:
                names.setdefault(normalize(heading), set()).add(kinds[key] not in NUMERIC)
    for key, headings in mapping.orders.lines.items():
        for heading in headings:
            names.setdefault(normalize(heading), set()).add(key in _FORM_TEXT)
    return ({n: all(found) for n, found in names.items()}, {n: all(found) for n, found in short.items()})
