"""One column of cells to typed values, each distinct value converted once.

A large sheet repeats a few values down a column (units, frequencies, dates, prices of the
same item): converting each distinct value once and mapping the column through the result
costs a dictionary lookup per cell instead of a conversion. A cell that fails is converted again
on its own, so that its message shows its own value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from toolkit.basics.problems import ProblemType, define
from toolkit.model.sheets import Column
from toolkit.intake.validation.convert import Invalid, as_text, is_empty

REQUIRED_VALUE = define(
    "required-value", "error",
    it="Manca «{it}»: è obbligatorio, compila la cella.",
    en="“{en}” is missing: it is required, fill in the cell.")

Mistake = tuple[ProblemType, dict[str, Any]]
_FAILED = object()
"""A cell that did not convert; equal to nothing but itself, so `_FAILED in values` finds it."""
_NUMBERS = frozenset({int, float, bool})
_PLAIN = frozenset({str, type(None), date, *_NUMBERS})


def read_column(column: Column, convert: Callable[[Any], Any], cells: Sequence[Any],
                empty: Any) -> tuple[list[Any], dict[int, Mistake]]:
    """Each cell's typed value (`empty` for a blank optional cell) and the mistakes by index."""
    kinds = set(map(type, cells))
    if convert is as_text and kinds <= {str}:
        return _texts(column, cells, empty)
    keys = cells if _plain(kinds, cells) else [cell if cell.__class__ is str else _key(cell) for cell in cells]
    typed = {key: _convert(column, convert, cell, empty) for key, cell in dict(zip(keys, cells)).items()}
    values = list(map(typed.__getitem__, keys))
    mistakes: dict[int, Mistake] = {}
    if _FAILED in typed.values():
        for i, value in enumerate(values):
            if value is _FAILED:
                mistakes[i] = _mistake(column, convert, cells[i])
                values[i] = None
    return values, mistakes


def _texts(column: Column, cells: Sequence[str], empty: Any) -> tuple[list[Any], dict[int, Mistake]]:
    """A text column of text cells, the usual one: stripping is all its conversion."""
    values: list[Any] = list(map(str.strip, cells))
    mistakes: dict[int, Mistake] = {}
    if "" in values:
        for i, value in enumerate(values):
            if not value:
                if column.required:
                    mistakes[i] = _required(column)
                values[i] = None if column.required else empty
    return values, mistakes


def _plain(kinds: set[type], cells: Sequence[Any]) -> bool:
    """Whether the cells are their own keys: of plain types, at most one of them a number type,
    no zero among floats. The usual column, typed by the reader, takes this way."""
    return kinds <= _PLAIN and len(kinds & _NUMBERS) <= 1 and not (float in kinds and 0.0 in cells)


def _key(cell: Any) -> Any:
    """Equal keys only for cells that convert alike: same type and value where equal means
    identical (so `1` apart from `1.0` and `True`, and `-0.0`, `NaN`, `Decimal('1.0')` or an
    aware datetime each on its own)."""
    kind = cell.__class__
    if kind in _PLAIN or (kind is datetime and cell.tzinfo is None):
        if kind is not float or cell:
            return kind, cell
    return id(cell)


def _convert(column: Column, convert: Callable[[Any], Any], cell: Any, empty: Any) -> Any:
    if is_empty(cell):
        return _FAILED if column.required else empty
    try:
        return convert(cell)
    except Invalid:
        return _FAILED


def _mistake(column: Column, convert: Callable[[Any], Any], cell: Any) -> Mistake:
    if is_empty(cell):
        return _required(column)
    try:
        convert(cell)
    except Invalid as bad:
        return bad.kind, bad.params
    raise AssertionError("a conversion failed once and not twice")


def _required(column: Column) -> Mistake:
    return REQUIRED_VALUE, {"it": column.it, "en": column.en}
