"""The *Fatture elettroniche* button on a fake live book: the panel date's month, final invoices
only, files and zip in a folder beside the book, one message box."""

from __future__ import annotations

import zipfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import minimal
from fakebook import FakeBook
from test_excel_buttons import scaled

import toolkit.excel as x
from toolkit.services.invoicing import finalize, runs
from toolkit.services.session import open_book

BOOK = "ordini-ricorrenti.xlsm"
FOLDER = "fatture-elettroniche-2026-04"


def sheets_with_postcodes(factor: int = 1):
    """The minimal sheets, whose customers gain the postcode (CAP) an e-invoice needs."""
    sheets = scaled(minimal.sheets(), factor)
    minimal.set_cell(sheets, "Clienti", "K1", "CAP")
    for row in range(2, len(sheets["Clienti"]) + 1):
        minimal.set_cell(sheets, "Clienti", f"K{row}", "10121")
    return sheets


def fake(folder: Path, sheets) -> FakeBook:
    panel = [["Ordini ricorrenti"], [None], ["Data ordini", datetime(2026, 4, 9)]]
    return FakeBook(BOOK, {"Pannello": panel, **sheets}, fullname=str(folder / BOOK), names={"DataOrdini": "B3"})


def invoice_the_month(book: FakeBook, monkeypatch) -> None:
    import toolkit.basics.dates

    monkeypatch.setattr(toolkit.basics.dates, "today_rome", lambda: date(2026, 5, 4))
    x.preview_orders(book)
    x.create_orders(book)
    x.ship(book)
    x.month_end_invoicing(book)


def finalize_all(book: FakeBook) -> None:
    from toolkit.excel.book import read_master

    session = open_book(read_master(book), lambda: Path(book.fullname))
    for run in runs(session.ledger):
        finalize(session.ledger, run.run_id)
    session.ledger.engine.dispose()


def test_a_draft_month_says_to_finalize_then_the_files_and_zip_land_beside_the_book(tmp_path, monkeypatch):
    book = fake(tmp_path, sheets_with_postcodes())
    invoice_the_month(book, monkeypatch)

    x.einvoices(book)
    text, title, mode = book.alerts[-1]
    assert (title, mode) == ("Fatture elettroniche", "critical")
    assert text.startswith("Nessun file XML scritto.")
    assert text.endswith("in «Emissione fatture», premi «Rendi definitiva emissione» e riprova."), text
    assert "toolkit" not in text  # the button's way, not the command line's
    assert not list((tmp_path / FOLDER).glob("*.xml"))

    finalize_all(book)
    x.einvoices(book)
    text, title, mode = book.alerts[-1]
    (xml,) = (tmp_path / FOLDER).glob("*.xml")
    (archive,) = (tmp_path / FOLDER).glob("*.zip")
    assert mode == "info" and text.splitlines() == [
        f"Scritto 1 file XML (fatture elettroniche) in {tmp_path / FOLDER}, raccolto in 1 zip per lo SDI.",
        str(archive)]
    assert xml.name == "IT00743110157_00001.xml" and zipfile.ZipFile(archive).namelist() == [xml.name]


def test_a_refused_invoice_is_named_in_the_message(tmp_path, monkeypatch):
    book = fake(tmp_path, minimal.sheets())
    invoice_the_month(book, monkeypatch)
    finalize_all(book)
    x.einvoices(book)
    text, _, mode = book.alerts[-1]
    assert mode == "critical" and "FT-2026-00001" in text and "CessionarioCommittente/Sede/CAP" in text
    assert not (tmp_path / FOLDER).exists() or not list((tmp_path / FOLDER).glob("*.zip"))


def test_the_button_costs_the_same_round_trips_at_ten_times_the_data(tmp_path, monkeypatch):
    counts = []
    for factor in (1, 10):
        folder = tmp_path / str(factor)
        folder.mkdir()
        book = fake(folder, sheets_with_postcodes(factor))
        invoice_the_month(book, monkeypatch)
        finalize_all(book)
        book.calls.clear()
        x.einvoices(book)
        assert book.alerts[-1][2] == "info", book.alerts[-1][0]
        assert len(list((folder / FOLDER).glob("*.xml"))) == factor
        counts.append(Counter(book.calls))
    assert counts[0] == counts[1]


def invoiced_at_once():
    """`sheets_with_postcodes` whose first customer is invoiced at once (*Immediato*)."""
    sheets = sheets_with_postcodes()
    minimal.set_cell(sheets, "Clienti", "L1", "Termini di fatturazione")
    minimal.set_cell(sheets, "Clienti", "L2", "Immediato")
    return sheets


def test_immediate_invoices_written_past_their_twelve_days_are_named_in_the_box(tmp_path, monkeypatch):
    """A customer invoiced at once (*Immediato*): its invoice of 9 April written on 4 May is past
    its 12 days at SDI, and the button's box says so (`einvoice-immediate-late`)."""
    import toolkit.basics.dates

    book = fake(tmp_path, invoiced_at_once())
    monkeypatch.setattr(toolkit.basics.dates, "today_rome", lambda: date(2026, 4, 9))
    x.preview_orders(book)
    x.create_orders(book)
    created, _, _ = book.alerts[-1]
    assert "Scrivine subito" not in created, created
    monkeypatch.setattr(toolkit.basics.dates, "today_rome", lambda: date(2026, 5, 4))
    x.einvoices(book)
    text, title, _ = book.alerts[-1]
    assert "oltre il termine" in text and "entro il 21/04/2026" in text and "oggi è il 04/05/2026" in text, text
    assert "Invia subito allo SDI" in text, text


def test_orders_created_for_a_day_past_its_twelve_days_name_the_late_invoice_in_the_box(tmp_path, monkeypatch):
    """*Crea ordini selezionati* for 9 April pressed on 23 April issues an immediate invoice
    already past its 12 days: the box says so, with what to do."""
    import toolkit.basics.dates

    book = fake(tmp_path, invoiced_at_once())
    monkeypatch.setattr(toolkit.basics.dates, "today_rome", lambda: date(2026, 4, 23))
    x.preview_orders(book)
    x.create_orders(book)
    text, _, _ = book.alerts[-1]
    assert "oltre il termine" in text and "entro il 21/04/2026" in text and "Scrivine subito il file" in text, text
