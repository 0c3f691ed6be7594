"""`reshape._feed` as it was before number and empty cells were taken without a call of the
column's converter: the oracle `tests/test_reshape_feed.py` holds the faster loop to."""

from __future__ import annotations

from typing import Any

from toolkit.basics.cells import Location, column_letter
from toolkit.intake.mapping import Mapping
from toolkit.intake.reshape import Fed, _converter, _header, heading_row
from toolkit.intake.sources import RawSheet
from toolkit.model.sheets import Sheet


def _feed(workbook: str, raw: RawSheet, sheet: Sheet, mapping: Mapping) -> Fed:
    spec = mapping.for_sheet(sheet.key)
    index, found = _header(sheet, raw.rows, spec)
    header = heading_row(raw.rows, index) if index < len(raw.rows) else []
    kinds = {c.key: c.kind for c in sheet.columns}
    converters = [(j, key, _converter(kinds[key], {**mapping.values, **(spec.values.get(key, {}) if spec else {})}))
                  for j, key in sorted(found.items())]
    fixed = spec.fixed if spec else {}
    letters = column_letter(raw.first_col + (min(found) if found else 0))
    rows: list[tuple[dict[str, Any], Location]] = []
    for i in range(index + 1, len(raw.rows)):
        row = raw.rows[i]
        width = len(row)
        values: dict[str, Any] = {}
        for j, key, convert in converters:
            if j < width:
                value = convert(row[j])
                if value is not None:
                    values[key] = value
        if not values:
            continue
        for key, value in fixed.items():
            values.setdefault(key, value)
        rows.append((values, Location(raw.name, f"{letters}{raw.first_row + i}", workbook)))
    columns = {str(header[j]).strip(): key for j, key in sorted(found.items())}
    unmatched = tuple(str(v).strip() for j, v in enumerate(header)
                      if j not in found and isinstance(v, str) and v.strip())
    return Fed(raw.name, sheet.key, columns, unmatched, rows)
