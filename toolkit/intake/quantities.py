"""Reading a quantities file: which order lines to ship in part, and how much of each.

`toolkit ship --quantities FILE` takes a CSV or workbook with one row per order line to ship in
part: order number, item code (or line number), quantity — the columns found by their headings
in Italian or English, so a sheet exported from the order panel works as it is. Each row keeps
the cells of its order, item and quantity, so a problem names the cell to fix; a CSV's "sheet" is
its file name (`q.csv!A2`), the name the user knows it by.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from toolkit.basics.cell_text import cell_text
from toolkit.basics.cells import Location, address
from toolkit.basics.problems import Problem, UnusableInput, define
from toolkit.basics.vocab import normalize
from toolkit.core.shipping import ChosenRow
from toolkit.intake.tables import text_rows
from toolkit.intake.validation.error_values import error_value

QUANTITIES_HEADER = define(
    "quantities-bad-header", "error",
    it="Il file delle quantità non ha le colonne {missing}: servono Ordine, Articolo (o Riga) e Quantità "
       "nella prima riga.",
    en="The quantities file lacks the columns {missing}: it needs Order, Item (or Line) and Quantity in "
       "its first row.")
QUANTITIES_FILE_MISSING = define(
    "quantities-file-missing", "error",
    it="Il file delle quantità {path} non esiste: controlla il nome e la cartella.",
    en="The quantities file {path} does not exist: check its name and folder.")

_HEADINGS = {
    "order": ("ordine", "numero ordine", "n ordine", "order", "order number", "order no"),
    "item": ("articolo", "codice articolo", "item", "item code"),
    "line": ("riga", "numero riga", "n riga", "line", "line number", "line no"),
    "quantity": ("quantita", "quantita da spedire", "qta", "quantity", "quantity to ship", "qty"),
}

_LABELS = {"order": ("Ordine", "Order"), "item": ("Articolo", "Item"), "line": ("Riga", "Line"),
           "quantity": ("Quantità", "Quantity")}


def read_quantities(path: Path) -> tuple[list[ChosenRow], list[Problem]]:
    """The rows of a quantities file (CSV, or the first sheet of a workbook)."""
    path = Path(path)
    if path.suffix.lower() in (".csv", ".txt"):
        if not path.exists():
            raise UnusableInput(QUANTITIES_FILE_MISSING(None, path=path))
        return quantity_rows(path.name, path.name, text_rows(path))
    from toolkit.intake.sources import read_workbook

    raw = read_workbook(path)
    sheet = next((s for s in raw.sheets if any(any(v not in (None, "") for v in r) for r in s.rows)), None)
    if sheet is None:
        return [], [QUANTITIES_HEADER(Location(raw.sheets[0].name if raw.sheets else path.name, "A1", path.name),
                                      missing="Ordine, Articolo, Quantità")]
    return quantity_rows(path.name, sheet.name, sheet.rows, sheet.first_row, sheet.first_col, sheet.errors)


def quantity_rows(workbook: str, sheet: str, rows: Sequence[Sequence[Any]], first_row: int = 1,
                  first_col: int = 1, errors: Sequence[tuple[int, int, str]] = ()) -> tuple[list[ChosenRow],
                                                                                               list[Problem]]:
    """Rows of (order, item or line, quantity), each with the cells of its quantity, order and item.
    A cell whose value is not known (`errors`: #N/A, a formula saved with no value) is a problem
    at that cell, its row left out: read as empty, it was told «Quantità “” non valida»."""
    filled = [(i, row) for i, row in enumerate(rows) if any(v not in (None, "") for v in row)]
    if not filled:
        return [], [QUANTITIES_HEADER(Location(sheet, "A1", workbook), missing="Ordine, Articolo, Quantità")]
    head_index, head = filled[0]
    columns: dict[str, int] = {}
    for col, value in enumerate(head):
        key = normalize(str(value or ""))
        for field, words in _HEADINGS.items():
            if field not in columns and key in {normalize(w) for w in words}:
                columns[field] = col
    present = (("Ordine", "order" in columns), ("Articolo/Riga", "item" in columns or "line" in columns),
               ("Quantità", "quantity" in columns))
    missing = [name for name, ok in present if not ok]
    if missing:
        where = Location(sheet, address(first_row + head_index, first_col), workbook)
        return [], [QUANTITIES_HEADER(where, missing=", ".join(missing))]
    read = {first_col + j: field for field, j in columns.items()}
    problems = [error_value(Location(sheet, address(row, col), workbook), it=_LABELS[read[col]][0],
                            en=_LABELS[read[col]][1], shown=text)
                for row, col, text in sorted(errors) if row > first_row + head_index and col in read]
    erred = {row for row, col, _ in errors if col in read}
    chosen: list[ChosenRow] = []
    for i, row in filled[1:]:
        if first_row + i in erred:
            continue
        item, line = _cell(row, columns, "item"), _cell(row, columns, "line")
        which = item if item not in (None, "") else line
        def cell(field: str) -> Location:
            return Location(sheet, address(first_row + i, first_col + columns[field]), workbook)  # noqa: B023

        order = cell_text(_cell(row, columns, "order"))
        chosen.append(ChosenRow(order, cell_text(which),
                                _cell(row, columns, "quantity"), cell("quantity"), cell("order"),
                                cell("item" if item not in (None, "") or "line" not in columns else "line")))
    return chosen, problems


def _cell(row: Sequence[Any], columns: dict[str, int], field: str) -> Any:
    col = columns.get(field)
    return row[col] if col is not None and col < len(row) else None
