"""A table's data rows as `Table.data` picked them before it worked a column at a time: each
row's cells in the wanted columns picked as a tuple, the row kept when any of them is filled,
then the kept rows turned into columns."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress
from operator import itemgetter
from typing import Any

from toolkit.intake.validation.layout import Table


def data(table: Table, keys: Sequence[str]) -> tuple[list[int], list[tuple[Any, ...]]]:
    if not keys:
        return [], []
    first_col = table.raw.first_col
    offsets = [table.columns[k] - first_col for k in keys]
    rows = table.raw.rows[table.header_index + 1:]
    width = max(offsets) + 1
    if rows and min(map(len, rows)) < width:
        rows = [(*r, *(None,) * (width - len(r))) if len(r) < width else r for r in rows]
    pick = itemgetter(*offsets) if len(offsets) > 1 else lambda r: (r[offsets[0]],)
    picked = list(map(pick, rows))
    filled = list(map(_any_filled, picked))
    first = table.raw.first_row + table.header_index + 1
    numbers = list(compress(range(first, first + len(picked)), filled))
    kept = list(compress(picked, filled))
    return numbers, list(zip(*kept)) if kept else [() for _ in keys]


def _any_filled(cells: tuple[Any, ...]) -> bool:
    for v in cells:
        if v is not None and v != "" and (v.__class__ is not str or v.strip()):
            return True
    return False
