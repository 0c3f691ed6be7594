"""A heading field of an order form found as `toolkit.intake.reshape` found it before it indexed
the sheet's labels once: every cell of the first forty rows, row by row, normalized and compared
with the field's labels. The reference `_field` is compared with."""

from __future__ import annotations

from typing import Any

from toolkit.basics.vocab import normalize
from toolkit.intake.mapping import is_cell
from toolkit.intake.sources import RawSheet


def field_by_scan(sheet: RawSheet, names: tuple[str, ...]) -> tuple[Any, tuple[int, int]] | None:
    """A heading field's value: at its cell address, or right of (else below) its label."""
    for name in names:
        if is_cell(name):
            from toolkit.basics.cells import column_index

            letters = "".join(ch for ch in name.upper() if ch.isalpha())
            r, c = int(name[len(letters):]) - sheet.first_row, column_index(letters) - sheet.first_col
            value = sheet.rows[r][c] if 0 <= r < len(sheet.rows) and 0 <= c < len(sheet.rows[r]) else None
            return value, (r, c)
    labels = {normalize(n).rstrip(":") for n in names}
    for r, row in enumerate(sheet.rows[:40]):
        for c, v in enumerate(row):
            if isinstance(v, str) and normalize(v).rstrip(":") in labels:
                for cc in range(c + 1, len(row)):
                    if row[cc] not in (None, ""):
                        return row[cc], (r, cc)
                return None, (r, c)
    return None
