"""The buttons a desk needs, on a fake live book: one message box per press, the master read
once, number formats on what they write, the workbook's language, and what the ledger holds
after each new button."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import minimal
import openpyxl
import pytest
from fakebook import FakeBook
from test_excel_buttons import broken_sheets

import toolkit.excel as x
import toolkit.excel.press
from toolkit.excel import cells
from toolkit.excel.buttons import BUTTONS, RUNS_SHEET
from toolkit.excel.inputs import FIELDS
from toolkit.ledger import open_ledger
from toolkit.ledger.db import reading
from toolkit.ledger.deliveries import load_notes
from toolkit.ledger.invoices import run_summaries
from toolkit.ledger.orders import load_orders
from toolkit.ledger.payments import receivables

BOOK = "ordini-ricorrenti.xlsm"
NAMES = {field.name: field.cell for field in FIELDS}
"""The panel's defined names, as the built workbook has them."""
MASTERS = len(minimal.sheets())


def fake(tmp_path: Path, sheets=None, day=datetime(2026, 4, 9)) -> FakeBook:
    panel = [["Ordini ricorrenti"], [None], ["Data ordini", day]]
    return FakeBook(BOOK, {"Pannello": panel, **(sheets or minimal.sheets())},
                    fullname=str(tmp_path / BOOK), names=NAMES)


def english(sheets=None):
    sheets = sheets or minimal.sheets()
    sheets["Impostazioni"].append(["Lingua", "en"])
    return sheets


def fill(book: FakeBook, **values) -> None:
    """The user types into the panel's named cells (not counted)."""
    panel = book.sheet("Pannello")
    for name, value in values.items():
        row, col = int(NAMES[name][1:]), 2
        panel.cells[(row, col)] = value


def ledger_of(tmp_path: Path):
    return open_ledger(None, tmp_path / BOOK)


def orders_in(tmp_path: Path):
    with reading(ledger_of(tmp_path)) as conn:
        return load_orders(conn)


@pytest.fixture
def reads(monkeypatch):
    """How many times a press read the master sheets."""
    seen = []
    real = toolkit.excel.press.read_master

    def counted(book, sheets=None):
        seen.append(1)
        return real(book, sheets)

    monkeypatch.setattr(toolkit.excel.press, "read_master", counted)
    return seen


@pytest.fixture
def may(monkeypatch):
    import toolkit.basics.dates

    monkeypatch.setattr(toolkit.basics.dates, "today_rome", lambda: date(2026, 5, 4))


def press(book: FakeBook, name: str, reads: list[int] | None = None) -> list[tuple[str, str | None, str | None]]:
    """Press one button; the boxes it showed (each checked to be the only message box)."""
    before = len(book.alerts)
    if reads is not None:
        reads.clear()
    book.calls.clear()
    getattr(x, name)(book)
    shown = book.alerts[before:]
    assert len([a for a in shown if a[2] != "yes_no"]) == 1, (name, shown)
    if reads is not None:
        assert len(reads) == 1, (name, len(reads))
    return shown


def invoiced(tmp_path: Path, sheets=None) -> FakeBook:
    book = fake(tmp_path, sheets)
    for name in ("preview_orders", "create_orders", "ship", "month_end_invoicing"):
        press(book, name)
    return book


# --- Crea ordini selezionati: one box, one read -----------------------------------------------

def test_create_shows_one_message_box_and_reads_the_master_once(tmp_path, reads):
    book = fake(tmp_path)
    press(book, "preview_orders", reads)
    (shown,) = press(book, "create_orders", reads)
    target = tmp_path / "ordini-2026-04-09.xlsx"
    assert shown == (f"Creato 1 ordine, 0 già esistenti.\n{target}", "Crea ordini selezionati", "info")
    assert openpyxl.load_workbook(target).sheetnames == [o.number for o in orders_in(tmp_path)]
    calls = Counter(book.calls)
    assert calls["app.alert"] == 1
    assert calls["range.options"] == MASTERS + 1  # the master sheets, and the preview's flags
    assert len(book.calls) < 308 // 2


def test_the_preview_formats_every_number_it_writes(tmp_path):
    book = fake(tmp_path)
    x.preview_orders(book)
    preview = book.sheet("Anteprima ordini")
    row = preview.rows()[1]
    assert row[8] == 252.0 and preview.format("I2") == cells.CURRENCY == '#,##0.00 "€"'
    assert {col: preview.format(f"{col}2") for col in "BGHILMNO"} == {
        "B": cells.DATE, "G": cells.INTEGER, "H": cells.QUANTITY, "I": cells.CURRENCY, "L": cells.DATE,
        "M": cells.CURRENCY, "N": cells.CURRENCY, "O": cells.CURRENCY}
    numbers = [f"{chr(65 + i)}2" for i, v in enumerate(row) if isinstance(v, float | datetime)]
    assert numbers and all(preview.format(ref) for ref in numbers)
    assert preview.format("I1") is None
    assert Counter(book.calls)["range.number_format="] == 4


# --- the workbook's language ------------------------------------------------------------------

def test_data_problems_in_a_message_box_follow_an_english_workbook(tmp_path):
    sheets = broken_sheets()
    sheets["Impostazioni"].append(["Lingua", "en"])
    book = fake(tmp_path, sheets)
    (shown,) = press(book, "preview_orders")
    text, title, mode = shown
    assert text.splitlines()[0] == "1 error" and mode == "critical"
    assert "“abc” is not a number" in text and "non è" not in text
    assert title == "Order preview"


def test_a_missing_date_in_an_english_workbook_is_english_only(tmp_path):
    book = fake(tmp_path, english(), day=None)
    (shown,) = press(book, "ship")
    assert shown[0].startswith("Write the order date") and "Scrivi" not in shown[0]
    assert shown[1:] == ("Ship (DDT)", "critical")


def test_a_day_its_month_has_not_is_named_with_the_days_it_has(tmp_path):
    """Excel keeps 31/04/2026 typed into the panel as text: the message says the month has 30
    days, where "write it as 09/04/2026" would puzzle someone who did."""
    book = fake(tmp_path, english(), day="31/04/2026")
    (shown,) = press(book, "ship")
    assert shown[0].startswith("The order date “31/04/2026” does not exist: month 04/2026 has 30 days."), shown[0]
    assert "“Data ordini” cell of the Pannello sheet" in shown[0] and shown[2] == "critical"


def test_an_italian_workbook_still_speaks_italian(tmp_path):
    book = fake(tmp_path, broken_sheets())
    (shown,) = press(book, "preview_orders")
    assert shown[0].splitlines()[0] == "1 errore" and shown[1] == "Anteprima ordini"


# --- Pannello di controllo --------------------------------------------------------------------

def test_control_panel_writes_every_order_beside_the_book(tmp_path, reads, may):
    book = fake(tmp_path)
    press(book, "preview_orders")
    press(book, "create_orders")
    (shown,) = press(book, "control_panel", reads)
    target = tmp_path / "pannello-ordini-2026-05-04.xlsx"
    assert shown == (f"Pannello di controllo scritto in {target}", "Pannello di controllo", "info")
    values = [c for s in openpyxl.load_workbook(target).worksheets for row in s.iter_rows(values_only=True) for c in row]
    assert "OC-2026-00001" in values


# --- Cambia stato ordine ----------------------------------------------------------------------

def test_change_order_status_reads_the_panel_and_changes_the_ledger(tmp_path, reads):
    book = fake(tmp_path)
    press(book, "preview_orders")
    press(book, "create_orders")
    fill(book, NumeroOrdine="OC-2026-00001", NuovoStato="Chiuso")
    (shown,) = press(book, "change_order_status", reads)
    assert shown == ("Ordine OC-2026-00001: ora «Chiuso».", "Cambia stato ordine", "info")
    assert [o.status.value for o in orders_in(tmp_path)] == ["closed"]
    (refused,) = press(book, "change_order_status", reads)
    assert refused[2] == "critical" and "OC-2026-00001" in refused[0]
    assert [o.status.value for o in orders_in(tmp_path)] == ["closed"]


def test_change_order_status_keeps_open_an_order_invoiced_at_once_and_says_the_panel_way(tmp_path):
    """C001 invoiced *Immediato*: its order is billed before it ships, so closing it would leave
    the invoice due for goods given up; the box asks for the credit note by its button."""
    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Clienti", "K1", "Termini di fatturazione")
    minimal.set_cell(sheets, "Clienti", "K2", "Immediato")
    book = fake(tmp_path, sheets)
    press(book, "preview_orders")
    press(book, "create_orders")
    fill(book, NumeroOrdine="OC-2026-00001", NuovoStato="Chiuso")
    (refused,) = press(book, "change_order_status")
    assert refused[2] == "critical"
    assert ("L'ordine OC-2026-00001 è già fatturato (FT-2026-00001) per merce non ancora spedita (A001 12 pz, "
            "A002 24 pz) e non è stato chiuso" in refused[0]), refused[0]
    assert "(«Nota di credito», con la fattura in «Fattura»)" in refused[0] and "toolkit" not in refused[0]
    assert [o.status.value for o in orders_in(tmp_path)] == ["in-progress"]


def test_change_order_status_names_the_empty_cells(tmp_path):
    book = fake(tmp_path, english())
    fill(book, NuovoStato="Sospeso")
    (shown,) = press(book, "change_order_status")
    text, title, mode = shown
    assert mode == "critical" and title == "Change order status"
    assert "Pannello!B8: Write “Ordine” in cell B8" in text
    assert "Pannello!B9: “Sospeso” is not one of the choices" in text


# --- Spedisci anche oltre il fido -------------------------------------------------------------

def over_the_limit():
    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Clienti", "J2", 100)
    return sheets


def test_ship_holds_a_customer_over_the_limit(tmp_path):
    book = fake(tmp_path, over_the_limit())
    press(book, "preview_orders")
    press(book, "create_orders")
    (shown,) = press(book, "ship")
    assert shown[0].startswith("DDT emessi: 0, ordini trattenuti: 1.")
    assert shown[0].rstrip().endswith("merce non spedita. Per spedire comunque premi «Spedisci anche oltre il fido».")
    assert "--force" not in shown[0]


def test_ship_forced_asks_first_and_no_does_nothing(tmp_path, reads):
    book = fake(tmp_path, over_the_limit())
    press(book, "preview_orders")
    press(book, "create_orders")
    book.answers = ["no"]
    before = len(book.alerts)
    reads.clear()
    x.ship_forced(book)
    (question,) = book.alerts[before:]
    assert question[2] == "yes_no" and "oltre il fido" in question[0] and "09/04/2026" in question[0]
    assert len(reads) == 1
    assert [o.to_ship for o in orders_in(tmp_path)] == [36]
    assert not (tmp_path / "ddt-2026-04-09.xlsx").exists()


def test_ship_forced_on_yes_ships_and_the_ledger_says_forced(tmp_path, reads):
    book = fake(tmp_path, over_the_limit())
    press(book, "preview_orders")
    press(book, "create_orders")
    book.answers = ["yes"]
    question, shown = press(book, "ship_forced", reads)
    assert question[2] == "yes_no"
    assert shown[0].startswith("DDT emessi: 1, ordini trattenuti: 0.")
    assert shown[1:] == ("Spedisci anche oltre il fido", "info")
    assert [o.to_ship for o in orders_in(tmp_path)] == [0]
    with reading(ledger_of(tmp_path)) as conn:
        assert [n.forced for n in load_notes(conn)] == [True]
    assert (tmp_path / "ddt-2026-04-09.xlsx").exists()


def two_customers_due(limit=None):
    """C001 (over `limit`, if given) and C002 both have an order due on 9 April."""
    sheets = minimal.sheets()
    sheets["Modelli ordine"].append(["T003", "C002", None, None, "Settimanale", "gio", None, None, None, None,
                                     "01/03/2026", None, None])
    sheets["Righe modello"].append(["T003", "A002", 10, None, None])
    if limit is not None:
        minimal.set_cell(sheets, "Clienti", "J2", limit)
    return sheets


def printed(path: Path) -> dict[str, set[str]]:
    """Each sheet of a printed workbook, with the text of its cells."""
    book = openpyxl.load_workbook(path)
    return {ws.title: {str(c.value) for row in ws.iter_rows() for c in row if c.value is not None} for ws in book}


def test_a_second_shipment_of_the_day_gets_a_file_of_its_own(tmp_path, may):
    """The morning ships C002 and holds C001 over its limit; the afternoon forces C001 out. The
    morning's file, perhaps not printed yet, still holds the morning's DDT; the message names
    the afternoon's file and the DDT in it."""
    book = fake(tmp_path, two_customers_due(limit=100))
    press(book, "preview_orders")
    press(book, "create_orders")
    (morning,) = press(book, "ship")
    first = tmp_path / "ddt-2026-04-09.xlsx"
    assert morning[0].splitlines()[1] == f"DDT DDT-2026-00001: {first}"
    book.answers = ["yes"]
    _, afternoon = press(book, "ship_forced")
    second = tmp_path / "ddt-2026-04-09-2.xlsx"
    assert afternoon[0].splitlines()[:2] == ["DDT emessi: 1, ordini trattenuti: 0.", f"DDT DDT-2026-00002: {second}"]
    (ddt1,) = printed(first).items()
    (ddt2,) = printed(second).items()
    assert ddt1[0] == "DDT-2026-00001" and "Mario Rossi" in ddt1[1] and "Bar Centrale S.n.c." not in ddt1[1]
    assert ddt2[0] == "DDT-2026-00002" and "Bar Centrale S.n.c." in ddt2[1] and "Mario Rossi" not in ddt2[1]
    assert sorted(p.name for p in tmp_path.glob("ddt-*.xlsx")) == ["ddt-2026-04-09-2.xlsx", "ddt-2026-04-09.xlsx"]


def test_ship_and_invoice_after_a_shipment_leaves_its_file_alone(tmp_path, may):
    """"Spedisci e fattura" after "Spedisci" the same day: its DDT and its invoice go to the next
    name free for both, in an English workbook's words."""
    book = fake(tmp_path, english(two_customers_due(limit=100)))
    press(book, "preview_orders")
    press(book, "create_orders")
    press(book, "ship")
    held = next(o.number for o in orders_in(tmp_path) if o.customer == "C001")
    fill(book, NumeroOrdine=held)
    book.sheet("Clienti").cells[(2, 10)] = 5000  # the credit limit raised
    (shown,) = press(book, "ship_and_invoice")
    second, invoices = tmp_path / "ddt-2026-04-09-2.xlsx", tmp_path / "ddt-2026-04-09-2-fatture.xlsx"
    assert shown[0].splitlines()[1:3] == [f"DDT DDT-2026-00002: {second}", f"Invoice FT-2026-00001: {invoices}"]
    assert list(printed(tmp_path / "ddt-2026-04-09.xlsx")) == ["DDT-2026-00001"]
    assert list(printed(second)) == ["DDT-2026-00002"]
    assert list(printed(invoices))[0] == "FT-2026-00001"


# --- Fatturazione fine mese, Rendi definitiva, Annulla emissione ------------------------------

def runs_in(tmp_path: Path):
    with reading(ledger_of(tmp_path)) as conn:
        return run_summaries(conn)


def test_month_end_puts_the_run_on_the_panel_and_lists_the_runs(tmp_path, may):
    book = invoiced(tmp_path)
    (run,) = runs_in(tmp_path)
    assert book.sheet("Pannello").value("B10") == run.run_id
    assert book.alerts[-1][0].startswith(f"Emesso 1 documento in bozza (emissione {run.run_id}, nella cella B10)")
    listed = book.sheet(RUNS_SHEET)
    assert listed.rows()[0] == ["Emissione", "Stato", "Dal", "Al", "Fatture", "Numeri", "Totale"]
    assert listed.rows()[1][:2] == [run.run_id, "bozza"] and listed.rows()[1][4] == 1.0
    assert (listed.format("C2"), listed.format("D2"), listed.format("E2"), listed.format("G2")) == (
        cells.DATE, cells.DATE, cells.INTEGER, cells.CURRENCY)
    assert listed.rows()[1][6] == float(run.total)


def test_finalize_run_makes_the_panel_run_final(tmp_path, may, reads):
    book = invoiced(tmp_path)
    (run,) = runs_in(tmp_path)
    folder = tmp_path / "fatture-2026-04"
    copies = folder / f"copie-fatture-{run.run_id}.xlsx"
    assert "BOZZA" in str(openpyxl.load_workbook(copies)["FT-2026-00001"]["A5"].value)
    (shown,) = press(book, "finalize_run", reads)
    assert shown == ("\n".join([f"Emissione {run.run_id}: 1 documento ora definitivo.",
                                str(folder / f"fatture-{run.run_id}.xlsx"), str(copies),
                                str(folder / f"registro-{run.run_id}.csv")]), "Rendi definitiva emissione", "info")
    title = str(openpyxl.load_workbook(copies)["FT-2026-00001"]["A5"].value)
    assert title.startswith("FATTURA") and "FT-2026-00001" in title and "BOZZA" not in title, title
    register = openpyxl.load_workbook(folder / f"fatture-{run.run_id}.xlsx")["Registro"]
    assert register["D4"].value == "Definitiva"
    assert [r.status.value for r in runs_in(tmp_path)] == ["final"]
    assert book.sheet(RUNS_SHEET).rows()[1][1] == "definitiva"
    (again,) = press(book, "finalize_run", reads)
    assert again == (f"Le fatture dell'emissione {run.run_id} erano già definitive.", "Rendi definitiva emissione",
                     "info")
    (undo,) = press(book, "undo_run", reads)
    assert undo[2] == "critical"
    assert [r.status.value for r in runs_in(tmp_path)] == ["final"]


def test_finalize_run_after_a_correction_on_clienti_refuses_in_the_buttons_words(tmp_path, may):
    """The desk checks the draft, renames C001 on the open book, presses «Rendi definitiva
    emissione»: the run stays a draft, and the box names the cell and the button that undoes it."""
    book = invoiced(tmp_path)
    (run,) = runs_in(tmp_path)
    book.sheet("Clienti").range("B2").value = "Bar Centrale Nuovo S.n.c."
    (shown,) = press(book, "finalize_run")
    assert shown[2] == "critical" and "Clienti!B2" in shown[0], shown
    assert ("«Ragione sociale» del cliente C001 ora è «Bar Centrale Nuovo S.n.c.», ma 1 bozza dell'emissione "
            f"{run.run_id} (FT-2026-00001) porta «Bar Centrale S.n.c.»") in shown[0]
    assert f"scrivi {run.run_id} in «Emissione fatture» e premi «Annulla emissione»" in shown[0]
    assert "rimetti «Bar Centrale S.n.c.», premi di nuovo «Rendi definitiva emissione»" in shown[0], shown
    assert [r.status.value for r in runs_in(tmp_path)] == ["draft"]


def test_finalize_run_after_a_pec_changed_makes_the_run_final_and_says_so(tmp_path, may):
    """C001 with no SDI code gets its e-invoice at its PEC, changed after the draft: the run is
    made final, and the box says the draft's PEC is where SDI delivers, not only that it is final."""
    sheets = minimal.sheets()
    sheets["Clienti"][0].append("PEC")
    sheets["Clienti"][1].append("bar.centrale@pec.it")
    book = fake(tmp_path, sheets)
    for name in ("preview_orders", "create_orders", "ship", "month_end_invoicing"):
        press(book, name)
    (run,) = runs_in(tmp_path)
    book.sheet("Clienti").range("K2").value = "amministrazione@pec.barcentrale.it"
    (shown,) = press(book, "finalize_run")
    assert f"Emissione {run.run_id}: 1 documento ora definitivo." in shown[0], shown
    assert "Clienti!K2" in shown[0] and "porta «bar.centrale@pec.it»" in shown[0], shown
    assert [r.status.value for r in runs_in(tmp_path)] == ["final"]


def test_finalize_run_with_its_copies_open_in_excel_says_the_run_is_final_and_how_to_write_them(tmp_path, may):
    book = invoiced(tmp_path)
    (run,) = runs_in(tmp_path)
    (tmp_path / "fatture-2026-04" / f"~$copie-fatture-{run.run_id}.xlsx").write_bytes(b"lock")
    (shown,) = press(book, "finalize_run")
    text, _, mode = shown
    assert mode == "critical" and [r.status.value for r in runs_in(tmp_path)] == ["final"]
    lines = text.splitlines()
    assert lines[0] == f"Emissione {run.run_id}: 1 documento ora definitivo."
    assert lines[-1].startswith("Le copie definitive non sono state scritte: chiudi il file, poi scrivile con "
                                "toolkit invoice export ") and f"{run.run_id} --out " in lines[-1], text


def test_undo_run_deletes_the_draft_run(tmp_path, may, reads):
    book = invoiced(tmp_path)
    (run,) = runs_in(tmp_path)
    folder = tmp_path / "fatture-2026-04"
    written = sorted(folder.iterdir())
    (folder / "fatture-2026-04.xlsx").write_bytes(b"the month's register, not the run's")
    assert [p.name for p in written] == [f"copie-fatture-{run.run_id}.xlsx", f"fatture-{run.run_id}.xlsx",
                                         f"registro-{run.run_id}.csv"]
    (shown,) = press(book, "undo_run", reads)
    assert shown[0] == "\n".join([
        f"Emissione {run.run_id} annullata: 1 documento cancellato; la numerazione riprende dal primo.",
        "File tolti con l'emissione:", *map(str, written)])
    assert runs_in(tmp_path) == []
    assert book.sheet(RUNS_SHEET).rows() == [["Emissione", "Stato", "Dal", "Al", "Fatture", "Numeri", "Totale"]]
    assert [p.name for p in folder.iterdir()] == ["fatture-2026-04.xlsx"]


def test_undo_run_pressed_twice_says_the_run_is_undone_already(tmp_path, may):
    """A second press on «Annulla emissione» (or a colleague's) undoes nothing: the box says
    the run went already, not «0 documenti cancellati», nor that the ledger never had it."""
    book = invoiced(tmp_path)
    (run,) = runs_in(tmp_path)
    press(book, "undo_run")
    (shown,) = press(book, "undo_run")
    text, _, mode = shown
    assert mode != "critical" and text.startswith(f"L'emissione {run.run_id} è già stata annullata ("), shown
    assert text.endswith("1 documento cancellato): nulla è cambiato."), text
    (refused,) = press(book, "finalize_run")
    assert refused[2] == "critical" and "il prossimo «Fatturazione fine mese» fattura le consegne" in refused[0]


def test_undo_run_finishing_an_interrupted_undo_refreshes_the_list_of_runs(tmp_path, may):
    """An undo killed once the ledger let the run go left its files aside; the next press finishes
    it (`invoice-run-undo-finished`) and counts no document, and the runs' sheet kept listing the
    run gone: it is written again, as after any undo."""
    from toolkit.services.invoicing import undo
    from toolkit.services.run_aside import hidden

    book = invoiced(tmp_path)
    (run,) = runs_in(tmp_path)
    folder = tmp_path / "fatture-2026-04"
    for path in sorted(folder.iterdir()):
        path.replace(hidden(path, run.run_id))
    assert undo(ledger_of(tmp_path), run.run_id)[0] == 1
    assert [r[0] for r in book.sheet(RUNS_SHEET).rows()[1:]] == [run.run_id]
    (shown,) = press(book, "undo_run")
    assert f"L'annullamento dell'emissione {run.run_id}" in shown[0] and shown[2] != "critical", shown
    assert book.sheet(RUNS_SHEET).rows() == [["Emissione", "Stato", "Dal", "Al", "Fatture", "Numeri", "Totale"]]
    assert list(folder.iterdir()) == []


def test_undo_run_with_its_copies_open_in_excel_undoes_nothing_and_says_which(tmp_path, may):
    """The BOZZA copies would stay behind the undo, their numbers soon another customer's: the
    undo waits until the file is closed, and nothing is undone or removed meanwhile."""
    book = invoiced(tmp_path)
    (run,) = runs_in(tmp_path)
    folder = tmp_path / "fatture-2026-04"
    (folder / f"~$copie-fatture-{run.run_id}.xlsx").write_bytes(b"lock")
    before = sorted(folder.iterdir())
    (shown,) = press(book, "undo_run")
    text, _, mode = shown
    assert mode == "critical" and [r.run_id for r in runs_in(tmp_path)] == [run.run_id]
    assert text.startswith(f"Il file {folder / f'copie-fatture-{run.run_id}.xlsx'} è aperto in Excel"), text
    assert sorted(folder.iterdir()) == before


def test_an_empty_run_cell_lists_the_runs_and_says_where(tmp_path, may):
    book = invoiced(tmp_path)
    (run,) = runs_in(tmp_path)
    fill(book, Emissione=None)
    book.sheet(RUNS_SHEET).cells.clear()
    (shown,) = press(book, "finalize_run")
    assert shown[2] == "critical" and "Emissione fatture" in shown[0] and "«Emissioni fatture»" in shown[0]
    assert book.sheet(RUNS_SHEET).rows()[1][0] == run.run_id
    assert [r.status.value for r in runs_in(tmp_path)] == ["draft"]



def test_month_end_leaves_out_a_customer_no_longer_on_the_sheet_then_invoices_it_once_back(tmp_path, may):
    """Both customers ship on 9 April; C002 is then taken off the sheet: the button invoices C001,
    names C002 and its DDT in a critical box, and invoices C002 once its row is back."""
    both = minimal.sheets()
    both["Modelli ordine"][2][4:6] = ["Settimanale", "gio"]
    both["Modelli ordine"][2][12] = None
    shipping = fake(tmp_path, both)
    for name in ("preview_orders", "create_orders", "ship"):
        press(shipping, name)
    without = minimal.sheets()
    without["Clienti"] = [row for row in without["Clienti"] if row[0] != "C002"]
    without["Modelli ordine"] = [row for row in without["Modelli ordine"] if row[1] != "C002"]
    without["Righe modello"] = [row for row in without["Righe modello"] if row[0] != "T002"]
    (shown,) = press(fake(tmp_path, without), "month_end_invoicing")
    (run,) = runs_in(tmp_path)
    text, _, mode = shown
    assert mode == "critical" and run.invoices == 1
    assert text.startswith(f"Emesso 1 documento in bozza (emissione {run.run_id}, nella cella B10)")
    assert "Fuori da questa fatturazione, perché non più nel foglio Clienti: C002." in text.splitlines()[0]
    assert "Il cliente C002 (Mario Rossi) non è più nel foglio Clienti ma ha DDT da fatturare (DDT-2026-" in text
    (again,) = press(fake(tmp_path, both), "month_end_invoicing")
    assert again[2] == "info" and again[0].startswith("Emesso 1 documento in bozza")
    assert sorted(r.invoices for r in runs_in(tmp_path)) == [1, 1]

# --- Registra incasso ---------------------------------------------------------------------------

def test_record_payment_reads_the_panel_cells_and_records_once(tmp_path, may, reads):
    book = invoiced(tmp_path)
    press(book, "finalize_run")
    fill(book, IncassoFattura="FT-2026-00001", IncassoData=datetime(2026, 5, 4), IncassoImporto=100.5,
         IncassoModalita="Bonifico")
    (shown,) = press(book, "record_payment", reads)
    assert shown == ("Registrato 1 incasso, 0 già presenti: FT-2026-00001, 100,50 € del 04/05/2026.",
                     "Registra incasso", "info")
    (again,) = press(book, "record_payment", reads)
    assert again[0] == "Registrati 0 incassi, 1 già presente: FT-2026-00001, 100,50 € del 04/05/2026."
    with reading(ledger_of(tmp_path)) as conn:
        (receivable,) = receivables(conn)
    assert [(p.payment_date, p.amount, p.method) for p in receivable.payments] == [
        (date(2026, 5, 4), Decimal("100.50"), "bank-transfer")]


def test_a_payment_voided_then_pressed_again_is_told_the_command_line_way_not_a_bare_option(tmp_path, may):
    """Voided from the command line, the same payment pressed again needs a reference the panel
    has not: the box says it is the command line's, not «--reference» alone."""
    from toolkit.core.payments import PaymentEntry
    from toolkit.services.payments import void

    book = invoiced(tmp_path)
    press(book, "finalize_run")
    fill(book, IncassoFattura="FT-2026-00001", IncassoData=datetime(2026, 5, 4), IncassoImporto=100.5)
    press(book, "record_payment")
    assert not void(ledger_of(tmp_path), PaymentEntry("FT-2026-00001", date(2026, 5, 4), Decimal("100.50"))).problems
    (again,) = press(book, "record_payment")
    assert again[2] == "critical"
    assert ("serve un riferimento diverso, che il pannello non ha: dalla riga di comando, toolkit payments record "
            "con --reference (es. il CRO del bonifico). Nulla è stato registrato.") in again[0], again[0]


def test_record_payment_names_the_bad_cells_and_records_nothing(tmp_path, may):
    book = invoiced(tmp_path)
    press(book, "finalize_run")
    fill(book, IncassoFattura="FT-2026-00001", IncassoData="ieri", IncassoImporto="tanto", IncassoModalita="baratto")
    (shown,) = press(book, "record_payment")
    text, _, mode = shown
    assert mode == "critical" and text.splitlines()[0] == "3 errori"
    assert {line.split(":")[0] for line in text.splitlines()[1:]} == {"Pannello!B5", "Pannello!B6", "Pannello!B7"}
    with reading(ledger_of(tmp_path)) as conn:
        assert [r.payments for r in receivables(conn)] == [()]


def test_record_payment_names_a_day_its_month_has_not(tmp_path, may):
    book = invoiced(tmp_path, english())
    press(book, "finalize_run")
    fill(book, IncassoFattura="FT-2026-00001", IncassoData="30/02/2026", IncassoImporto=10, IncassoModalita="bonifico")
    (shown,) = press(book, "record_payment")
    assert shown[0].splitlines()[1] == "Pannello!B5: “30/02/2026” does not exist: month 02/2026 has 28 days. " \
                                       "Correct the day.", shown[0]


def test_record_payment_on_a_draft_invoice_is_refused(tmp_path, may):
    book = invoiced(tmp_path, english())
    fill(book, IncassoFattura="FT-2026-00001", IncassoData=datetime(2026, 5, 4), IncassoImporto=10)
    (shown,) = press(book, "record_payment")
    assert shown[2] == "critical" and "still a draft" in shown[0] and shown[1] == "Record payment"



def test_a_draft_invoice_and_an_unknown_order_are_told_the_panel_way_not_the_commands(tmp_path, may):
    """A desk pays, credits or voids from the panel: the boxes name the cells and buttons that
    do it, where the services' words said toolkit invoice finalize, toolkit invoice undo and
    toolkit orders list."""
    book = invoiced(tmp_path)
    fill(book, IncassoFattura="FT-2026-00001", IncassoData=datetime(2026, 5, 4), IncassoImporto=10,
         NotaMotivo="Fatturata per errore", NumeroOrdine="OC-2026-09999", NuovoStato="Chiuso")
    (paid,) = press(book, "record_payment")
    assert ("La fattura FT-2026-00001 è ancora in bozza: rendila definitiva (la sua emissione in «Emissione "
            "fatture», poi «Rendi definitiva emissione») prima di registrare incassi.") in paid[0], paid[0]
    (credited,) = press(book, "credit_note")
    assert "(scrivi " in credited[0] and " in «Emissione fatture» e premi «Annulla emissione») e rifalla" in credited[0]
    (changed,) = press(book, "change_order_status")
    assert changed[0].endswith("L'ordine OC-2026-09999 non esiste nel registro: controlla il numero in «Ordine» (gli "
                               "ordini aperti: «Pannello di controllo»)."), changed[0]
    for box in (paid, credited, changed):
        assert "toolkit invoice finalize" not in box[0] and "toolkit orders list" not in box[0]
        assert "(toolkit invoice undo" not in box[0]


def test_ship_and_invoice_with_no_order_number_in_its_cell_says_what_to_write_there(tmp_path, may):
    """A lone comma in *Ordine* names no order: the box says which cell and which button, not
    --orders, --all and --quantities."""
    book = fake(tmp_path)
    fill(book, NumeroOrdine=" , ")
    (shown,) = press(book, "ship_and_invoice")
    assert shown[2] == "critical"
    assert shown[0].splitlines()[1] == (
        "Scegli cosa spedire: scrivi in «Ordine» i numeri d'ordine, separati da virgole, e premi «Spedisci e "
        "fattura», oppure premi «Spedisci (DDT)» per tutti gli ordini aperti fino a «Data ordini».")

# --- Nota di credito ------------------------------------------------------------------------------

def invoices_in(tmp_path: Path):
    from toolkit.ledger.invoices import load_invoices

    with reading(ledger_of(tmp_path)) as conn:
        return load_invoices(conn)


def final_invoice(tmp_path: Path, sheets=None) -> FakeBook:
    """FT-2026-00001 of 30 April, final: the month-end run of the minimal master, made final."""
    book = invoiced(tmp_path, sheets)
    press(book, "finalize_run")
    return book


def test_credit_note_credits_the_whole_invoice_and_prints_it_beside_the_book(tmp_path, may, reads):
    """The invoice cell "Registra incasso" reads, the lines left empty, a reason: the note takes
    back the whole invoice, dated today, and its file prints its number, the invoice it cites,
    the reason and the total."""
    book = final_invoice(tmp_path)
    fill(book, IncassoFattura="FT-2026-00001", NotaMotivo="Merce  mai consegnata")
    (shown,) = press(book, "credit_note", reads)
    [invoice, note] = invoices_in(tmp_path)
    target = tmp_path / "nota-di-credito-2026-05-04.xlsx"
    assert shown == (f"Emessa la nota di credito NC-2026-00001 del 04/05/2026 su FT-2026-00001: 302,04 € IVA inclusa."
                     f"\n{target}", "Nota di credito", "info")
    assert (note.number, note.kind.value, note.status.value, note.invoice_date) == (
        "NC-2026-00001", "credit-note", "final", date(2026, 5, 4))
    assert note.total == -invoice.total == Decimal("-302.04") and note.reason == "Merce mai consegnata"
    assert [c.number for c in note.cites] == ["FT-2026-00001"] and len(note.lines) == len(invoice.lines)
    sheet = openpyxl.load_workbook(target, data_only=True)["NC-2026-00001"]
    cells_of = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert {"NOTA DI CREDITO n. NC-2026-00001 del 04/05/2026", "Rif. fattura n. FT-2026-00001 del 30/04/2026",
            "Merce mai consegnata"} <= cells_of
    totals = {row[4].value: row[5].value for row in sheet.iter_rows(min_col=1, max_col=6) if row[4].value}
    assert totals["Totale documento"] == 302.04


def test_a_second_credit_note_of_the_day_gets_a_file_of_its_own(tmp_path, may):
    """Part of line 1 in the morning, the rest of the invoice in the afternoon: the morning's
    file keeps the morning's note."""
    book = final_invoice(tmp_path)
    fill(book, IncassoFattura="FT-2026-00001", NotaRighe="1:1", NotaMotivo="Un pezzo rotto")
    (morning,) = press(book, "credit_note")
    fill(book, NotaRighe=None, NotaMotivo="Reso il resto")
    (afternoon,) = press(book, "credit_note")
    first, second = tmp_path / "nota-di-credito-2026-05-04.xlsx", tmp_path / "nota-di-credito-2026-05-04-2.xlsx"
    assert morning[0].splitlines()[1] == str(first) and afternoon[0].splitlines()[1] == str(second)
    assert list(printed(first)) == ["NC-2026-00001"] and list(printed(second)) == ["NC-2026-00002"]
    [invoice, *notes] = invoices_in(tmp_path)
    assert sum(n.total for n in notes) == -invoice.total


def test_a_note_never_printed_stops_the_same_note_again(tmp_path, may, monkeypatch):
    """The press killed after storing the note, before the ledger knew it printed: pressed again
    for the same lines, refused, naming the note and how to issue a second one anyway."""
    import toolkit.services.printing

    book = final_invoice(tmp_path)
    fill(book, IncassoFattura="FT-2026-00001", NotaRighe="1:1", NotaMotivo="Un pezzo rotto")
    real = toolkit.services.printing.mark
    monkeypatch.setattr(toolkit.services.printing, "mark", lambda *args: None)
    press(book, "credit_note")
    monkeypatch.setattr(toolkit.services.printing, "mark", real)
    (again,) = press(book, "credit_note")
    assert again[2] == "critical", again
    assert "ha già la nota di credito NC-2026-00001 del 04/05/2026 per le stesse righe (1)" in again[0]
    assert (f"Nessun pulsante la ristampa: stampala dalla riga di comando con toolkit print invoices {tmp_path / BOOK} "
            "--unprinted --numbers NC-2026-00001 ") in again[0], again[0]
    assert again[0].rstrip().endswith("emettila dalla riga di comando, toolkit invoice credit con --again.")
    assert [x.number for x in invoices_in(tmp_path)] == ["FT-2026-00001", "NC-2026-00001"]


def test_credit_note_refusals_name_the_cell_and_store_nothing(tmp_path, may):
    book = final_invoice(tmp_path)
    fill(book, IncassoFattura="FT-2026-00009", NotaRighe="1:tre", NotaMotivo="   ")
    (shown,) = press(book, "credit_note")
    text, title, mode = shown
    assert (title, mode) == ("Nota di credito", "critical") and text.splitlines()[0] == "2 errori"
    assert "Pannello!B17: «1:tre» non sono righe della fattura: scrivi i numeri di riga" in text
    assert "Pannello!B18: Scrivi «Motivo nota di credito» nella cella B18 del foglio Pannello" in text
    fill(book, NotaRighe=None, NotaMotivo="Fatturata per errore")
    (unknown,) = press(book, "credit_note")
    assert unknown[2] == "critical"
    assert unknown[0].splitlines()[1].startswith("Nel registro non c'è la fattura FT-2026-00009 indicata in "
                                                 "Pannello!B4: controlla il numero")
    fill(book, IncassoFattura="FT-2026-00001", NotaRighe="7")
    (line,) = press(book, "credit_note")
    assert "La fattura FT-2026-00001 non ha la riga 7 indicata in Pannello!B17: le sue righe vanno da 1 a 2." in line[0]
    fill(book, NotaRighe=None, NotaMotivo="x" * 201)
    (long,) = press(book, "credit_note")
    assert "Pannello!B18: Il motivo è lungo 201 caratteri: accorcialo a 200 al massimo" in long[0]
    fill(book, NotaMotivo="Merce “rotta” 😀")
    (emoji,) = press(book, "credit_note")
    assert "Pannello!B18: Il motivo contiene caratteri che la fattura elettronica non accetta (😀)" in emoji[0]
    assert [x.number for x in invoices_in(tmp_path)] == ["FT-2026-00001"]
    assert not list(tmp_path.glob("nota-di-credito-*"))


def test_credit_note_refuses_a_line_written_twice_in_its_cell(tmp_path, may):
    """*Righe da accreditare* `1,1` credited all of line 1 twice: refused naming the cell and the
    line, nothing stored, no file written."""
    book = final_invoice(tmp_path)
    fill(book, IncassoFattura="FT-2026-00001", NotaRighe="1,2:1.5,1", NotaMotivo="Reso")
    (shown,) = press(book, "credit_note")
    text, title, mode = shown
    assert (title, mode) == ("Nota di credito", "critical")
    assert ("Pannello!B17: Riga della fattura indicata più di una volta in «Righe da accreditare» (1,1): riga 1. "
            "Nulla è stato registrato") in text, text
    assert [x.number for x in invoices_in(tmp_path)] == ["FT-2026-00001"]
    assert not list(tmp_path.glob("nota-di-credito-*"))


def test_credit_note_names_both_readings_of_a_decimal_comma_in_its_cell(tmp_path, may):
    """*Righe da accreditare* `1:1,5` is 1.5 of line 1 written with a comma, or 1 of line 1 and
    all of line 5: the panel says how to write each, as `--lines` does, not only that the cell
    holds no lines; nothing stored, no file written."""
    book = final_invoice(tmp_path)
    fill(book, IncassoFattura="FT-2026-00001", NotaRighe="1:1,5", NotaMotivo="Reso")
    (shown,) = press(book, "credit_note")
    assert shown[1:] == ("Nota di credito", "critical")
    assert shown[0].splitlines() == [
        "1 errore", "Pannello!B17: «1:1,5» è ambiguo: per 1,5 unità della riga 1 scrivi 1:1.5 (il punto per i "
                    "decimali); per tutta la riga 5 oltre a 1 della riga 1 scrivila prima: 5,1:1. Nulla è stato "
                    "registrato."], shown[0]
    assert [x.number for x in invoices_in(tmp_path)] == ["FT-2026-00001"]
    assert not list(tmp_path.glob("nota-di-credito-*"))


def test_credit_note_speaks_an_english_workbook(tmp_path, may):
    book = final_invoice(tmp_path, english())
    fill(book, IncassoFattura="FT-2026-00001", NotaMotivo="Billed in error")
    (issued,) = press(book, "credit_note")
    assert issued[1:] == ("Credit note", "info")
    assert issued[0].splitlines()[0] == ("Issued credit note NC-2026-00001 of 04/05/2026 on FT-2026-00001: "
                                          "€302.04 VAT included.")
    fill(book, IncassoFattura="NC-2026-00001")
    (shown,) = press(book, "credit_note")
    assert shown[1:] == ("Credit note", "critical") and shown[0].splitlines() == [
        "1 error", "NC-2026-00001, named in Pannello!B4, is a credit note, not an invoice: name the invoice it "
                   "corrects."]
    assert len(invoices_in(tmp_path)) == 2


# --- Nota di debito -------------------------------------------------------------------------------

def test_debit_note_asks_then_adds_the_amount_to_the_invoice_and_prints_it_beside_the_book(tmp_path, may):
    """The panel issued no debit note: the desk needed the command line. The invoice in «Fattura»,
    the amount in «Importo nota di debito», the reason in «Motivo nota di credito»: the press asks
    first (No stores nothing), then issues it, dated today, printed beside the book."""
    book = final_invoice(tmp_path)
    fill(book, IncassoFattura="FT-2026-00001", NotaDebitoImporto=25.5, NotaDebitoAliquota=22,
         NotaMotivo="Trasporto non fatturato")
    book.answers = ["no"]
    x.debit_note(book)
    (asked,) = book.alerts[-1:]
    assert asked[2] == "yes_no" and asked[0].startswith(
        "Emetto una nota di debito sulla fattura FT-2026-00001 di 25,50 € più IVA all'aliquota «22», perché: "
        "«Trasporto non fatturato»?"), asked  # «Aliquota nota di debito» may hold an earlier note's rate: told
    assert [x.number for x in invoices_in(tmp_path)] == ["FT-2026-00001"]
    book.answers = ["yes"]
    _, shown = press(book, "debit_note")
    target = tmp_path / "nota-di-debito-2026-05-04.xlsx"
    assert shown == ("Emessa la nota di debito FT-2026-00002 del 04/05/2026 su FT-2026-00001: 31,11 € IVA inclusa."
                     f"\n{target}", "Nota di debito", "info")
    [_, note] = invoices_in(tmp_path)
    assert (note.debit_note, note.taxable, note.reason) == (True, Decimal("25.50"), "Trasporto non fatturato")
    assert {"NOTA DI DEBITO n. FT-2026-00002 del 04/05/2026", "Rif. fattura n. FT-2026-00001 del 30/04/2026"} <= \
        printed(target)["FT-2026-00002"]


def test_debit_note_refusals_name_the_cell_and_the_panel_way(tmp_path, may):
    """A negative amount is a credit note's, refused at its cell before asking; an invoice of two
    rates, the rate missing or not its own, names «Aliquota nota di debito», not --rate; nothing
    stored, no file."""
    book = final_invoice(tmp_path)
    fill(book, IncassoFattura="FT-2026-00001", NotaDebitoImporto=-10, NotaMotivo="Trasporto")
    (shown,) = press(book, "debit_note")
    assert shown[2] == "critical" and "Pannello!B22: «-10» non è un importo da addebitare" in shown[0], shown
    fill(book, NotaDebitoImporto=10)
    book.answers = ["yes"]
    _, needed = press(book, "debit_note")
    assert needed[2] == "critical" and "ha più aliquote (22, 4): scrivi in «Aliquota nota di debito»" in needed[0]
    fill(book, NotaDebitoAliquota="7")
    book.answers = ["yes"]
    _, refused = press(book, "debit_note")
    assert refused[2] == "critical" and "indicata in «Aliquota nota di debito»" in refused[0], refused
    assert "--rate" not in needed[0] + refused[0]
    assert [x.number for x in invoices_in(tmp_path)] == ["FT-2026-00001"]
    assert not list(tmp_path.glob("nota-di-debito-*"))


def test_debit_note_on_a_credit_note_or_an_invoice_credited_in_full_names_the_panels_cell(tmp_path, may):
    """Refused as the command refuses them, the message named no cell: it says where the number
    was typed, «Pannello!B4», as the credit note's refusals do; nothing stored."""
    book = final_invoice(tmp_path)
    fill(book, IncassoFattura="FT-2026-00001", NotaMotivo="Merce mai consegnata")
    press(book, "credit_note")
    for number, code in (("NC-2026-00001", "è una nota di credito"), ("FT-2026-00001", "accreditata per intero")):
        fill(book, IncassoFattura=number, NotaDebitoImporto=10, NotaDebitoAliquota=None, NotaMotivo="Trasporto")
        book.answers = ["yes"]
        _, refused = press(book, "debit_note")
        assert refused[2] == "critical" and code in refused[0] and "Pannello!B4" in refused[0], refused
        assert "--invoice" not in refused[0]
    assert [x.number for x in invoices_in(tmp_path)] == ["FT-2026-00001", "NC-2026-00001"]


# --- Nessun accredito dovuto ---------------------------------------------------------------------

WHY = "Già rimborsato con NC-2026-00001"


def credited_return(tmp_path: Path) -> tuple[FakeBook, str, str]:
    """`test_returns_no_credit`'s scene in the book's ledger: C002's April invoice credited in
    full, then its return of 20 May left out of May's month end, its DDT waiting. The book,
    the return's number and its DDT."""
    from test_credit_returns import sheets
    from test_returns_no_credit import refused_return

    _, number, ddt = refused_return(ledger_of(tmp_path))
    return fake(tmp_path, sheets(returned=1)), number, ddt


def no_credit_recorded(tmp_path: Path) -> dict:
    from toolkit.services.orders import list_orders
    from toolkit.services.returns import no_credit_given

    ledger = ledger_of(tmp_path)
    return {n: x.reason for n, x in no_credit_given(ledger, list_orders(ledger)).items()}


def test_no_credit_due_asks_then_closes_the_return_its_ddt_waiting_no_more(tmp_path, reads):
    """The return in *Ordine*, the reason in *Motivo nota di credito*: on Yes, recorded as
    `returns no-credit` records it, the return completed, and May's month end has nothing left."""
    from test_credit_returns import MAY, MAY_RUN, master

    from toolkit.core.invoicing import Request
    from toolkit.services.invoicing import run

    book, number, ddt = credited_return(tmp_path)
    fill(book, NumeroOrdine=number, NotaMotivo="  Già rimborsato\ncon NC-2026-00001 ")
    book.answers = ["yes"]
    question, shown = press(book, "no_credit_due", reads)
    assert question == (f"Il reso {number} non avrà nota di credito, perché: «{WHY}». Il suo DDT non attende più la "
                        "fattura e il reso si chiude. Confermi?", "Nessun accredito dovuto", "yes_no")
    assert shown == (f"Reso {number}: nessun accredito dovuto, registrato; i DDT {ddt} non attendono più la fattura; "
                     "ora «Completato».", "Nessun accredito dovuto", "info")
    assert no_credit_recorded(tmp_path) == {number: WHY}
    preview = run(ledger_of(tmp_path), master(returned=1), Request(MAY, MAY_RUN), preview=True, lang="it")
    assert (preview.invoices, preview.problems) == ([], [])


def test_no_credit_due_on_no_records_nothing_and_shows_nothing_more(tmp_path):
    book, number, _ = credited_return(tmp_path)
    fill(book, NumeroOrdine=number, NotaMotivo=WHY)
    before = len(book.alerts)
    x.no_credit_due(book)
    (question,) = book.alerts[before:]
    assert question[2] == "yes_no" and number in question[0]
    assert no_credit_recorded(tmp_path) == {}


def test_no_credit_due_refusals_name_the_cell_and_store_nothing(tmp_path):
    """Empty cells are named before any question, and the ledger's refusals too (an unknown
    number, an order that is not a return) at *Ordine*; a reason too long at its cell; nothing
    recorded."""
    book, number, _ = credited_return(tmp_path)
    (empty,) = press(book, "no_credit_due")
    assert empty[2] == "critical" and empty[0].splitlines() == [
        "2 errori", "Pannello!B8: Scrivi «Ordine» nella cella B8 del foglio Pannello, poi riprova.",
        "Pannello!B18: Scrivi «Motivo nota di credito» nella cella B18 del foglio Pannello, poi riprova."]
    fill(book, NumeroOrdine=number, NotaMotivo="x" * 201)
    (long,) = press(book, "no_credit_due")
    assert long[0].splitlines()[1] == "Pannello!B18: Il motivo è lungo 201 caratteri: accorcialo a 200 al massimo."
    fill(book, NumeroOrdine="OC-2026-99999", NotaMotivo=WHY)
    (unknown,) = press(book, "no_credit_due")
    assert unknown[2] == "critical" and unknown[0].splitlines()[1].startswith("Pannello!B8: ")
    assert "OC-2026-99999" in unknown[0]
    [sold] = [o.number for o in orders_in(tmp_path) if o.customer == "C002" and o.order_date.month == 4]
    fill(book, NumeroOrdine=sold)
    (other,) = press(book, "no_credit_due")
    assert other[0].splitlines()[1].startswith(f"Pannello!B8: L'ordine {sold} è di tipo «Ordine standard», non un "
                                               "reso"), other[0]
    assert no_credit_recorded(tmp_path) == {}


def test_no_credit_due_speaks_an_english_workbook(tmp_path):
    from test_credit_returns import sheets

    _, number, ddt = credited_return(tmp_path)
    book = fake(tmp_path, english(sheets(returned=1)))
    fill(book, NumeroOrdine=number, NotaMotivo=WHY)
    book.answers = ["yes"]
    question, shown = press(book, "no_credit_due")
    assert question[1:] == ("No credit due", "yes_no") and question[0].startswith(f"Return {number} will get no")
    assert shown == (f"Return {number}: no credit due, recorded; DDTs {ddt} no longer wait to be invoiced; now "
                     "“Completed”.", "No credit due", "info")


# --- Report ----------------------------------------------------------------------------------------

def test_report_reads_the_period_and_kind_and_writes_beside_the_book(tmp_path, may, reads):
    from python_calamine import CalamineWorkbook

    book = invoiced(tmp_path)
    fill(book, PeriodoDal=datetime(2026, 4, 1), PeriodoAl=datetime(2026, 4, 30), TipoReport="Vendite (ordinato)")
    (shown,) = press(book, "sales_report", reads)
    target = tmp_path / "report-vendite-2026-04-01-2026-04-30.xlsx"
    assert shown == (f"Report scritto in {target}", "Report", "info")
    workbook = CalamineWorkbook.from_path(str(target))
    assert workbook.sheet_names == ["Riepilogo", "Report", "Dati"]
    with reading(ledger_of(tmp_path)) as conn:
        ordered = sum((o.amount for o in load_orders(conn)), Decimal(0))
    rows = workbook.get_sheet_by_name("Dati").to_python()
    assert sum(Decimal(str(r[-1])).quantize(Decimal("0.01")) for r in rows[5:]) == ordered


@pytest.mark.parametrize("typed", ["scadenziario", "SCADENZIARIO CREDITI APERTI", "aging"])
def test_report_takes_the_kind_as_the_command_line_does(tmp_path, typed):
    """The desk types `scadenziario` over the dropdown, as `toolkit report scadenziario` takes it."""
    book = fake(tmp_path)
    fill(book, PeriodoDal=datetime(2026, 4, 1), PeriodoAl=datetime(2026, 4, 30), TipoReport=typed)
    (shown,) = press(book, "sales_report")
    target = tmp_path / "report-scadenziario-2026-04-30.xlsx"
    assert shown == (f"Report scritto in {target}", "Report", "info")
    assert target.is_file()


@pytest.mark.parametrize("first", [None, datetime(2026, 5, 1)])
def test_report_of_the_aging_reads_al_alone(tmp_path, first):
    """*Dal* selects nothing of an aging: an empty *Dal* stopped the button at B14, and one after
    *Al* at B15, «Al prima di Dal». The aging on *Al* is written, named by that day alone."""
    book = fake(tmp_path)
    fill(book, PeriodoDal=first, PeriodoAl=datetime(2026, 4, 30), TipoReport="scadenziario")
    (shown,) = press(book, "sales_report")
    target = tmp_path / "report-scadenziario-2026-04-30.xlsx"
    assert shown == (f"Report scritto in {target}", "Report", "info")
    assert target.is_file()


def test_report_of_the_aging_on_a_day_after_today_says_it_is_a_forecast(tmp_path, may):
    """The panel's *Al* at the month's end, pressed on 4 May for an aging on 31 May: the report is
    written and the box says it is a forecast, in the panel's words (*Al*, not --to)."""
    book = fake(tmp_path)
    fill(book, PeriodoDal=datetime(2026, 5, 1), PeriodoAl=datetime(2026, 5, 31), TipoReport="scadenziario")
    (shown,) = press(book, "sales_report")
    target = tmp_path / "report-scadenziario-2026-05-31.xlsx"
    assert shown == ("\n".join([
        f"Report scritto in {target}",
        "Lo scadenziario è al 31/05/2026, dopo oggi (04/05/2026): le rate che scadono fino a quel giorno vi "
        "risultano già scadute e gli incassi di quei giorni non ci sono ancora. È una previsione, non la situazione "
        "di oggi: per quella metti in «Al» la data di oggi."]), "Report", "info")
    assert target.is_file()


def test_report_names_the_bad_cells(tmp_path):
    book = fake(tmp_path)
    fill(book, PeriodoDal="ieri", TipoReport="oroscopo")
    (shown,) = press(book, "sales_report")
    text, _, mode = shown
    assert mode == "critical"
    assert {line.split(":")[0] for line in text.splitlines()[1:]} == {"Pannello!B14", "Pannello!B15", "Pannello!B16"}


def test_report_refuses_a_period_that_ends_before_it_starts(tmp_path):
    book = fake(tmp_path)
    fill(book, PeriodoDal=datetime(2026, 4, 30), PeriodoAl=datetime(2026, 4, 1), TipoReport="vendite")
    (shown,) = press(book, "sales_report")
    assert shown[2] == "critical" and "Pannello!B15" in shown[0]
    assert not list(tmp_path.glob("report-*.xlsx"))


# --- every button -------------------------------------------------------------------------------

def test_every_button_is_exported_and_named_in_both_languages():
    assert len({b.macro for b in BUTTONS}) == len({b.function for b in BUTTONS}) == len(BUTTONS) == 33
    for b in BUTTONS:
        assert callable(getattr(x, b.function)) and b.english and b.english != b.caption


def test_the_new_buttons_cost_the_same_round_trips_at_ten_times_the_data(tmp_path, may):
    from test_excel_buttons import scaled

    sequence = ("preview_orders", "create_orders", "control_panel", "ship_forced", "month_end_invoicing",
                "finalize_run", "invoice_register", "record_payment", "change_order_status")
    per_scale = []
    for factor in (1, 10):
        folder = tmp_path / str(factor)
        folder.mkdir()
        sheets = scaled(minimal.sheets(), factor)
        book = fake(folder, sheets)
        book.answers = ["yes"]
        counts = {}
        for name in sequence:
            if name == "record_payment":
                fill(book, IncassoFattura="FT-2026-00001", IncassoData=datetime(2026, 5, 4), IncassoImporto=10)
            if name == "change_order_status":
                fill(book, NumeroOrdine="OC-2026-00001", NuovoStato="Chiuso")
            shown = press(book, name)
            assert shown[-1][2] == "info", (name, shown[-1][0])
            counts[name] = Counter(book.calls)
        assert len(orders_in(folder)) == factor
        per_scale.append(counts)
    for name in sequence:
        assert per_scale[0][name] == per_scale[1][name], name


# --- Conferma offerta, Spedisci e fattura (issue 16) -------------------------------------------

def quoted():
    """The minimal master with T001 a quotation (*Preventivo*): its order is a draft to confirm."""
    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Modelli ordine", "M2", "Preventivo")
    return sheets


def test_confirm_quotation_makes_the_order_once(tmp_path, may, reads):
    book = fake(tmp_path, quoted())
    press(book, "preview_orders")
    press(book, "create_orders")
    fill(book, NumeroOrdine="OC-2026-00001")
    (shown,) = press(book, "confirm_quotation", reads)
    assert shown == ("OC-2026-00001 confermato: ordine OC-2026-00002 del 04/05/2026.", "Conferma offerta", "info")
    quotation, order = orders_in(tmp_path)
    assert (quotation.document_type.value, quotation.status.value) == ("quotation", "closed")
    assert (order.document_type.value, order.status.value, order.template, order.confirms) == (
        "standard", "in-progress", None, "OC-2026-00001")
    assert order.order_date == date(2026, 5, 4) and order.quantity == quotation.quantity
    (again,) = press(book, "confirm_quotation")
    assert again[2] == "critical" and "OC-2026-00002" in again[0]
    assert len(orders_in(tmp_path)) == 2


def _quoted_for_a_customer_invoiced_at_once(tmp_path):
    """The quotation's sheets with C001 invoiced *Immediato*, and the book whose orders of the
    day (the quotation among them) are created."""
    sheets = quoted()
    minimal.set_cell(sheets, "Clienti", "K1", "Termini di fatturazione")
    minimal.set_cell(sheets, "Clienti", "K2", "Immediato")
    book = fake(tmp_path, sheets)
    press(book, "preview_orders")
    press(book, "create_orders")
    return sheets, book


def test_confirm_quotation_prints_the_invoice_of_a_customer_invoiced_at_once(tmp_path, may):
    """C001 invoiced *Immediato*: confirming issues its invoice with the order, and the press
    prints it beside the book, so a later press finds no invoice recorded and never printed."""
    import openpyxl

    sheets, book = _quoted_for_a_customer_invoiced_at_once(tmp_path)
    fill(book, NumeroOrdine="OC-2026-00001")
    (shown,) = press(book, "confirm_quotation")
    [invoice] = invoices_in(tmp_path)
    target = tmp_path / "fatture-conferme-2026-05-04.xlsx"
    assert shown[0].splitlines()[1] == f"Fattura emessa: {invoice.number}: {target}", shown
    assert openpyxl.load_workbook(target).sheetnames == [invoice.number]
    fill(book, NumeroOrdine=None)
    press(book, "preview_orders")
    (created,) = press(book, "create_orders")
    assert "mai stampat" not in created[0], created


def test_confirm_quotation_shows_the_warnings_of_the_invoice_issued_at_once(tmp_path, may):
    """A001 went from 22 % to 10 % on *Articoli* after the quotation was made: the invoice of a
    customer invoiced at once charges the rate of its day, and the box says so at the cell, as
    `toolkit orders confirm` prints it (`vat-rate-changed-at-invoice`), not only its errors."""
    sheets, book = _quoted_for_a_customer_invoiced_at_once(tmp_path)
    assert (sheets["Articoli"][0][3], sheets["Articoli"][1][3]) == ("Aliquota IVA", 22)
    book.sheet("Articoli").cells[(2, 4)] = 10
    fill(book, NumeroOrdine="OC-2026-00001")
    (shown,) = press(book, "confirm_quotation")
    [invoice] = invoices_in(tmp_path)
    assert [x.vat_rate for x in invoice.lines if x.item == "A001"] == [10]
    assert shown[2] == "info", shown
    assert "Articoli!D2" in shown[0] and "L'ordine OC-2026-00002 aveva A001 con IVA 22 %: la fattura del 04/05/2026" \
        in shown[0], shown


def test_confirm_quotation_names_the_empty_cell_and_refuses_an_order(tmp_path, may):
    book = fake(tmp_path, english())
    (shown,) = press(book, "confirm_quotation")
    assert shown[2] == "critical" and shown[1] == "Confirm quotation"
    assert "Pannello!B8: Write “Ordine” in cell B8" in shown[0]
    press(book, "preview_orders")
    press(book, "create_orders")
    fill(book, NumeroOrdine="OC-2026-00001")
    (refused,) = press(book, "confirm_quotation")
    assert refused[2] == "critical" and "only quotations and proposals are confirmed" in refused[0]
    assert [o.status.value for o in orders_in(tmp_path)] == ["in-progress"]


def test_ship_and_invoice_ships_the_named_order_and_invoices_it(tmp_path, may, reads):
    from toolkit.ledger.invoices import load_invoices

    book = fake(tmp_path)
    press(book, "preview_orders")
    press(book, "create_orders")
    fill(book, NumeroOrdine="OC-2026-00001")
    (shown,) = press(book, "ship_and_invoice", reads)
    text, title, mode = shown
    assert (title, mode) == ("Spedisci e fattura", "info")
    lines = text.splitlines()
    assert lines[0] == "DDT emessi: 1, ordini trattenuti: 0. Fatture emesse con i DDT: 1."
    assert lines[1:3] == [f"DDT DDT-2026-00001: {tmp_path / 'ddt-2026-04-09.xlsx'}",
                          f"Fattura FT-2026-00001: {tmp_path / 'ddt-2026-04-09-fatture.xlsx'}"]
    assert (tmp_path / "ddt-2026-04-09.xlsx").exists() and (tmp_path / "ddt-2026-04-09-fatture.xlsx").exists()
    assert [o.to_ship for o in orders_in(tmp_path)] == [0]
    with reading(ledger_of(tmp_path)) as conn:
        [invoice] = load_invoices(conn)
        [note] = load_notes(conn)
    assert (invoice.number, invoice.invoice_date, invoice.status.value) == ("FT-2026-00001", date(2026, 4, 9), "final")
    assert [d.number for d in invoice.deliveries] == [note.number]


def test_ship_and_invoice_wants_an_order_and_ships_nothing_unknown(tmp_path, may):
    book = fake(tmp_path)
    press(book, "preview_orders")
    press(book, "create_orders")
    (shown,) = press(book, "ship_and_invoice")
    assert shown[2] == "critical" and "Pannello!B8" in shown[0]
    fill(book, NumeroOrdine="OC-2026-00009")
    (shown,) = press(book, "ship_and_invoice")
    assert shown[2] == "critical" and "OC-2026-00009" in shown[0]
    assert [o.to_ship for o in orders_in(tmp_path)] == [36]


# --- Apri, Registra azione, Chiudi richiesta, Richieste aperte (issue 16) ----------------------

def requests_in(tmp_path: Path):
    from toolkit.ledger.requests import load_requests

    with reading(ledger_of(tmp_path)) as conn:
        return load_requests(conn)


def test_a_request_is_opened_acted_on_and_closed_from_the_panel(tmp_path, reads):
    book = fake(tmp_path)
    fill(book, Richiesta="C001", TipoRichiesta="Reclamo", TestoRichiesta="Latte scaduto nella consegna")
    (shown,) = press(book, "open_request", reads)
    assert shown == ("Richiesta 1 (Reclamo, cliente C001): aperta.", "Apri richiesta", "info")
    [made] = requests_in(tmp_path)
    assert (made.customer, made.kind.value, made.text, made.is_open) == (
        "C001", "complaint", "Latte scaduto nella consegna", True)

    fill(book, Richiesta=1.0, TestoRichiesta="Sostituito il latte")   # Excel keeps a typed 1 as 1.0
    (shown,) = press(book, "act_on_request", reads)
    assert shown == ("Richiesta 1 (Reclamo, cliente C001): aperta.", "Registra azione richiesta", "info")
    fill(book, TestoRichiesta=None)
    (shown,) = press(book, "close_request", reads)
    assert shown == ("Richiesta 1 (Reclamo, cliente C001): chiusa.", "Chiudi richiesta", "info")
    [done] = requests_in(tmp_path)
    assert [(s.action.value, s.text) for s in done.history] == [
        ("opened", "Latte scaduto nella consegna"), ("acted", "Sostituito il latte"), ("closed", None)]
    assert all(s.by for s in done.history) and not done.is_open

    (again,) = press(book, "close_request")
    assert again[2] != "critical" and again[0].startswith("La richiesta 1 è già chiusa dal "), again
    assert again[0].endswith("): nulla è cambiato."), again
    fill(book, TestoRichiesta="Richiamato il cliente")
    (refused,) = press(book, "act_on_request")
    assert refused[2] == "critical" and refused[0].splitlines()[1].startswith("Pannello!B11: La richiesta 1 è chiusa")


def test_request_buttons_name_the_cell_to_fix(tmp_path):
    book = fake(tmp_path, english())
    (shown,) = press(book, "open_request")
    assert shown[2] == "critical" and shown[1] == "Open request"
    for cell in ("B11", "B12", "B13"):
        assert f"Pannello!{cell}: Write" in shown[0]
    fill(book, Richiesta="C999", TipoRichiesta="Lamentela?", TestoRichiesta="x")
    (shown,) = press(book, "open_request")
    assert "Pannello!B12: “Lamentela?” is not one of the choices" in shown[0]
    fill(book, TipoRichiesta="complaint")
    (shown,) = press(book, "open_request")
    assert "Pannello!B11: Customer C999 is not in the Customers sheet" in shown[0]
    fill(book, Richiesta="R-1", TestoRichiesta="called back")
    (shown,) = press(book, "act_on_request")
    assert "Pannello!B11: “R-1” is not a request number" in shown[0]
    fill(book, Richiesta=7)
    (shown,) = press(book, "act_on_request")
    assert "Pannello!B11: The ledger has no request 7" in shown[0]
    assert requests_in(tmp_path) == []


def test_a_request_number_too_large_for_the_ledger_is_refused_at_its_cell(tmp_path):
    """A number of twenty digits, or 1E+308, in *Cliente o richiesta* reached the ledger's query:
    *Errore interno / internal error: OverflowError*, where any other number not a request names
    the cell."""
    book = fake(tmp_path)
    fill(book, Richiesta="C001", TipoRichiesta="Reclamo", TestoRichiesta="Latte scaduto")
    press(book, "open_request")
    for number in (1e308, "99999999999999999999", 2.0**31):
        fill(book, Richiesta=number, TestoRichiesta="Richiamato")
        for name in ("act_on_request", "close_request"):
            ((text, _, mode),) = press(book, name)
            assert mode == "critical" and text.splitlines()[1].startswith("Pannello!B11: «"), text
            assert "non è il numero di una richiesta" in text, text
    [kept] = requests_in(tmp_path)
    assert [s.action.value for s in kept.history] == ["opened"]


def test_a_run_id_holding_a_slash_is_no_run_and_nothing_is_undone(tmp_path):
    """A date typed in *Emissione fatture* (`09/04/2026`, or a date cell) named the run's folder
    with a slash: *Errore interno / internal error: ValueError: Invalid name 'fatture-09/0-4/'*
    where a run id not in the ledger names the cell and the fix."""
    book = invoiced(tmp_path)
    drafted = book.sheet("Pannello").value("B10")
    for typed in ("09/04/2026", datetime(2026, 4, 30), "a\\b"):
        fill(book, Emissione=typed)
        ((text, _, mode),) = press(book, "undo_run")
        assert mode == "critical" and "Pannello!B10: Nel registro non c'è un'emissione di fatture" in text, text
    with reading(ledger_of(tmp_path)) as conn:
        assert [r.run_id for r in run_summaries(conn)] == [drafted]


def test_a_book_whose_folder_is_a_file_now_is_told_at_every_button_that_writes_a_file(tmp_path):
    """*Calendario* made the book's folder to write beside it, and met a file of that name (the
    folder moved and a file left in its place, a share that now shows a file): *Errore interno /
    internal error: FileExistsError*, where the other buttons said the folder is not one."""
    (tmp_path / "cartella").write_text("non una cartella", encoding="utf-8")
    book = FakeBook(BOOK, {"Pannello": [["Ordini ricorrenti"], [None], ["Data ordini", datetime(2026, 4, 9)]],
                           **minimal.sheets()}, fullname=str(tmp_path / "cartella" / BOOK), names=NAMES)
    ((text, _, mode),) = press(book, "calendar")
    assert mode == "critical" and f"{tmp_path / 'cartella'} non è una cartella" in text, text
    for name in ("distribution_list", "payment_status"):  # their ledger, beside the book, is not there
        ((text, _, mode),) = press(book, name)
        assert mode == "critical" and "internal error" not in text and "collega il disco" in text, (name, text)
    assert (tmp_path / "cartella").read_text(encoding="utf-8") == "non una cartella"


def test_a_panel_cell_whose_name_was_deleted_is_named_with_the_way_to_define_it_again(tmp_path):
    """A name deleted in *Gestione nomi* (or lost with its row: `#RIF!`) made Excel refuse the
    range, and every button reading that cell showed *Errore interno / internal error*, with
    nothing to say which cell nor what to do. Nothing is written."""
    book = FakeBook(BOOK, {"Pannello": [["Ordini ricorrenti"], [None], ["Data ordini", datetime(2026, 4, 9)]],
                           **english()}, fullname=str(tmp_path / BOOK),
                    names={k: v for k, v in NAMES.items() if k not in ("NumeroOrdine", "PeriodoDal")})
    for name, (field, cell) in {"change_order_status": ("NumeroOrdine", "B8"), "confirm_quotation": ("NumeroOrdine", "B8"),
                                "commissions": ("PeriodoDal", "B14")}.items():
        ((text, _, mode),) = press(book, name)
        assert mode == "critical" and "internal error" not in text, (name, text)
        assert f"cell named {field}" in text and f"{field} on Pannello!{cell}" in text, (name, text)
    assert book.sheet_names() == ["Pannello", *english()] and book.sheet("Pannello").value("B10") is None
    book.names.pop("DataOrdini")
    ((text, _, mode),) = press(book, "preview_orders")
    assert mode == "critical" and "cell named DataOrdini (“Data ordini”, at B3)" in text, text


PROTECTED = "è protetto: Excel non lascia scriverci"
NOT_REFRESHED = "è protetto e non è stato aggiornato: quanto detto sopra è fatto lo stesso, non c'è da ripeterlo"


def test_a_protected_sheet_a_button_writes_is_named_with_the_way_to_unprotect_it(tmp_path):
    """Excel refuses every write to a protected sheet (a COM error), and the press ended in
    *Errore interno / internal error*: before anything was stored (the preview, the data check's
    report), and after (the orders created, the run issued), where the desk, told of a failure,
    pressed again. A press that stores nothing names the sheet, critical; one that stored says
    what it did and which sheet it could not bring up to date."""
    book = fake(tmp_path)
    book.sheets.add("Anteprima ordini")
    book.protected = {"Anteprima ordini"}
    ((text, _, mode),) = press(book, "preview_orders")
    assert mode == "critical" and f"Il foglio «Anteprima ordini» {PROTECTED}" in text, text
    assert "internal error" not in text and not (tmp_path / f"{BOOK}.ledger.sqlite").exists()

    book.protected = set()
    press(book, "preview_orders")
    book.protected = {"Anteprima ordini"}
    ((text, _, mode),) = press(book, "create_orders")
    assert text.startswith("Creato 1 ordine, 0 già esistenti.") and f"«Anteprima ordini» {NOT_REFRESHED}" in text, text
    assert mode == "info" and "premi di nuovo" not in text, text
    ((text, _, _),) = press(book, "create_orders")
    assert text.startswith("Creati 0 ordini, 1 già esistente."), text
    assert [o.template for o in orders_in(tmp_path)] == ["T001"]

    book.protected = set()
    press(book, "ship")
    book.protected = {"Pannello"}
    ((text, _, mode),) = press(book, "month_end_invoicing")
    assert text.startswith("Emesso 1 documento in bozza (emissione ") and f"«Pannello» {NOT_REFRESHED}" in text, text
    assert ", nella cella B10" not in text and book.sheet("Pannello").value("B10") is None
    ((text, _, mode),) = press(book, "month_end_invoicing")
    assert text.startswith("Niente da fatturare: l'ultima emissione del periodo è "), text
    with reading(ledger_of(tmp_path)) as conn:
        assert len(run_summaries(conn)) == 1


def test_the_data_check_tells_a_protected_master_sheet_it_could_not_colour(tmp_path):
    book = fake(tmp_path, broken_sheets())
    book.protected = {"Righe modello"}
    ((text, _, mode),) = press(book, "check_data")
    assert text.startswith("1 errore") and f"Il foglio «Righe modello» {NOT_REFRESHED}" in text, text
    assert book.sheet("Controllo dati").rows()[1][:4] == ["Errore", "Righe modello", "C2", "not-a-number"]
    assert book.sheet("Righe modello").colors == {}


def test_the_data_check_colours_every_sheet_it_may_past_a_protected_one(tmp_path):
    """The first protected sheet stopped the colouring of every sheet after it: a desk told to
    unprotect *Articoli* found the wrong cells of *Righe modello* not marked either."""
    sheets = broken_sheets()
    minimal.set_cell(sheets, "Articoli", "D2", "abc")
    book = fake(tmp_path, sheets)
    press(book, "check_data")
    marked = {name: dict(book.sheet(name).colors) for name in ("Articoli", "Righe modello")}
    assert all(marked.values()), marked
    for protected, other in (("Articoli", "Righe modello"), ("Righe modello", "Articoli")):
        book.sheet(other).colors.clear()
        book.protected = {protected}
        ((text, _, _),) = press(book, "check_data")
        assert text.count(f"«{protected}» {NOT_REFRESHED}") == 1, text
        assert book.sheet(other).colors == marked[other], protected


def test_a_bug_in_a_write_to_the_book_is_an_internal_error_naming_itself_not_a_protected_sheet(tmp_path,
                                                                                              monkeypatch):
    """Excel's refusal of a write (a COM error) is a protected sheet; a toolkit bug met in the same
    call (a value xlwings cannot take, the number formats worked out wrong) is not the desk's to
    fix by unprotecting a sheet that is not protected: it stays an internal error naming itself,
    where it was *Il foglio «Emissioni fatture» è protetto*, and after an issued run not even in
    the box's first line."""
    import fakebook

    import toolkit.excel.book

    monkeypatch.delenv("TOOLKIT_DEBUG", raising=False)
    book = fake(tmp_path)
    for name in ("preview_orders", "create_orders", "ship"):
        press(book, name)
    real = toolkit.excel.book.column_formats

    def wrong(formats, rows):
        raise KeyError("bug")

    monkeypatch.setattr(toolkit.excel.book, "column_formats", wrong)
    ((text, _, mode),) = press(book, "month_end_invoicing")
    assert mode == "critical" and text.startswith("Errore interno / internal error: KeyError"), text
    monkeypatch.setattr(toolkit.excel.book, "column_formats", real)

    def refused(self, values):
        raise TypeError(f"must be real number, not {type(values).__name__}")

    monkeypatch.setattr(fakebook.FakeRange, "value", fakebook.FakeRange.value.setter(refused))
    ((text, _, mode),) = press(book, "preview_orders")
    assert mode == "critical" and text.startswith("Errore interno / internal error: TypeError: must be"), text
    assert PROTECTED not in text


def test_open_requests_are_listed_beside_the_book(tmp_path, may):
    book = fake(tmp_path)
    for customer, text in (("C001", "Consegna in ritardo"), ("C002", "Fattura da correggere")):
        fill(book, Richiesta=customer, TipoRichiesta="Richiesta", TestoRichiesta=text)
        press(book, "open_request")
    fill(book, Richiesta=2, TestoRichiesta="Corretta")
    press(book, "close_request")
    (shown,) = press(book, "open_requests")
    target = tmp_path / "richieste-aperte-2026-05-04.xlsx"
    assert shown == (f"1 richiesta aperta: {target}", "Richieste aperte", "info")
    listed = openpyxl.load_workbook(target)
    rows = [r for r in listed[listed.sheetnames[0]].iter_rows(values_only=True) if any(r)]
    assert any("Consegna in ritardo" in map(str, r) for r in rows)
    assert not any("Fattura da correggere" in map(str, r) for r in rows)


# --- Registro fatture del mese: the month's register, as the accountant audits it ---------------

def register_rows(path: Path, sheet_name: str = "Registro") -> dict[str, tuple[date, Decimal, str]]:
    """Invoice number → (date, total, status) of a register sheet (the formulas' cached values)."""
    sheet = openpyxl.load_workbook(path, data_only=True)[sheet_name]
    heads = [str(v) for v in next(sheet.iter_rows(min_row=3, max_row=3, values_only=True))]
    status = heads.index("Stato" if sheet_name == "Registro" else "Status")
    return {row[0]: (row[1].date(), Decimal(str(row[10])), row[status])
            for row in sheet.iter_rows(min_row=4, values_only=True) if row[0] and str(row[0])[:3] in ("FT-", "NC-")}


def test_the_register_button_writes_the_months_register_beside_the_runs_files(tmp_path, may, reads):
    from toolkit.ledger.invoices import load_invoices

    book = invoiced(tmp_path)
    (shown,) = press(book, "invoice_register", reads)
    folder = tmp_path / "fatture-2026-04"
    workbook, csv = folder / "fatture-2026-04.xlsx", folder / "registro-2026-04.csv"
    assert shown == ("\n".join(["Registro fatture 04/2026: 1 documento, di cui 1 in bozza: rendilo definitivo, poi "
                                "scrivi di nuovo il registro.", str(workbook), str(csv),
                                str(folder / "registro-iva-2026-04.csv")]),
                     "Registro fatture del mese", "info")
    with reading(ledger_of(tmp_path)) as conn:
        (stored,) = load_invoices(conn)
    assert register_rows(workbook) == {stored.number: (date(2026, 4, 30), stored.total, "Bozza")}
    title = openpyxl.load_workbook(workbook)["Registro"]["A1"].value
    assert title == "Registro fatture emesse 04/2026 – fatture e note di credito datate nel mese"
    assert stored.number in csv.read_text(encoding="utf-8-sig")

    press(book, "finalize_run")
    (again,) = press(book, "invoice_register", reads)
    assert again[0].splitlines()[0] == "Registro fatture 04/2026: 1 documento, definitivo."
    assert register_rows(workbook)[stored.number][2] == "Definitiva"


def test_a_file_named_as_the_months_folder_is_a_message_not_an_internal_error(tmp_path, may):
    book = fake(tmp_path)
    press(book, "preview_orders")
    press(book, "create_orders")
    fill(book, NumeroOrdine="OC-2026-00001")
    press(book, "ship_and_invoice")
    (tmp_path / "fatture-2026-04").write_text("not a folder")
    (shown,) = press(book, "invoice_register")
    folder = tmp_path / "fatture-2026-04"
    assert shown == (f"Non posso scrivere {folder}: {folder} non è una cartella / {folder} is not a folder. "
                     "Il pulsante «Registro fatture del mese» scrive sempre lì: rinominalo.", "Registro fatture del mese",
                     "critical")


def users_own(path: Path) -> bytes:
    """A workbook of the user's own (no kind mark) saved at `path`; its bytes."""
    book = openpyxl.Workbook()
    book.active["A1"] = "miei conti"
    book.save(path)
    return path.read_bytes()


@pytest.mark.parametrize("sheets, said", [
    (None, "Il file {own} esiste già e non è un file «DDT» scritto da toolkit (non l'ha scritto toolkit, o una "
           "versione che non lo segnava): non lo sostituisco. Il pulsante «Ristampa DDT» scrive sempre lì: "
           "rinominalo, oppure sposta o cancella quel file."),
    (english, "The file {own} exists and is not a “DDTs” file written by the toolkit (the toolkit did not write it, or "
              "a version that did not mark it): it is not replaced. The “Ristampa DDT” button always writes there: "
              "rename it, or move or delete that file."),
])
def test_a_buttons_refused_file_asks_to_rename_it_as_the_button_has_no_out(tmp_path, may, sheets, said):
    """A button names its file beside the book itself: told «Scegli un altro nome per --out», its
    user looked for an option no button has."""
    book = fake(tmp_path, sheets() if sheets else None)
    own = tmp_path / "ddt-2026-04-09-ristampa.xlsx"
    before = users_own(own)
    (shown,) = press(book, "reprint_delivery_notes")
    assert shown == (said.format(own=own), "Ristampa DDT" if sheets is None else "Reprint DDTs", "critical")
    assert own.read_bytes() == before


@pytest.mark.parametrize("function, caption, name, kind", [
    ("payment_status", "Stato pagamenti", "stato-pagamenti-2026-05-04.xlsx", "incassi"),
    ("calendar", "Calendario", "calendario-2026-04-09.xlsx", "calendario"),
    ("control_panel", "Pannello di controllo", "pannello-ordini-2026-05-04.xlsx", "pannello"),
    ("open_requests", "Richieste aperte", "richieste-aperte-2026-05-04.xlsx", "richieste"),
    ("distribution_list", "Lista di distribuzione", "lista-distribuzione-2026-04-09.xlsx", "lista di distribuzione"),
    ("production_list", "Lista di produzione", "lista-produzione-2026-04-09.xlsx", "lista di produzione"),
])
def test_a_button_writing_a_fixed_name_keeps_a_users_own_workbook_saved_there(tmp_path, may, monkeypatch, function,
                                                                             caption, name, kind):
    """*Stato pagamenti* replaced a workbook of the user's own saved as the day's
    `stato-pagamenti-DATE.xlsx`: every button's file passes the check `--out` has, in the
    button's words; the button's own earlier file is replaced, as it always was."""
    import toolkit.basics.dates

    monkeypatch.setattr(toolkit.basics.dates, "today_rome", lambda: date(2026, 5, 4))
    book = fake(tmp_path)
    own = tmp_path / name
    before = users_own(own)
    (shown,) = press(book, function)
    assert shown == (f"Il file {own} esiste già e non è un file «{kind}» scritto da toolkit (non l'ha scritto "
                     f"toolkit, o una versione che non lo segnava): non lo sostituisco. Il pulsante «{caption}» "
                     "scrive sempre lì: rinominalo, oppure sposta o cancella quel file.", caption, "critical")
    assert own.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    own.unlink()
    press(book, function)
    first = own.stat().st_ino
    (again,) = press(book, function)
    assert again[2] == "info" and str(own) in again[0] and own.stat().st_ino != first


def test_stato_pagamenti_keeps_another_kind_of_the_toolkits_file_saved_under_its_name(tmp_path, may, monkeypatch):
    import toolkit.basics.dates

    monkeypatch.setattr(toolkit.basics.dates, "today_rome", lambda: date(2026, 5, 4))
    book = fake(tmp_path)
    press(book, "control_panel")
    own = tmp_path / "stato-pagamenti-2026-05-04.xlsx"
    (tmp_path / "pannello-ordini-2026-05-04.xlsx").rename(own)
    before = own.read_bytes()
    (shown,) = press(book, "payment_status")
    assert shown[0] == (f"Il file {own} esiste già e non è un file «incassi» scritto da toolkit (è un file "
                        "«pannello»): non lo sostituisco. Il pulsante «Stato pagamenti» scrive sempre lì: rinominalo, "
                        "oppure sposta o cancella quel file.")
    assert own.read_bytes() == before


def test_a_folder_named_as_a_buttons_file_asks_to_rename_the_folder(tmp_path, may, monkeypatch):
    """A folder has the name *Stato pagamenti* writes: a message, not an internal error, and
    the folder (feminine in Italian) is what to rename."""
    import toolkit.basics.dates

    monkeypatch.setattr(toolkit.basics.dates, "today_rome", lambda: date(2026, 5, 4))
    book = fake(tmp_path)
    folder = tmp_path / "stato-pagamenti-2026-05-04.xlsx"
    folder.mkdir()
    (shown,) = press(book, "payment_status")
    assert shown == (f"Non posso scrivere {folder}: è una cartella / it is a folder. Il pulsante «Stato pagamenti» "
                     "scrive sempre lì: rinomina quella cartella.", "Stato pagamenti", "critical")
    assert folder.is_dir() and not any(folder.iterdir())


def test_a_buttons_folder_blocked_by_a_file_asks_to_rename_that_file(tmp_path, may):
    """*Provvigioni* writes its folder beside the book: a file of that name is renamed, there is
    no --out to choose another folder with; the file stays as it was."""
    book = fake(tmp_path)
    fill(book, PeriodoDal=datetime(2026, 4, 1), PeriodoAl=datetime(2026, 4, 30))
    blocker = tmp_path / "provvigioni-20260401-20260430"
    blocker.write_text("appunti")
    (_, shown) = press(book, "commissions")
    assert shown == (f"Non posso scrivere {blocker}: {blocker} non è una cartella / {blocker} is not a folder. "
                     "Il pulsante «Provvigioni» scrive sempre lì: rinominalo.", "Provvigioni", "critical")
    assert blocker.read_text() == "appunti"


def test_an_invoice_issued_with_its_ddt_is_in_the_register_with_no_run(tmp_path, may):
    """No month-end run, so no folder yet: the invoice "Spedisci e fattura" issued is the month's
    register all the same, in an English workbook's words."""
    book = fake(tmp_path, english())
    press(book, "preview_orders")
    press(book, "create_orders")
    fill(book, NumeroOrdine="OC-2026-00001")
    press(book, "ship_and_invoice")
    (shown,) = press(book, "invoice_register")
    lines = shown[0].splitlines()
    assert lines[0] == "Invoice register 04/2026: 1 document, final." and shown[1:] == (
        "Month's invoice register", "info")
    (workbook,) = (tmp_path / "fatture-2026-04").glob("*.xlsx")
    assert lines[1] == str(workbook)
    assert [(number, day) for number, (day, _, _) in register_rows(workbook, "Register").items()] == [
        ("FT-2026-00001", date(2026, 4, 9))]


def test_a_month_without_invoices_writes_no_register_and_says_so(tmp_path, may):
    book = invoiced(tmp_path, english())
    fill(book, DataOrdini=datetime(2026, 6, 1))
    (shown,) = press(book, "invoice_register")
    assert shown == ("No invoice or credit note dated in 06/2026: no register written.",
                     "Month's invoice register", "info")
    assert not (tmp_path / "fatture-2026-06").exists()


# --- the panel's dates take the command line's years (basics.dates.in_range) --------------------

@pytest.mark.parametrize(("button", "typed", "shown"), [
    ("preview_orders", "0001-01-01", "01/01/0001"),
    ("calendar", datetime(9999, 12, 31), "31/12/9999"),
    ("month_end_invoicing", 2958465.0, "31/12/9999"),
    ("invoice_register", 2958465.0, "31/12/9999"),
    ("ship", 1.0, "31/12/1899"),
])
def test_an_order_date_outside_2000_2099_is_refused_at_its_cell(tmp_path, may, button, typed, shown):
    """A year 0001 or 9999 planned across millennia or overflowed the calendar; a number Excel
    shows as a date far away is one too. The message names the cell and the days it takes."""
    book = fake(tmp_path, day=typed)
    (box,) = press(book, button)
    assert box[0] == (f"Pannello!B3: «{shown}» è fuori dalle date ammesse: scrivi in «Data ordini» una data fra "
                      "il 01/01/2000 e il 31/12/2099, es. 09/04/2026."), box[0]
    assert box[2] == "critical"
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_an_english_workbook_is_told_in_english(tmp_path):
    book = fake(tmp_path, english(), day=datetime(2100, 1, 1))
    (box,) = press(book, "production_list")
    assert box[0] == ("Pannello!B3: “01/01/2100” is out of range: write in “Data ordini” a date between 01/01/2000 "
                      "and 31/12/2099, e.g. 09/04/2026.")


def test_a_payment_or_period_date_outside_2000_2099_is_named_with_its_cell(tmp_path, may):
    book = invoiced(tmp_path)
    press(book, "finalize_run")
    fill(book, IncassoFattura="FT-2026-00001", IncassoData="31/12/9999", IncassoImporto=10)
    (shown,) = press(book, "record_payment")
    assert shown[0].splitlines()[1] == ("Pannello!B5: «31/12/9999» è fuori dalle date ammesse: scrivi in «Data "
                                        "incasso» una data fra il 01/01/2000 e il 31/12/2099, es. 09/04/2026.")
    with reading(ledger_of(tmp_path)) as conn:
        assert [r.payments for r in receivables(conn)] == [()]
    fill(book, PeriodoDal=datetime(1, 1, 1), PeriodoAl=datetime(2026, 4, 30), TipoReport="vendite")
    for button in ("sales_report", "commissions", "settle_volume_discounts"):
        (shown,) = press(book, button)
        assert shown[2] == "critical" and shown[0].splitlines()[1].startswith(
            "Pannello!B14: «01/01/0001» è fuori dalle date ammesse"), (button, shown[0])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(("report-", "provvigioni-", "sconti-"))]


def test_a_return_credited_at_the_order_is_not_voided_by_the_panel_nor_the_command_line(tmp_path):
    """C002 invoiced *Immediato*: its return T002 of the book it bought the same day (T003) gets
    its credit note when created, citing that day's invoice, before the goods come back. Voided,
    the order read as never made while the note still credited the customer; refused, naming the
    note, and the way out (close it) said for each front end."""
    from toolkit.core.orders import OrderStatus
    from toolkit.services.order_status import change_status

    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Clienti", "K1", "Termini di fatturazione")
    minimal.set_cell(sheets, "Clienti", "K3", "Immediato")
    sheets["Modelli ordine"].append(["T003", "C002", None, None, "Mensile giorno", None, None, 31, None, None,
                                     date(2026, 1, 1), date(2026, 12, 31), None])
    sheets["Righe modello"].append(["T003", "A003", 2, None, None])
    book = fake(tmp_path, sheets, day=datetime(2026, 3, 31))
    press(book, "preview_orders")
    press(book, "create_orders")
    [order] = [o for o in orders_in(tmp_path) if o.document_type.value == "return"]
    assert (order.document_type.value, order.quantity) == ("return", Decimal(-1))
    fill(book, NumeroOrdine=order.number, NuovoStato="Annullato")
    (refused,) = press(book, "change_order_status")
    assert refused[2] == "critical"
    assert (f"Il reso {order.number} è già accreditato al cliente (NC-2026-00001) e non è stato annullato"
            in refused[0]), refused[0]
    assert "Chiuso in «Nuovo stato», poi «Cambia stato ordine»" in refused[0] and "--to" not in refused[0]
    said = change_status(ledger_of(tmp_path), order.number, OrderStatus.VOIDED).problems
    assert [(p.code, p.message("en")) for p in said] == [("void-credited-return", (
        f"Return {order.number} is credited to the customer already (NC-2026-00001) and was not voided: the credit "
        "note stands even if the return is voided. If the goods come back, ship it (its DDT); if they will not, the "
        "credit must be taken back with a debit note on the invoice the credit note corrects (toolkit invoice debit "
        "--invoice … --amount … --reason …), and the return closed (--to closed)."))]
    assert [o.status.value for o in orders_in(tmp_path) if o.number == order.number] == ["in-progress"]


def test_finalize_run_whose_folder_is_read_only_says_where_to_write_the_copies(tmp_path, may, monkeypatch):
    """The run's folder read-only (a shared drive's rights): the run is final all the same, and
    the panel says the folder cannot be written and the command that writes the copies into
    another folder, not «close the file» for a file that is not open."""
    import os

    from toolkit.basics import files

    book = invoiced(tmp_path)
    (run,) = runs_in(tmp_path)
    folder = tmp_path / "fatture-2026-04"
    real = os.access
    monkeypatch.setattr(files.os, "access", lambda path, mode: Path(path) != folder and real(path, mode))
    (shown,) = press(book, "finalize_run")
    text, _, mode = shown
    assert mode == "critical" and [r.status.value for r in runs_in(tmp_path)] == ["final"]
    lines = text.splitlines()
    assert lines[0] == f"Emissione {run.run_id}: 1 documento ora definitivo."
    assert "non è scrivibile" in text and "chiudi il file" not in text, text
    assert lines[-1].startswith("Le copie definitive non sono state scritte: scrivile in una cartella scrivibile con "
                                "toolkit invoice export ") and lines[-1].endswith(f"{run.run_id} --out CARTELLA --copies")


def test_two_desks_shipping_at_once_into_one_folder_keep_each_file(tmp_path, may, monkeypatch):
    """Two desks on one shared workbook ship at once (*Spedisci*, or `ship --out` naming the
    same file): each found the day's `ddt-DATE.xlsx` free before storing, and the later to
    print replaced the earlier's file, whose DDT was then in no file while its desk was told it
    was there (audit desks). The later one prints beside it, and says where."""
    import toolkit.services.shipping as shipping
    from toolkit.intake.validation import check

    book = fake(tmp_path, two_customers_due())
    press(book, "preview_orders")
    press(book, "create_orders")
    master = check(minimal.workbook(two_customers_due())).master
    mine, theirs = sorted(o.number for o in orders_in(tmp_path))
    day_file = tmp_path / "ddt-2026-04-09.xlsx"
    real = shipping._ship

    def colleague_prints_first(*args, **kwargs):
        done = real(*args, **kwargs)
        monkeypatch.setattr(shipping, "_ship", real)
        other = shipping.ship(master, ledger_of(tmp_path), date(2026, 4, 9), numbers=[theirs], out=day_file, lang="it")
        assert other.written == day_file
        return done

    monkeypatch.setattr(shipping, "_ship", colleague_prints_first)
    done = shipping.ship(master, ledger_of(tmp_path), date(2026, 4, 9), numbers=[mine], out=day_file, lang="it")
    second = tmp_path / "ddt-2026-04-09-2.xlsx"
    assert done.written == second and f": {second}" in "\n".join(done.filed("it"))
    (ours,), (colleagues,) = [n.number for n in done.ddts], printed(day_file)
    assert list(printed(second)) == [ours] and colleagues != ours


def test_ship_on_a_closure_names_the_panels_date_cell(tmp_path):
    """The day's orders made, the desk closes the day for inventory on Chiusure and ships all the
    same: the DDTs go out, told at the panel's date cell, which chose their date."""
    book = fake(tmp_path)
    press(book, "preview_orders")
    press(book, "create_orders")
    sheets = minimal.sheets()
    sheets["Chiusure"] = [["Dal", "Al", "Descrizione"], [datetime(2026, 4, 9), datetime(2026, 4, 9), "Inventario"]]
    (shown,) = press(fake(tmp_path, sheets), "ship")
    assert not shown[0].startswith("DDT emessi: 0")
    told = next(line for line in shown[0].splitlines() if "Inventario" in line)
    assert told.startswith(f"Pannello!{NAMES['DataOrdini']}") and "è 09/04/2026, Inventario: un giorno festivo" in told
    assert "la data in «Data ordini» è un errore" in told and "--date" not in told


def _may_4_previewed_after_a_draft(tmp_path):
    """April invoiced as a draft run, C001 then *Immediato*, 4 May previewed alone (April's days
    missed are left out): the book and the run."""
    book = invoiced(tmp_path, minimal.sheets())
    (run,) = runs_in(tmp_path)
    book.sheet("Clienti").cells[(1, 11)] = "Termini di fatturazione"
    book.sheet("Clienti").cells[(2, 11)] = "Immediato"
    book.sheet("Pannello").cells[(3, 2)] = datetime(2026, 5, 4)
    press(book, "preview_orders")
    preview = book.sheet("Anteprima ordini")
    for row, values in enumerate(preview.rows()[1:], start=2):
        if values[1] != datetime(2026, 5, 4):
            preview.range(f"A{row}").value = None
    return book, run


def test_create_shows_the_warnings_of_the_invoices_it_issues_not_only_its_errors(tmp_path, may):
    """April's month end is a draft (FT-2026-00001) when C001 goes *Immediato*: the orders of 4
    May issue their invoice at once all the same, numbered after the draft run, which now can
    only be made final. `toolkit orders create` prints that warning; the box said only how many
    orders were made, so the desk never learnt that the run can no longer be undone."""
    book, run = _may_4_previewed_after_a_draft(tmp_path)
    (shown,) = press(book, "create_orders")
    issued = [x for x in invoices_in(tmp_path) if x.run_id != run.run_id]
    assert [x.number for x in issued] == ["FT-2026-00002"]
    assert shown[2] == "info", shown
    assert f"L'emissione {run.run_id} è ancora in bozza nella serie FT 2026 (FT-2026-00001–FT-2026-00001)" \
        in shown[0], shown
    assert "premi «Rendi definitiva emissione»" in shown[0], shown
    assert "Giacenze" not in shown[0], shown


def test_create_box_lists_its_error_and_the_draft_run_before_a_day_of_stock_warnings(tmp_path, may, monkeypatch):
    """The same press as above, on a day whose orders issued at once also met short stock: eleven
    stock warnings of their DDTs (told before the invoices' by the run) and a return left out of
    the credit notes. A box lists ten problems, then counts the rest: the error that makes it
    critical and the run that can no longer be undone come first, and the stock warnings, one per
    order, are one line counting the orders waiting, last, not eleven lines behind «… e ancora 3»."""
    from toolkit.core.credit_notes import RETURN_CREDITED
    from toolkit.core.shipping import STOCK_RESERVED
    from toolkit.services import orders as orders_service

    book, run = _may_4_previewed_after_a_draft(tmp_path)
    stock = [STOCK_RESERVED(None, number=f"OC-2026-{n:05d}", item="A001", reserved=2, stock=3,
                            orders="OC-2026-00001", available=1) for n in range(100, 111)]
    refused = RETURN_CREDITED(None, order="OC-2026-00099", ddt="", asked=2, unit="pz", item="A001",
                              invoices="FT-2026-00001", left=0, notes="NC-2026-00001", waits="", then="")
    made = orders_service.create

    def create(*args, **kwargs):
        done = made(*args, **kwargs)
        return replace(done, problems=[*stock, *done.problems, refused],
                       of_documents=[refused, *done.of_documents, *stock])

    monkeypatch.setattr(orders_service, "create", create)
    (shown,) = press(book, "create_orders")
    assert shown[2] == "critical", shown
    assert "Il reso OC-2026-00099" in shown[0], shown
    assert f"L'emissione {run.run_id} è ancora in bozza" in shown[0], shown
    assert shown[0].endswith("11 ordini in attesa di merce: vedi il «Pannello di controllo»."), shown
    assert "OC-2026-00100" not in shown[0] and "… e ancora" not in shown[0], shown


# --- the check's warnings in every button's box, as the command line prints them ---------------

def mistyped_settings(count: int, sheets=None) -> dict:
    """`count` settings the toolkit does not know (unknown-setting): a warning each, at its cell."""
    sheets = sheets or minimal.sheets()
    first = len(sheets["Impostazioni"]) + 1
    sheets["Impostazioni"].extend([f"Ufficio RAE {n}", "MI"] for n in range(1, count + 1))
    return {"sheets": sheets, "rows": range(first, first + count)}


@pytest.mark.parametrize("button", ["preview_orders", "create_orders", "ship", "payment_status", "reprint_delivery_notes"])
def test_a_buttons_box_names_the_checks_warnings_at_their_cells(tmp_path, may, button):
    """A mistyped setting is a warning `toolkit` prints at its cell with every command; a button
    showed only its result, and the desk never learnt of it."""
    typed = mistyped_settings(1)
    book = fake(tmp_path, typed["sheets"])
    if button == "create_orders":
        press(book, "preview_orders")
    (shown,) = press(book, button)
    text = shown[0]
    row = typed["rows"][0]
    assert "Dati anagrafici: 1 avviso (tutti con «Controllo dati»):" in text, text
    assert f"Impostazioni!A{row}: «Ufficio RAE 1» non è un'impostazione del toolkit" in text


def test_many_warnings_are_counted_after_the_first_few_and_an_english_book_is_told_in_english(tmp_path):
    typed = mistyped_settings(5, english())
    book = fake(tmp_path, typed["sheets"])
    (shown,) = press(book, "preview_orders")
    said = shown[0].splitlines()
    at = said.index("Master data: 5 warnings (all of them with “Controllo dati”):")
    first = typed["rows"][0]
    assert [line.split(":")[0] for line in said[at + 1:at + 4]] == [f"Impostazioni!A{first + n}" for n in range(3)]
    assert "Giacenze" not in shown[0]  # told by the data check and the shipments, not in every box
    assert said[at + 4] == "… and 2 more." and "Ufficio RAE 4" not in shown[0]
    assert "non è" not in shown[0]


def test_the_data_check_lists_its_warnings_once_not_twice(tmp_path):
    book = fake(tmp_path, mistyped_settings(1)["sheets"])
    (shown,) = press(book, "check_data")
    assert shown[0].splitlines()[0] == "2 avvisi" and "Dati anagrafici:" not in shown[0]
