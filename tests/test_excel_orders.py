"""The order buttons on a fake live book: preview with flags, create the flagged, same as the CLI."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path

import minimal
import openpyxl
from fakebook import FakeBook
from test_excel_buttons import scaled

import toolkit.excel as x
from toolkit.intake.validation import check
from toolkit.ledger import open_ledger
from toolkit.ledger.db import reading, user
from toolkit.ledger.orders import load_orders
from toolkit.services.orders import create

BOOK = "ordini-ricorrenti.xlsm"


def fake(tmp_path: Path, sheets=None, day=datetime(2026, 4, 9)) -> FakeBook:
    panel = [["Ordini ricorrenti"], [None], ["Data ordini", day]]
    return FakeBook(BOOK, {"Pannello": panel, **(sheets or minimal.sheets())},
                    fullname=str(tmp_path / BOOK), names={"DataOrdini": "B3"})


def _orders(tmp_path: Path):
    ledger = open_ledger(None, tmp_path / BOOK)
    with reading(ledger) as conn:
        return load_orders(conn)


def test_preview_lists_the_due_orders_flagged_for_creation(tmp_path):
    book = fake(tmp_path)
    x.preview_orders(book)
    rows = book.sheet("Anteprima ordini").rows()
    assert rows[0][:4] == ["Crea", "Data", "Modello", "Cliente"]
    assert [r[:4] for r in rows[1:]] == [["x", datetime(2026, 4, 9), "T001", "C001"]]
    assert rows[1][8] == 252.0  # 12 × 18.50 + 24 × 1.25
    assert book.alerts[-1][0].startswith("1 ordini in scadenza il 09/04/2026, 1 da creare")


def test_create_makes_exactly_the_flagged_orders_and_refreshes_the_preview(tmp_path):
    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Modelli ordine", "F2", "lun-ven")
    minimal.set_cell(sheets, "Modelli ordine", "A4", "T003")
    for col, value in zip("BCDEFK", ("C002", None, None, "Giorni feriali", None, "01/03/2026")):
        minimal.set_cell(sheets, "Modelli ordine", f"{col}4", value)
    sheets["Righe modello"].append(["T003", "A002", 5, None, None])
    book = fake(tmp_path, sheets)
    x.preview_orders(book)
    preview = book.sheet("Anteprima ordini")
    assert [r[2] for r in preview.rows()[1:]] == ["T001", "T003"]
    preview.range("A3").value = None  # the user removes the mark from T003
    x.create_orders(book)
    assert [(o.template, o.occurrence, o.number) for o in _orders(tmp_path)] == [("T001", date(2026, 4, 9), "OC-2026-00001")]
    refreshed = book.sheet("Anteprima ordini").rows()
    assert [(r[0], r[2], r[9]) for r in refreshed[1:]] == [(None, "T001", "OC-2026-00001"), ("x", "T003", None)]
    assert book.alerts[-1][0] == f"Creato 1 ordine, 0 già esistenti.\n{tmp_path / 'ordini-2026-04-09.xlsx'}"
    x.create_orders(book)
    assert [o.template for o in _orders(tmp_path)] == ["T001", "T003"]


def test_the_button_and_the_command_line_create_the_same_orders(tmp_path):
    (tmp_path / "button").mkdir()
    (tmp_path / "cli").mkdir()
    book = fake(tmp_path / "button")
    x.preview_orders(book)
    x.create_orders(book)
    master = check(minimal.workbook()).master
    create(master, open_ledger(None, tmp_path / "cli" / BOOK), date(2026, 4, 9), lang="it")

    def summary(folder):
        return [(o.number, o.template, o.occurrence,
                 [(line.item, line.quantity, line.unit_price, line.amount) for line in o.lines])
                for o in _orders(folder)]

    assert summary(tmp_path / "button") == summary(tmp_path / "cli") != []


def test_round_trips_do_not_grow_with_the_data(tmp_path):
    counts = []
    for factor in (1, 10):
        folder = tmp_path / str(factor)
        folder.mkdir()
        book = fake(folder, scaled(minimal.sheets(), factor))
        x.preview_orders(book)
        x.create_orders(book)
        counts.append(Counter(book.calls))
        assert len(_orders(folder)) == factor
    assert counts[0] == counts[1]


def test_no_date_on_the_panel_is_a_message_not_a_traceback(tmp_path):
    book = fake(tmp_path, day=None)
    x.preview_orders(book)
    text, _title, mode = book.alerts[-1]
    assert "Data ordini" in text and mode == "critical"


def test_create_without_preview_says_what_to_press(tmp_path):
    book = fake(tmp_path)
    x.create_orders(book)
    assert "Anteprima ordini" in book.alerts[-1][0]


def test_calendar_button_writes_the_plan_beside_the_book(tmp_path):
    book = fake(tmp_path)
    x.calendar(book)
    target = tmp_path / "calendario-2026-04-09.xlsx"
    grid = openpyxl.load_workbook(target).worksheets[0]
    values = [c for row in grid.iter_rows(values_only=True) for c in row if c is not None]
    assert "T001" in values
    assert str(target) in book.alerts[-1][0]


def test_ship_and_list_buttons_write_their_documents_beside_the_book(tmp_path):
    book = fake(tmp_path)
    x.preview_orders(book)
    x.create_orders(book)
    x.distribution_list(book)
    before = openpyxl.load_workbook(tmp_path / "lista-distribuzione-2026-04-09.xlsx").worksheets[0]
    assert "OC-2026-00001" in [c for row in before.iter_rows(values_only=True) for c in row]
    x.production_list(book)
    production = openpyxl.load_workbook(tmp_path / "lista-produzione-2026-04-09.xlsx").worksheets[0]
    assert "A001" in [c for row in production.iter_rows(values_only=True) for c in row]
    x.ship(book)
    assert book.alerts[-1][0].startswith("DDT emessi: 1, ordini trattenuti: 0.")
    notes = openpyxl.load_workbook(tmp_path / "ddt-2026-04-09.xlsx")
    assert notes.sheetnames == ["DDT-2026-00001"]
    assert [o.to_ship for o in _orders(tmp_path)] == [0]
    x.complete_list(book)
    complete = openpyxl.load_workbook(tmp_path / "lista-completa-2026-04-09.xlsx").worksheets[0]
    assert "OC-2026-00001" in [c for row in complete.iter_rows(values_only=True) for c in row]


def test_ship_button_refuses_a_panel_date_after_today(tmp_path, rome_today):
    rome_today(date(2026, 4, 8))
    book = fake(tmp_path)
    x.preview_orders(book)
    x.create_orders(book)
    x.ship(book)
    text, _, style = book.alerts[-1]
    assert style == "critical" and "La data del DDT 09/04/2026 è successiva a oggi (08/04/2026)" in text
    assert "Scrivi in «Data ordini» la data di oggi o una passata; un DDT datato dopo oggi si emette solo dalla " \
           "riga di comando, toolkit ship con --future." in text, text
    assert not (tmp_path / "ddt-2026-04-09.xlsx").exists()
    assert [o.to_ship for o in _orders(tmp_path)] == [36]


def test_ship_button_refuses_a_date_before_the_latest_ddt_in_the_panel_s_words(tmp_path):
    """The 9th shipped, the desk writes the 8th in Data ordini and presses Spedisci: its DDT
    would be numbered after the 9th's. Refused, told with the panel's cell."""
    book = fake(tmp_path)
    x.preview_orders(book)
    x.create_orders(book)
    x.ship(book)
    book.sheet("Pannello").range("B3").value = datetime(2026, 4, 8)
    x.ship(book)
    text, _, style = book.alerts[-1]
    assert style == "critical" and "prima del DDT-2026-00001 del 09/04/2026" in text, text
    assert "Scrivi in «Data ordini» una data dal 09/04/2026 in poi" in text
    assert not (tmp_path / "ddt-2026-04-08.xlsx").exists()


def test_month_end_and_payment_status_buttons(tmp_path, monkeypatch):
    import toolkit.basics.dates

    monkeypatch.setattr(toolkit.basics.dates, "today_rome", lambda: date(2026, 5, 4))
    book = fake(tmp_path)
    x.preview_orders(book)
    x.create_orders(book)
    x.ship(book)
    x.month_end_invoicing(book)
    text = book.alerts[-1][0]
    assert text.startswith("Emesso 1 documento in bozza")
    assert len(list((tmp_path / "fatture-2026-04").glob("copie-fatture-*.xlsx"))) == 1
    accountants = openpyxl.load_workbook(next((tmp_path / "fatture-2026-04").glob("fatture-*.xlsx")))
    register = accountants["Registro"]
    header = [c.value for c in register[3]]
    first = [c.value for c in register[4]]
    assert (first[0], first[header.index("Cliente")]) == ("FT-2026-00001", "C001")
    assert first[header.index("Documenti di trasporto")] == "DDT-2026-00001 09/04/2026"
    run_id = text.split("(emissione ")[1].split(")")[0]
    x.month_end_invoicing(book)
    assert book.alerts[-1][0] == (f"Niente da fatturare: l'ultima emissione del periodo è {run_id} di {user()} "
                                  "(1 documento, in bozza)."), "a colleague's month end a moment before is named"
    x.payment_status(book)
    status = tmp_path / "stato-pagamenti-2026-05-04.xlsx"
    assert status.exists() and str(status) in book.alerts[-1][0]


def test_every_button_costs_the_same_round_trips_at_ten_times_the_data(tmp_path, monkeypatch):
    import toolkit.basics.dates

    monkeypatch.setattr(toolkit.basics.dates, "today_rome", lambda: date(2026, 5, 4))
    sequence = ("check_data", "preview_orders", "create_orders", "production_list", "distribution_list", "ship",
                "complete_list", "month_end_invoicing", "payment_status", "calendar")
    per_scale = []
    for factor in (1, 10):
        folder = tmp_path / str(factor)
        folder.mkdir()
        book = fake(folder, scaled(minimal.sheets(), factor))
        counts = {}
        for name in sequence:
            book.calls.clear()
            getattr(x, name)(book)
            assert book.alerts[-1][2] != "critical", (name, book.alerts[-1][0])
            counts[name] = Counter(book.calls)
        assert len(_orders(folder)) == factor
        per_scale.append(counts)
    for name in sequence:
        assert per_scale[0][name] == per_scale[1][name], name


def test_a_day_no_price_list_version_covers_is_told_with_the_panels_way_to_leave_the_template_out(tmp_path):
    """BASE 2026A ends on 30 June and 2026B starts on 3 July: the order of 2 July is refused at
    preview saying a version is missing; a desk at the panel removes the template's «x», it has
    no --exclude to type."""
    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Versioni listino", "C3", date(2026, 7, 3))
    book = fake(tmp_path, sheets, day=datetime(2026, 7, 2))
    x.preview_orders(book)
    said = book.alerts[-1][0]
    assert "Il modello T001 del 02/07/2026: il listino BASE non ha una versione valida quel giorno" in said, said
    assert "oppure togli la «x» al modello T001 in «Anteprima ordini»." in said and "--exclude" not in said, said


def test_a_crea_mark_of_1_or_ok_creates_the_order(tmp_path):
    """A 1 typed in *Crea* (Excel gives 1.0) or `ok` left the order out: *Creati 0 ordini*."""
    for mark in (1, "ok", "si'"):
        folder = tmp_path / str(mark).replace("'", "")
        folder.mkdir()
        book = fake(folder)
        x.preview_orders(book)
        book.sheet("Anteprima ordini").range("A2").value = mark
        x.create_orders(book)
        assert [o.template for o in _orders(folder)] == ["T001"], mark


def test_a_crea_mark_saying_neither_yes_nor_no_creates_nothing_and_names_its_cell(tmp_path):
    book = fake(tmp_path)
    x.preview_orders(book)
    book.sheet("Anteprima ordini").range("A2").value = "✗"
    x.create_orders(book)
    assert _orders(tmp_path) == []
    assert book.alerts[-1][0].splitlines()[1:] == [
        "Anteprima ordini!A2: «✗» nella colonna «Crea» non dice se creare l'ordine del modello T001: scrivi x per "
        "crearlo o svuota la cella per lasciarlo fuori, poi premi di nuovo «Crea ordini selezionati». Nessun ordine "
        "è stato creato."]


def test_the_production_button_with_earlier_orders_lists_them_one_by_one(tmp_path):
    """*Produzione con ordini precedenti* is `production --earlier-orders` from the panel: the
    next day's list of the 9th's order still to ship names it on its second sheet, in a file of
    its own, where *Lista di produzione* sums it per item and lists no order."""
    book = fake(tmp_path)
    x.preview_orders(book)
    x.create_orders(book)
    book.sheet("Pannello").range("B3").value = datetime(2026, 4, 10)
    x.production_list(book)
    x.production_list_earlier_orders(book)
    assert str(tmp_path / "lista-produzione-precedenti-2026-04-10.xlsx") in book.alerts[-1][0]
    summed, listed = (openpyxl.load_workbook(tmp_path / f"{name}-2026-04-10.xlsx")
                      for name in ("lista-produzione", "lista-produzione-precedenti"))
    assert [row[:5] for row in summed.worksheets[0].iter_rows(min_row=5, values_only=True)] == \
        [row[:5] for row in listed.worksheets[0].iter_rows(min_row=5, values_only=True)] == [
            ("A001", "Caffè in grani 1 kg", "pz", 12, 12), ("A002", "Latte fresco 1 l", "pz", 24, 24)]
    assert list(summed.worksheets[1].iter_rows(min_row=5, values_only=True)) == []
    assert [(row[0], row[3], row[4], row[7]) for row in listed.worksheets[1].iter_rows(min_row=5, values_only=True)] \
        == [("A001", "OC-2026-00001", datetime(2026, 4, 9), 12), ("A002", "OC-2026-00001", datetime(2026, 4, 9), 24)]
