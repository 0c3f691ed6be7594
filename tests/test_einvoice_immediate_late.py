"""An immediate invoice (TD01) is due at SDI within twelve days of its date (art. 21 c. 4 DPR
633/72). A desk exporting December on 5 January wrote the files of the invoices of its first
weeks past those days without a word, and a catch-up of the Christmas closure on 7 January
issued an invoice dated 25 December, already past them, silently: both now say so, naming the
invoices, the deadline and to send them at once (`einvoice-immediate-late`). A deferred
invoice (TD24) has its own deadline and is not named; one dated as the DDTs it bills (`ship
--invoice`) is immediate, as its file says."""

from __future__ import annotations

from datetime import date

from fatturapa_reading import read
from test_einvoice_dated_ahead import invoiced_at_once
from test_vat_rate_of_delivery_day import DECEMBER, master_of, sheets

from toolkit.core.invoicing import InvoiceStatus, Period, Request
from toolkit.services.einvoice import export
from toolkit.services.invoicing import run
from toolkit.services.orders import create
from toolkit.services.shipping import ship

LATE = "einvoice-immediate-late"
EARLY, LATE_IN_MONTH, EXPORTED = date(2026, 12, 2), date(2026, 12, 28), date(2027, 1, 5)


def late(problems) -> list:
    return [p for p in problems if p.code == LATE]


def test_a_month_exported_past_twelve_days_names_the_late_immediate_invoices_once(ledger, rome_today, tmp_path):
    books = invoiced_at_once()
    for day in (EARLY, LATE_IN_MONTH):
        rome_today(day)
        [made] = create(books, ledger, day, with_catch_up=False, lang="it").invoices
    rome_today(EXPORTED)
    written = export(books, ledger, out=tmp_path / "first", month=DECEMBER)
    assert len(written.files) == 2
    first, last = written.files
    assert [read(path).kind for path in written.files.values()] == ["TD01", "TD01"]
    [warned] = late(written.problems)
    assert warned.severity == "warning"
    it, en = warned.message("it"), warned.message("en")
    assert first in it and last not in it, it
    assert "datata 02/12/2026" in it and "entro il 14/12/2026" in it and "oggi è il 05/01/2027" in it, it
    assert "Invia subito allo SDI il suo file" in it and "sanzionata" in it, it
    assert first in en and "by 14/12/2026" in en and "Send its file to SDI at once" in en, en
    again = export(books, ledger, out=tmp_path / "again", month=DECEMBER)
    assert len(again.files) == 2 and late(again.problems) == []


def test_files_written_within_their_twelve_days_are_not_named(ledger, rome_today, tmp_path):
    books = invoiced_at_once()
    rome_today(EARLY)
    assert create(books, ledger, EARLY, with_catch_up=False, lang="it").invoices
    rome_today(date(2026, 12, 14))
    written = export(books, ledger, out=tmp_path, month=DECEMBER)
    assert len(written.files) == 1 and late(written.problems) == []


def test_many_late_invoices_are_named_by_the_first_few_and_counted(ledger, rome_today, tmp_path):
    books = invoiced_at_once()
    days = [date(2026, 11, d) for d in (2, 4, 9, 11, 16, 18, 23)]
    for day in days:
        rome_today(day)
        assert create(books, ledger, day, with_catch_up=False, lang="it").invoices
    rome_today(EXPORTED)
    written = export(books, ledger, out=tmp_path, month=Period(date(2026, 11, 1), date(2026, 11, 30)))
    numbers = list(written.files)
    assert len(numbers) == 7
    [warned] = late(written.problems)
    it = warned.message("it")
    assert it.startswith(f"7 fatture immediate ({', '.join(numbers[:5])} e altre 2), datate dal 02/11/2026 al "
                         "23/11/2026, sono oltre il termine"), it
    assert "la prima entro il 14/11/2026, l'ultima entro il 05/12/2026" in it and "i loro file" in it, it


def test_a_catch_up_issuing_an_invoice_past_its_twelve_days_says_so(ledger, rome_today):
    books = invoiced_at_once()
    rome_today(date(2027, 1, 7))
    made = create(books, ledger, date(2026, 12, 23), with_catch_up=False, lang="it")
    [invoice] = made.invoices
    [warned] = late(made.problems)
    assert late(made.of_documents) == [warned]
    it = warned.message("it")
    assert invoice.number in it and "entro il 04/01/2027" in it and "Scrivine subito il file" in it, it
    assert "Write its file" in warned.message("en")
    assert late(create(books, ledger, date(2027, 1, 4), with_catch_up=False, lang="it").problems) == []


def test_a_deferred_invoice_is_not_named(ledger, rome_today, tmp_path):
    books = master_of(sheets())
    rome_today(EARLY)
    assert create(books, ledger, EARLY, with_catch_up=False, lang="it").created
    assert ship(books, ledger, EARLY, all_open=True, lang="it").notes
    rome_today(date(2027, 1, 5))
    assert run(ledger, books, Request(DECEMBER, date(2027, 1, 5)), status=InvoiceStatus.FINAL, lang="it").invoices
    rome_today(date(2027, 1, 14))
    written = export(books, ledger, out=tmp_path, month=DECEMBER)
    [path] = written.files.values()
    assert read(path).kind == "TD24" and read(path).day == date(2026, 12, 31)
    assert late(written.problems) == []


def test_an_invoice_shipped_with_its_goods_is_immediate(ledger, rome_today, tmp_path):
    """`ship --invoice`: the invoice is dated as the DDT it cites, TD01, due in twelve days."""
    books = master_of(sheets())
    rome_today(EARLY)
    assert create(books, ledger, EARLY, with_catch_up=False, lang="it").created
    shipped = ship(books, ledger, EARLY, all_open=True, invoice=True, lang="it")
    assert shipped.invoices and late(shipped.problems) == []
    rome_today(date(2026, 12, 15))
    written = export(books, ledger, out=tmp_path, month=DECEMBER)
    [(number, path)] = written.files.items()
    assert read(path).kind == "TD01" and read(path).ddts
    [warned] = late(written.problems)
    assert number in warned.message("it") and "entro il 14/12/2026" in warned.message("it")


def test_a_ddt_shipped_and_invoiced_for_a_past_day_says_so(ledger, rome_today):
    books = master_of(sheets())
    rome_today(EARLY)
    assert create(books, ledger, EARLY, with_catch_up=False, lang="it").created
    rome_today(date(2026, 12, 15))
    shipped = ship(books, ledger, EARLY, all_open=True, invoice=True, lang="it")
    [invoice] = shipped.invoices
    [warned] = late(shipped.problems)
    assert invoice.number in warned.message("it") and "Scrivine subito il file" in warned.message("it")


def test_the_demo_leaves_out_what_april_2026_is_late_for_today():
    """The demo relives April 2026 on whatever day it runs: its immediate invoices are always past
    their 12 days, a warning per day that says nothing of the sample (`demo.OF_TODAY`)."""
    from toolkit.core.einvoice.deadline import late_immediate
    from toolkit.services.demo import Tally

    [warned] = late_immediate({"FT-2026-00001": date(2026, 4, 1)}, date(2026, 12, 6), written=False)
    assert warned.code == LATE
    tally = Tally()
    tally.met([warned])
    assert tally.warnings == [] and tally.errors == []


def test_a_file_refused_by_the_checks_then_written_late_is_named(ledger, rome_today, tmp_path):
    """A file the checks refuse (a postcode missing) draws its SDI name but is not written: the
    desk fixes the customer and writes it past its twelve days, the first file SDI gets of it.
    Naming only the invoices with no name before left it out."""
    def books(with_postcode: bool):
        tables = sheets()
        tables["Clienti"][0] += ["Termini di fatturazione"]
        tables["Clienti"][1] += ["Immediato"]
        tables["Clienti"][2] += [None]
        if not with_postcode:
            tables["Clienti"] = [row[:-3] + row[-1:] for row in tables["Clienti"]]
        return master_of(tables)

    rome_today(EARLY)
    [made] = create(books(False), ledger, EARLY, with_catch_up=False, lang="it").invoices
    refused = export(books(False), ledger, out=tmp_path / "refused", month=DECEMBER)
    assert refused.files == {} and list(refused.refused) == [made.number]
    rome_today(EXPORTED)
    written = export(books(True), ledger, out=tmp_path / "fixed", month=DECEMBER)
    assert list(written.files) == [made.number]
    [warned] = late(written.problems)
    assert made.number in warned.message("it")


def test_a_quotation_confirmed_for_a_past_day_says_so(ledger, rome_today):
    """`orders confirm --date` of a day 13 days back, for a customer invoiced at once: its
    invoice is issued already past its twelve days at SDI, and the confirmation says so."""
    import minimal

    from toolkit.ledger.db import reading
    from toolkit.ledger.orders import load_orders
    from toolkit.services.order_confirm import confirm

    tables = sheets()
    tables["Clienti"][0] += ["Termini di fatturazione"]
    tables["Clienti"][1] += ["Immediato"]
    tables["Clienti"][2] += [None]
    minimal.set_cell(tables, "Modelli ordine", "M2", "Preventivo")
    books = master_of(tables)
    rome_today(EARLY)
    assert create(books, ledger, EARLY, with_catch_up=False, lang="it").created
    with reading(ledger) as conn:
        [quotation] = load_orders(conn)
    rome_today(date(2026, 12, 15))
    done = confirm(books, ledger, quotation.number, EARLY, lang="it")
    [invoice] = done.invoices
    [warned] = late(done.problems)
    assert invoice.number in warned.message("it") and "entro il 14/12/2026" in warned.message("it")



def test_a_file_refused_for_the_settings_then_written_late_is_named(ledger, rome_today, tmp_path):
    """A file the checks refuse for *Impostazioni* (the seller's city in a script the schema
    does not take) is not written; the desk fixes the settings and writes it past its twelve
    days, the first file SDI gets of it: the late warning names it."""
    books = seller_in
    rome_today(EARLY)
    [made] = create(books("米"), ledger, EARLY, with_catch_up=False, lang="it").invoices
    refused = export(books("米"), ledger, out=tmp_path / "refused", month=DECEMBER)
    assert refused.files == {} and list(refused.refused) == [made.number]
    rome_today(EXPORTED)
    written = export(books("Milano"), ledger, out=tmp_path / "fixed", month=DECEMBER)
    assert list(written.files) == [made.number]
    [warned] = late(written.problems)
    assert made.number in warned.message("it")


def seller_in(city: str):
    """C001 invoiced at once, the seller's *Città* in `city` (a script the schema refuses: «米»)."""
    import minimal

    tables = sheets()
    tables["Clienti"][0] += ["Termini di fatturazione"]
    tables["Clienti"][1] += ["Immediato"]
    tables["Clienti"][2] += [None]
    minimal.set_cell(tables, "Impostazioni", "B6", city)
    return master_of(tables)
