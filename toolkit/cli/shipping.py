"""Shipping verbs: `ship` (DDTs), `distribution` (distribution and complete lists), `production`.

`ship --quantities FILE` takes a CSV or workbook with one row per order line to ship in part:
order number, item code (or line number), quantity — the columns found by their headings in
Italian or English, so a sheet exported from the order panel works as it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typer

from toolkit.basics.cells import Location, address
from toolkit.cli import output
from toolkit.cli.output import JsonOption, LangOption, LedgerOption
from toolkit.cli.session import codes, open_session, parse_day
from toolkit.basics.problems import Problem, UnusableInput, define
from toolkit.core.shipping import ChosenRow
from toolkit.basics.vocab import normalize

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

WorkbookArg = typer.Argument(..., help="Cartella anagrafiche / master workbook.")
DateOption = typer.Option(..., "--date", help="Data / date (2026-04-09 or 09/04/2026).")


def read_quantities(path: Path) -> tuple[list[ChosenRow], list[Problem]]:
    """The rows of a quantities file (CSV, or the first sheet of a workbook)."""
    path = Path(path)
    if path.suffix.lower() in (".csv", ".txt"):
        if not path.is_file():
            raise UnusableInput(QUANTITIES_FILE_MISSING(None, path=path))
        return quantity_rows(path.name, path.stem, _csv_rows(path.read_bytes()))
    from toolkit.intake.sources import read_workbook

    raw = read_workbook(path)
    sheet = next((s for s in raw.sheets if any(any(v not in (None, "") for v in r) for r in s.rows)), None)
    if sheet is None:
        return [], [QUANTITIES_HEADER(Location(raw.sheets[0].name if raw.sheets else path.name, "A1", path.name),
                                      missing="Ordine, Articolo, Quantità")]
    return quantity_rows(path.name, sheet.name, sheet.rows, sheet.first_row, sheet.first_col)


def _csv_rows(data: bytes) -> list[list[str]]:
    """Excel's CSV exports: UTF-8 (with or without BOM) or Windows-1252, `;` or `,` separated."""
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = data.decode("cp1252", errors="replace")
    first = content.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    return [row for row in csv.reader(io.StringIO(content), delimiter=delimiter)]


def quantity_rows(workbook: str, sheet: str, rows: Sequence[Sequence[Any]], first_row: int = 1,
                  first_col: int = 1) -> tuple[list[ChosenRow], list[Problem]]:
    """Rows of (order, item or line, quantity), each with the cell of its quantity."""
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
    chosen = []
    for i, row in filled[1:]:
        item, line = _cell(row, columns, "item"), _cell(row, columns, "line")
        which = item if item not in (None, "") else line
        if isinstance(which, float) and which.is_integer():
            which = int(which)
        where = Location(sheet, address(first_row + i, first_col + columns["quantity"]), workbook)
        order = str(_cell(row, columns, "order") or "").strip()
        chosen.append(ChosenRow(order, str(which if which is not None else "").strip(),
                                _cell(row, columns, "quantity"), where))
    return chosen, []


def _cell(row: Sequence[Any], columns: dict[str, int], field: str) -> Any:
    col = columns.get(field)
    return row[col] if col is not None and col < len(row) else None


def _it() -> bool:
    return output.lang() == "it"


def register(app: typer.Typer) -> None:
    @app.command("ship")
    def ship_cmd(
        workbook: Path = WorkbookArg,
        date: str = DateOption,
        orders: str | None = typer.Option(None, "--orders", help="Numeri d'ordine / order numbers: N1,N2."),
        all_open: bool = typer.Option(False, "--all", help="Tutti gli ordini aperti fino alla data / every open "
                                      "order up to the date."),
        quantities: Path | None = typer.Option(None, "--quantities", help="CSV o .xlsx con ordine, articolo (o riga), "
                                               "quantità: spedizioni parziali / partial shipments."),
        carrier: str | None = typer.Option(None, "--carrier", help="Codice vettore scelto a mano / carrier code."),
        force: bool = typer.Option(False, "--force", help="Spedisci anche oltre il fido (annotato nel registro) / "
                                   "ship past the credit limit (logged)."),
        out: Path | None = typer.Option(None, "--out", help="Scrivi i DDT in questo .xlsx / write the DDTs here."),
        json: bool = JsonOption, ledger: str | None = LedgerOption, lang: str | None = LangOption,
    ) -> None:
        """Emette i DDT degli ordini scelti. Issue the delivery notes (DDT) of the chosen orders.

        Exit 0 when done (warnings such as held orders allowed), 1 when the input has errors
        (nothing is shipped), 2 when a file cannot be read.
        """
        from toolkit.ledger.deliveries import ship

        if orders and all_open:
            raise typer.BadParameter("--orders / --all: scegline uno / choose one", param_hint="--orders")
        session = open_session(workbook, ledger, lang)
        day = parse_day(date)
        chosen, problems = read_quantities(quantities) if quantities is not None else ([], [])
        if problems:
            _report(json, None, [], [], problems)
            output.exit_for(problems)
        result = ship(session.master, session.ledger, day, numbers=sorted(codes(orders) or ()), all_open=all_open,
                      chosen=chosen, carrier=carrier, force=force)
        written = None
        if out is not None and result.notes:
            from toolkit.writers.ddt import write_delivery_notes

            written = write_delivery_notes(out, session.master, result.notes, output.lang())
        _report(json, written, result.notes, result.held, list(result.problems), result.completed)
        output.exit_for(result.problems)

    @app.command("distribution")
    def distribution_cmd(
        workbook: Path = WorkbookArg,
        date: str = DateOption,
        to: str | None = typer.Option(None, "--to", help="Fino a questa data / up to this date."),
        complete: bool = typer.Option(False, "--complete", help="Lista completa: tutti gli ordini con il loro stato / "
                                      "complete list: every order with its state."),
        out: Path = typer.Option(..., "--out", help="File .xlsx da scrivere / workbook to write."),
        pdf: bool = typer.Option(False, "--pdf", help="Anche in PDF (LibreOffice) / also as PDF (LibreOffice)."),
        ledger: str | None = LedgerOption, lang: str | None = LangOption,
    ) -> None:
        """Lista di distribuzione (da spedire) o completa. Distribution list (still to ship) or complete list."""
        from toolkit.core.lists import complete_list, distribution_list
        from toolkit.writers.lists import to_pdf, write_order_list

        session = open_session(workbook, ledger, lang)
        start, end = _period(date, to)
        orders = _orders(session, start, end)
        made = (complete_list if complete else distribution_list)(orders, session.master, start, end)
        path = write_order_list(out, session.master, made, output.lang())
        typer.echo(str(path))
        if pdf:
            typer.echo(str(to_pdf(path)))

    @app.command("production")
    def production_cmd(
        workbook: Path = WorkbookArg,
        date: str = DateOption,
        to: str | None = typer.Option(None, "--to", help="Fino a questa data / up to this date."),
        out: Path = typer.Option(..., "--out", help="File .xlsx da scrivere / workbook to write."),
        pdf: bool = typer.Option(False, "--pdf", help="Anche in PDF (LibreOffice) / also as PDF (LibreOffice)."),
        ledger: str | None = LedgerOption, lang: str | None = LangOption,
    ) -> None:
        """Lista di produzione: quantità per articolo, con gli ordini.
        Production list: quantity per item, with the orders."""
        from toolkit.core.lists import production_list
        from toolkit.writers.lists import to_pdf, write_production_list

        session = open_session(workbook, ledger, lang)
        start, end = _period(date, to)
        from toolkit.ledger.db import reading
        from toolkit.ledger.deliveries import available_stock

        with reading(session.ledger) as conn:
            stock = available_stock(conn, session.master)
        made = production_list(_orders(session, start, end), session.master, start, end, stock)
        path = write_production_list(out, session.master, made, output.lang())
        typer.echo(str(path))
        if pdf:
            typer.echo(str(to_pdf(path)))


def _period(date: str, to: str | None):
    start = parse_day(date)
    end = parse_day(to, "--to") if to else start
    if end < start:
        raise typer.BadParameter("--to < --date", param_hint="--to")
    return start, end


def _orders(session, start, end):
    from toolkit.ledger.db import reading
    from toolkit.ledger.orders import load_orders

    with reading(session.ledger) as conn:
        return load_orders(conn, occurrence_from=start, occurrence_to=end)


def _report(json: bool, written: Path | None, notes, held, problems: list[Problem], completed=()) -> None:
    if json:
        output.print_json({
            "shipped": [{"ddt": n.number, "date": n.day, "customer": n.customer, "ship_to": n.ship_to,
                         "carrier": n.carrier, "reason": n.reason.value, "forced": n.forced,
                         "orders": list(n.orders), "lines": len(n.lines)} for n in notes],
            "held": [{"order": h.order, "customer": h.customer, "reason": h.reason, "items": list(h.items)}
                     for h in held],
            "completed": list(completed),
            "workbook": written,
            "problems": problems,
        })
        return
    for n in notes:
        typer.echo(f"{n.number}  {n.day:%d/%m/%Y}  {n.customer:<8} {', '.join(n.orders)}  "
                   + (f"{len(n.lines)} righe" if _it() else f"{len(n.lines)} lines"))
    output.print_problems(problems)
    if written is not None:
        typer.echo(str(written))
    typer.echo(f"DDT emessi: {len(notes)}, ordini trattenuti: {len({h.order for h in held})}." if _it()
               else f"DDTs issued: {len(notes)}, orders held: {len({h.order for h in held})}.")
