"""A desk's files copied for a test to work on: the master workbook and its SQLite ledger."""

from __future__ import annotations

import shutil
from pathlib import Path

WORKBOOK = "anagrafiche.xlsx"


def copied_desk(source: Path, target: Path) -> Path:
    """The workbook in `source` and the ledger beside it, copied into `target`; returns the
    copied workbook, so a command can change the ledger without touching the original."""
    for name in (WORKBOOK, f"{WORKBOOK}.ledger.sqlite"):
        shutil.copy(source / name, target / name)
    return target / WORKBOOK


def customer_cells(workbook: Path, code: str, values: dict[str, object]) -> dict[str, str]:
    """The customer `code`'s cells on *Clienti* of the saved workbook set by heading (`values`),
    as a desk types them between two commands; returns each heading's cell (`AC5`), which the
    problems about it name."""
    import openpyxl

    book = openpyxl.load_workbook(workbook)
    sheet = book["Clienti"]
    column = {cell.value: cell.column for cell in sheet[1]}
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == code)
    for heading, value in values.items():
        sheet.cell(row, column[heading], value)
    book.save(workbook)
    return {heading: sheet.cell(row, column[heading]).coordinate for heading in values}


def without_customer(workbook: Path, code: str) -> None:
    """The customer `code` taken off the master workbook as a desk would: its row on *Clienti*,
    its contacts, destinations and agents, its order templates with their lines and exceptions."""
    import openpyxl

    book = openpyxl.load_workbook(workbook)

    def drop(sheet: str, column: str, values: set[str]) -> set[str]:
        ws = book[sheet]
        at = [c.value for c in ws[1]].index(column) + 1
        gone = {ws.cell(r, 1).value for r in range(2, ws.max_row + 1) if ws.cell(r, at).value in values}
        for r in range(ws.max_row, 1, -1):
            if ws.cell(r, at).value in values:
                ws.delete_rows(r)
        return gone

    drop("Clienti", "Codice", {code})
    for sheet in ("Contatti", "Destinazioni", "Agenti clienti"):
        drop(sheet, "Cliente", {code})
    templates = drop("Modelli ordine", "Cliente", {code})
    for sheet in ("Righe modello", "Eccezioni"):
        drop(sheet, "Modello", templates)
    book.save(workbook)


def without_item(workbook: Path, code: str) -> None:
    """The item `code` taken off the master workbook as a desk would: its row on *Articoli*, and
    every row of another sheet that names it in a column headed *Articolo* (template lines,
    prices, rules)."""
    import openpyxl

    book = openpyxl.load_workbook(workbook)
    for ws in book.worksheets:
        heads = [c.value for c in ws[1]]
        column = "Codice" if ws.title == "Articoli" else "Articolo"
        if column not in heads:
            continue
        at = heads.index(column) + 1
        for r in range(ws.max_row, 1, -1):
            if ws.cell(r, at).value == code:
                ws.delete_rows(r)
    book.save(workbook)
