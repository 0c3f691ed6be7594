"""A cell of the master showing a formula's error (#N/A, #DIV/0!, …) is a problem at its cell.

The reader gives such a cell as empty (`sources.RawSheet.errors`): read so, a Fido `=NA()`
became "no credit limit" and a price override `=1/0` "the list price", while the check said
nothing, and a required cell was told to be filled in while it showed #N/A. Its value is
unknown, so the master is not usable until the formula is corrected.
"""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.basics.cells import Location, address
from toolkit.basics.problems import Problem, define
from toolkit.intake.error_cells import uncomputed
from toolkit.intake.validation.layout import SETTINGS_COLUMNS, Table
from toolkit.model.sheets import Column

ERROR_VALUE = define(
    "cell-error-value", "error",
    it="La cella «{it}» mostra {shown}, l'errore di una formula, non un valore: correggi la formula "
       "(o scrivi il valore) e salva di nuovo il file.",
    en="Cell “{en}” shows {shown}, a formula's error, not a value: correct the formula (or type the value) "
       "and save the file again.")
NOT_COMPUTED = define(
    "cell-formula-not-computed", "error",
    it="La cella «{it}» ha la formula {shown} ma non il suo valore: il file è stato salvato da un programma che non "
       "calcola le formule. Aprilo in Excel o LibreOffice e salvalo, oppure scrivi il valore nella cella.",
    en="Cell “{en}” holds the formula {shown} but not its value: the file was saved by a program that does not "
       "compute formulas. Open it in Excel or LibreOffice and save it, or type the value in the cell.")


def error_value(where: Location, *, it: str, en: str, shown: str) -> Problem:
    """The problem of a cell whose value is not known: an error it shows (#N/A), or a formula
    saved with no value (`error_cells.uncomputed`), which was read as empty as silently."""
    return (NOT_COMPUTED if uncomputed(shown) else ERROR_VALUE)(where, it=it, en=en, shown=shown)


def at_error_cells(tables: dict[str, Table], workbook: str, problems: list[Problem]) -> list[Problem]:
    """The problems, each error cell in a column the tables read told as such: a problem found
    at that cell from its reading as empty (*Manca «Articolo»*) is dropped, as it was not."""
    found = [p for table in tables.values() for p in _in_table(table, workbook)]
    if not found:
        return problems
    cells = {(p.sheet, p.cell) for p in found}
    return [p for p in problems if (p.sheet, p.cell) not in cells] + found


def _in_table(table: Table, workbook: str) -> Iterator[Problem]:
    if not table.raw.errors:
        return
    fields = {col: key for key, col in table.columns.items()}
    header_row = table.raw.first_row + table.header_index
    spec = {c.key: c for c in (SETTINGS_COLUMNS if table.spec.key_value else table.spec).columns}
    for row, col, shown in table.raw.errors:
        column = spec.get(fields.get(col, ""))
        if column is not None and row > header_row:
            named = _setting(table, row) if column.key == "value" and table.spec.key_value else None
            yield error_value(Location(table.name, address(row, col), workbook), it=(named or column).it,
                              en=(named or column).en, shown=shown)


def _setting(table: Table, row: int) -> Column | None:
    """The setting a settings row is about (*Aliquota IVA predefinita*), named by its value's
    message rather than *Valore*."""
    cells = table.raw.rows[row - table.raw.first_row] if row - table.raw.first_row < len(table.raw.rows) else ()
    at = table.columns.get("setting", 0) - table.raw.first_col
    label = cells[at] if 0 <= at < len(cells) else None
    return table.spec.match_column(label) if isinstance(label, str) else None
