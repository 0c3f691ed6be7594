"""One column of cells to typed values, validated by pydantic, each distinct value once.

A large sheet repeats a few values down a column (units, frequencies, dates, prices of the
same item): validating each distinct value once, all of them in one call of the column's
`TypeAdapter`, and mapping the column through the result costs a dictionary lookup per cell
instead of a validation. A text column of text cells, the usual one, is read whole with the
builtin its cell type reads text with (`_stripped`): its values are mostly distinct and
stripping is all their reading. A cell that fails is
validated again on its own, so that its message shows its own value; the validator's error
becomes the problem whose code it carries (`toolkit.model.cells`).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from toolkit.basics.cells import address, column_index
from toolkit.basics.problems import Problem, ProblemType, define, problem_type
from toolkit.intake.sources import RawWorkbook
from toolkit.model.cells import Kind
from toolkit.model.sheets import Column

REQUIRED_VALUE = define(
    "required-value", "error",
    it="Manca «{it}»: è obbligatorio, compila la cella.",
    en="“{en}” is missing: it is required, fill in the cell.")

REQUIRED_IN_MERGED = define(
    "required-value-merged-cell", "error",
    it="Manca «{it}»: la cella fa parte delle celle unite {merged}, che tengono il valore solo nella prima: "
       "separa le celle e compila ciascuna.",
    en="“{en}” is missing: the cell is part of the merged cells {merged}, which keep the value in the first "
       "only: unmerge them and fill in each.")

Mistake = tuple[ProblemType, dict[str, Any]]
_FAILED = object()
"""A cell that did not validate; equal to nothing but itself, so `_FAILED in values` finds it."""
_NUMBERS = frozenset({int, float, bool})
_PLAIN = frozenset({str, type(None), date, *_NUMBERS})


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_column(column: Column, cells: Sequence[Any], empty: Any) -> tuple[list[Any], dict[int, Mistake]]:
    """Each cell's typed value (`empty` for a blank optional cell) and the mistakes by index: an
    error leaves its cell without a value, a warning (`Cell.warns`) gives it the value warned of."""
    if column.cell is not None and column.cell.read_str is str.strip and (stripped := _stripped(column, cells)) is not None:
        return _texts(column, stripped, empty)
    kinds = set(map(type, cells))
    keys, distinct = _distinct(kinds, cells)
    filled = [key for key, cell in distinct.items() if not is_empty(cell)]
    typed = dict(zip(filled, _validate(column, [distinct[key] for key in filled])))
    if column.kind is Kind.CODE:
        typed = {key: _shared(value) for key, value in typed.items()}
    warned = _warned(column, typed, distinct) if column.cell is not None and column.cell.warns is not None else {}
    if len(filled) < len(distinct):
        blank = _FAILED if column.required else empty
        typed.update((key, blank) for key in distinct.keys() - typed.keys())
    values = list(map(typed.__getitem__, keys))
    mistakes: dict[int, Mistake] = {}
    if _FAILED in typed.values():
        for i, value in enumerate(values):
            if value is _FAILED:
                mistakes[i] = _mistake(column, cells[i])
                values[i] = None
    if warned:
        for i, key in enumerate(keys):
            if key in warned:
                mistakes[i] = warned[key]
    return values, mistakes


def _warned(column: Column, typed: dict[Any, Any], distinct: dict[Any, Any]) -> dict[Any, Mistake]:
    """The distinct values the cell type warns of (`Cell.warns`: a price rounded to the ledger's
    six decimals, a fraction read as a percentage), made in `typed` the value taken, each with
    its warning: the record holds what the orders will, and the cell says so. Asked of the
    distinct values, not of every cell, and only of those read: a cell refused (-0,5 in
    *Sconto %*) keeps its error, which a warning must not take the place of."""
    assert column.cell is not None and column.cell.warns is not None
    warns = column.cell.warns
    warned: dict[Any, Mistake] = {}
    for key, value in typed.items():
        if value is not _FAILED and (taken := warns(distinct[key], value)) is not None:
            typed[key] = taken[0]
            warned[key] = taken[1:]
    return warned


def _mistake(column: Column, cell: Any) -> Mistake:
    """Why one cell does not validate, as the problem the data check reports."""
    if is_empty(cell):
        return _required(column)
    try:
        column.adapter.validate_python(cell)
    except ValidationError as bad:
        return _problem(bad)
    raise AssertionError("a cell failed in its column and not on its own")


def _stripped(column: Column, cells: Sequence[Any]) -> list[str] | None:
    """A text column of text cells read whole, or None when a cell is not text.

    The cell type reads a text cell with `str.strip` (`Cell.read_str`) and never refuses one,
    so the column is that builtin mapped over its cells in C: through the field's `TypeAdapter`
    pydantic's core would call it once per cell, after a call that tells text from the rest,
    and a second pass would have looked at each cell's type first. A code is also made the one
    string every sheet's cells of that code share (`_shared`), in the same pass. At L text
    columns are 1.5 million cells, and this reads them in about half the time."""
    try:
        if column.kind is Kind.CODE:
            return list(map(sys.intern, map(str.strip, cells)))
        return list(map(str.strip, cells))
    except TypeError:  # a cell that is not a str: the column goes the general way
        return None


def _texts(column: Column, values: list[Any], empty: Any) -> tuple[list[Any], dict[int, Mistake]]:
    """A text column of text cells, already read (`_stripped`): a blank cell is one that
    stripped to nothing."""
    mistakes: dict[int, Mistake] = {}
    if "" not in values:
        return values, mistakes
    if not column.required:
        return [value or empty for value in values], mistakes
    for i, value in enumerate(values):
        if not value:
            mistakes[i] = _required(column)
            values[i] = None
    return values, mistakes


def _validate(column: Column, cells: list[Any]) -> list[Any]:
    """The cells validated in one call; `_FAILED` for those that do not validate."""
    try:
        return column.adapter_many.validate_python(cells)
    except ValidationError as bad:
        failed = {error["loc"][0] for error in bad.errors(include_url=False)}
    good = [i for i in range(len(cells)) if i not in failed]
    values = [_FAILED] * len(cells)
    for i, value in zip(good, column.adapter_many.validate_python([cells[i] for i in good])):
        values[i] = value
    return values


def _shared(value: Any) -> Any:
    """A code as the one string object every sheet's cells of that code share (`sys.intern`).

    A code is written once per row that names it (an item in thousands of template lines and
    prices, a template in each of its lines): one object instead of one per cell saves about
    a hundred bytes a template line, and a lookup by code then finds its key by identity."""
    return sys.intern(value) if value.__class__ is str else value


def _problem(bad: ValidationError) -> Mistake:
    error = bad.errors(include_url=False)[0]
    return problem_type(error["type"]), dict(error.get("ctx") or {})


def _distinct(kinds: set[type], cells: Sequence[Any]) -> tuple[Sequence[Any], dict[Any, Any]]:
    """Each cell's key (`_key`) and each distinct key's cell.

    The cells are their own keys when of plain types, at most one of them a number type, and
    no zero among floats (-0.0 would be one key with 0.0): the usual column, typed by the
    reader. Whether a float is zero is asked of the distinct cells, one lookup, not of every
    cell: a column of prices mostly blank compared each text with 0.0 first."""
    if kinds <= _PLAIN and len(kinds & _NUMBERS) <= 1:
        distinct = dict(zip(cells, cells))
        if float not in kinds or 0.0 not in distinct:
            return cells, distinct
    keys = [cell if cell.__class__ is str else _key(cell) for cell in cells]
    return keys, dict(zip(keys, cells))


def _key(cell: Any) -> Any:
    """Equal keys only for cells that validate alike: same type and value where equal means
    identical (so `1` apart from `1.0` and `True`, and `-0.0`, `NaN`, `Decimal('1.0')` or an
    aware datetime each on its own)."""
    kind = cell.__class__
    if kind in _PLAIN or (kind is datetime and cell.tzinfo is None):
        if kind is not float or cell:
            return kind, cell
    return id(cell)


def _required(column: Column) -> Mistake:
    return REQUIRED_VALUE, {"it": column.it, "en": column.en}


def in_merged_cells(raw: RawWorkbook, problems: list[Problem]) -> list[Problem]:
    """A required value missing from a cell of a merged range says so (`Articoli!B4` of B3:B4):
    the cell looks filled on screen, and *Manca «Descrizione»* alone left the user puzzled."""
    merged = {sheet.name: sheet.merged for sheet in raw.sheets if sheet.merged}
    if not merged:
        return problems
    return [_merged_told(p, merged.get(p.sheet or "", ())) if p.code == REQUIRED_VALUE.code and p.cell else p
            for p in problems]


def _merged_told(problem: Problem, ranges: tuple[tuple[tuple[int, int], tuple[int, int]], ...]) -> Problem:
    found = re.fullmatch(r"([A-Z]+)(\d+)", problem.cell or "")
    if found is None:
        return problem
    row, col = int(found[2]) - 1, column_index(found[1]) - 1
    for (top, left), (bottom, right) in ranges:
        if top <= row <= bottom and left <= col <= right and (top, left) != (bottom, right):
            span = f"{address(top + 1, left + 1)}:{address(bottom + 1, right + 1)}"
            return REQUIRED_IN_MERGED(problem.location, **dict(problem.params), merged=span)
    return problem
