"""A value shown down merged cells is read in their first row only: said, never guessed.

A desk merges cells down a column to write a value once for several rows: one special *Prezzo*
for three lines of a template, one *Listino* for a customer's templates, one *Nota*. Excel shows
the value on every row, but keeps it in the first cell alone, and every reader (calamine, Excel's
own `.Value`) gives the others as empty. A required column says so already (`required-value-
merged-cell`); an optional one read the empty cells as *no value*: the lines below the first were
priced from the list, silently, while the sheet showed the special price beside them.
"""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.basics.cells import Location, address
from toolkit.basics.problems import Problem, define
from toolkit.intake.validation.columns import is_empty
from toolkit.intake.validation.layout import Table

VALUE_IN_MERGED = define(
    "value-in-merged-cells", "error",
    it="La cella «{it}» qui è vuota per il toolkit: fa parte delle celle unite {merged}, che mostrano «{value}» "
       "in ogni riga ma lo tengono solo nella prima ({first}). Separa le celle e scrivi il valore in ciascuna riga "
       "a cui vale (lascia vuote le altre).",
    en="Cell “{en}” is empty here to the toolkit: it is part of the merged cells {merged}, which show “{value}” "
       "on every row but keep it in the first only ({first}). Unmerge them and type the value on each row it "
       "applies to (leave the others empty).",
    title=("Valore in celle unite letto solo nella prima riga", "Value in merged cells read in the first row only"))


def values_in_merged_cells(tables: dict[str, Table], workbook: str) -> list[Problem]:
    """A problem at the second row of each merge down an optional column the sheet's data uses,
    when its first cell holds a value."""
    return [p for table in tables.values() if table.raw.merged and not table.spec.key_value
            for p in _in_table(table, workbook)]


def _in_table(table: Table, workbook: str) -> Iterator[Problem]:
    raw = table.raw
    fields = {col: key for key, col in table.columns.items()}
    columns = {c.key: c for c in table.spec.columns}
    header_row = raw.first_row + table.header_index
    for (top, left), (bottom, _) in raw.merged:
        row, col = top + 1, left + 1
        column = columns.get(fields.get(col, ""))
        if bottom == top or row <= header_row or column is None or column.required:
            continue
        cells = raw.rows[row - raw.first_row] if 0 <= row - raw.first_row < len(raw.rows) else ()
        value = cells[col - raw.first_col] if 0 <= col - raw.first_col < len(cells) else None
        below = next((r for r in range(row + 1, bottom + 2) if _holds_data(table, r)), None)
        if is_empty(value) or below is None:
            continue
        yield VALUE_IN_MERGED(Location(raw.name, address(below, col), workbook), it=column.it, en=column.en,
                              merged=f"{address(row, col)}:{address(bottom + 1, col)}", value=value,
                              first=address(row, col))


def _holds_data(table: Table, row: int) -> bool:
    """Whether the sheet's row holds a value in a column the sheet reads: a merge reaching down
    over an empty spacer row alone puts no row of data without its value."""
    raw = table.raw
    i = row - raw.first_row
    cells = raw.rows[i] if 0 <= i < len(raw.rows) else ()
    return any(0 <= c - raw.first_col < len(cells) and not is_empty(cells[c - raw.first_col])
               for c in table.columns.values())
