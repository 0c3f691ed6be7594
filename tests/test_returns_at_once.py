"""Returns credited at once (`ship --invoice`, and at the order for a customer invoiced
*Immediato*) follow month end's money rules, on SQLite and PostgreSQL: never beyond what a
volume discount left of the invoice that sold their goods (`return-over-discount`), and a return
whose goods were credited already is left out, everything else issued (`return-credited-already`).

The scene is `test_credit_returns`': C002 buys 3 kg of coffee (A001, 18,50 € at 22%) on
10 April and sends some back on 20 May (return template T002). Here its April goods may take a
volume discount of 50% (SV1), settled on 30 April, which leaves 27,75 € of the invoice's
55,50 € taxable to credit; C002 may be invoiced at the order (*Immediato*).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal as D
from typing import Any

import minimal
import pytest
from sqlalchemy import select
from test_credit_returns import REASON, RETURNED, SOLD, april_invoice, sheets
from test_printing import cli
from test_shipping import write_book

from toolkit.core.invoicing import Invoice, InvoiceKind
from toolkit.core.volume_discounts import parse_period
from toolkit.intake.validation import check
from toolkit.ledger.db import reading, writing
from toolkit.ledger.invoices import load_invoices
from toolkit.model.records import MasterData
from toolkit.services import discounts
from toolkit.services.credit_notes import credit
from toolkit.services.orders import create
from toolkit.services.shipping import ship

SETTLED = date(2026, 4, 30)
LEFT_OUT = "Resi non accreditati, perché la merce è già stata accreditata"


def scene(returned: int, *, immediate: bool = False, discount: int | None = None,
          return_day: int = RETURNED.day) -> dict[str, list[list]]:
    """`test_credit_returns.sheets`, C002 invoiced at the order when `immediate`, with a volume
    discount of `discount`% on all it buys in a month, its return on `return_day` of May."""
    s = sheets(returned)
    [t002] = [row for row in s["Modelli ordine"] if row[0] == "T002"]
    t002[7] = return_day
    if immediate:
        s["Clienti"][0].append("Termini di fatturazione")
        s["Clienti"][1].append(None)
        s["Clienti"][2].append("Immediato")
    if discount is not None:
        s["Sconti volume"] = [["Codice", "Cliente", "Periodo", "Modalità", "Da", "Sconto %"],
                              ["SV1", "C002", "Mese", "Sul totale", 0, discount]]
    return s


def books_of(s: dict[str, list[list]]) -> MasterData:
    result = check(minimal.workbook(s))
    assert result.master is not None, [str(p) for p in result.problems]
    return result.master


def sold_at_order(books: MasterData, ledger) -> Invoice:
    """C002's order of 10 April, invoiced when created: 3 kg of coffee."""
    made = create(books, ledger, SOLD, with_catch_up=False, lang="it")
    [invoice] = [x for x in made.invoices if x.customer == "C002"]
    assert [(line.item, line.quantity, line.amount) for line in invoice.lines] == [("A001", D(3), D("55.50"))]
    return invoice


def settle_april(books: MasterData, ledger) -> Invoice:
    """The volume discount of April's goods: half of the invoice's 55,50 €."""
    done = discounts.run(ledger, books, parse_period("2026-04"), SETTLED, date(2026, 5, 4), lang="it")
    assert not [p for p in done.problems if p.is_error], done.problems
    [note] = done.credit_notes
    assert note.taxable == D("-27.75")
    return note


def credit_notes(ledger) -> list[Invoice]:
    with reading(ledger) as conn:
        return [x for x in load_invoices(conn) if x.kind is InvoiceKind.CREDIT_NOTE]


def returned_lines(note: Invoice) -> list[tuple[str, D, D]]:
    return [(line.item, line.quantity, line.amount) for line in note.lines]


# ---- a volume discount's share


@pytest.mark.parametrize("returned", [1, 2])
def test_ship_invoice_credits_a_return_within_what_the_discount_left_and_leaves_out_one_beyond(ledger, returned):
    """The discount left 27,75 € of the invoice: 1 kg back (18,50 €) is credited with its DDT;
    2 kg (37,00 €) are not, their DDT issued and waiting, with month end's error."""
    books = books_of(scene(returned, discount=50))
    invoice = april_invoice(books, ledger)
    discount = settle_april(books, ledger)
    create(books, ledger, RETURNED, with_catch_up=False, lang="it")
    done = ship(books, ledger, RETURNED, all_open=True, invoice=True, lang="it")
    [ddt] = done.notes
    if returned == 1:
        [note] = done.invoices
        assert returned_lines(note) == [("A001", D(-1), D("-18.50"))]
        assert (note.taxable, note.vat, note.total) == (D("-18.50"), D("-4.07"), D("-22.57"))
        assert [c.number for c in note.cites] == [invoice.number]
        assert not [p for p in done.problems if p.is_error], done.problems
        return
    assert done.invoices == () and [x.number for x in credit_notes(ledger)] == [discount.number]
    [problem] = [p for p in done.problems if p.is_error]
    assert problem.code == "return-over-discount"
    assert problem.render("it").startswith(
        f"Il reso {ddt.orders[0]} (DDT {ddt.number}) accrediterebbe 37,00 € di imponibile della fattura "
        f"{invoice.number}, ma ne restano da accreditare 27,75 €: la fattura ha 55,50 € di imponibile, di cui 0,00 € "
        "già accreditati da note di credito e resi precedenti e 27,75 € dallo sconto volume (note di credito "
        f"{discount.number})."), problem.render("it")
    assert problem.render("it").endswith("il suo DDT resta tra quelli da fatturare."), problem.render("it")


def test_a_return_credited_at_the_order_is_held_to_what_the_discount_left(ledger):
    """C002 invoiced at the order: its return of 2 kg (37,00 €) would credit more than the 27,75 €
    the discount left, so the order is created and its credit note is not, with month end's
    error; a return of 1 kg created the next day is credited (18,50 €)."""
    books = books_of(scene(2, immediate=True, discount=50))
    invoice = sold_at_order(books, ledger)
    discount = settle_april(books, ledger)
    made = create(books, ledger, RETURNED, with_catch_up=False, lang="it")
    [row] = made.created
    assert made.invoices == [] and [x.number for x in credit_notes(ledger)] == [discount.number]
    [problem] = [p for p in made.problems if p.is_error]
    assert problem.code == "return-over-discount"
    assert problem.render("it").startswith(
        f"Il reso {row['number']} accrediterebbe 37,00 € di imponibile della fattura {invoice.number}, ma ne "
        "restano da accreditare 27,75 €: la fattura ha 55,50 € di imponibile, di cui 0,00 € già accreditati da note "
        f"di credito e resi precedenti e 27,75 € dallo sconto volume (note di credito {discount.number})."
    ), problem.render("it")
    assert problem.render("it").endswith(
        "l'ordine di reso resta in attesa di accredito, la sua nota di credito non emessa."), problem.render("it")
    refused = "Resi non accreditati, perché lo sconto volume ha già rimborsato parte della merce"
    assert f"{refused}: {row['number']}." in made.summary("it")

    one = books_of(scene(1, immediate=True, discount=50, return_day=21))
    again = create(one, ledger, date(2026, 5, 21), with_catch_up=False, lang="it")
    [note] = again.invoices
    assert returned_lines(note) == [("A001", D(-1), D("-18.50"))] and note.total == D("-22.57")
    assert [c.number for c in note.cites] == [invoice.number]
    assert not [p for p in again.problems if p.is_error], again.problems


def test_a_return_no_invoice_sold_waits_for_its_ddt_and_is_credited_citing_it(ledger):
    """C002 invoiced at the order gives back 1 kg of coffee that no invoice of the ledger sold
    (bought before the toolkit): credited at the order its note would cite neither an invoice nor
    a DDT, the goods not back yet. So it waits, warned, its order created; May's month end before
    the goods come back credits nothing (once it credited the order's lines, citing nothing); the
    return's DDT is issued when they do, and May's month end credits it citing that DDT."""
    from toolkit.core.invoicing import InvoiceStatus, Request
    from toolkit.services.invoicing import run

    books = books_of(scene(1, immediate=True))
    made = create(books, ledger, RETURNED, with_catch_up=False, lang="it")
    [row] = made.created
    assert made.invoices == [] and credit_notes(ledger) == []
    [waits] = [p for p in made.problems if p.code == "return-waits-for-ddt"]
    assert not waits.is_error and row["number"] in waits.message() and "DDT" in waits.message()
    assert row["number"] in waits.message("en")
    early = run(ledger, books, Request(parse_period("2026-05"), date(2026, 6, 3)), preview=True, lang="it")
    assert [x.kind for x in early.invoices if x.customer == "C002"] == [], early.invoices
    [ddt] = ship(books, ledger, RETURNED, all_open=True, lang="it").notes
    month = run(ledger, books, Request(parse_period("2026-05"), date(2026, 6, 3)), status=InvoiceStatus.FINAL, lang="it")
    [note] = [x for x in month.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    assert returned_lines(note) == [("A001", D(-1), D("-18.50"))] and note.cites == ()
    assert {line.delivery.number for line in note.lines if line.delivery} == {ddt.number}


def test_a_return_credited_at_the_order_still_cites_the_invoice_it_corrects(ledger):
    """The same return of goods C002's order of 10 April was invoiced for: its note is issued
    with the order, citing that invoice, as before."""
    books = books_of(scene(1, immediate=True))
    invoice = sold_at_order(books, ledger)
    made = create(books, ledger, RETURNED, with_catch_up=False, lang="it")
    [note] = made.invoices
    assert [c.number for c in note.cites] == [invoice.number]
    assert not [p for p in made.problems if p.code == "return-waits-for-ddt"]


PRESSED = {
    "order, ship, month end": ("order", "ship", "month"),
    "order, month end, ship, month end": ("order", "month", "ship", "month"),
    "order, ship --invoice, month end": ("order", "ship --invoice", "month"),
    "order, month end, ship --invoice, month end": ("order", "month", "ship --invoice", "month"),
    "order ahead, ship, month end": ("order ahead", "ship", "month"),
    "order ahead, month end, ship --invoice": ("order ahead", "month", "ship --invoice"),
    "order, ship, void (refused), month end, month end": ("order", "ship", "void", "month", "month"),
    "order, ship, month end, void (refused), ship --invoice, month end":
        ("order", "ship", "month", "void", "ship --invoice", "month"),
}


@pytest.mark.parametrize("steps", PRESSED.values(), ids=PRESSED.keys())
def test_a_waiting_return_is_credited_once_citing_its_ddt_whatever_the_desk_presses(ledger, rome_today, steps):
    """C002's return that no invoice sold waits for its DDT: whichever order the desk presses
    the buttons in (the order created the day before, its documents held for its day; month end
    before the goods come back, `ship --invoice`, month end again, the return's DDT voided,
    which is refused), its one return line is credited by one credit line, on a note citing the
    return's DDT, and no step meets an error but the void's."""
    from toolkit.core.invoicing import InvoiceStatus, Request
    from toolkit.services.ddt_void import void_ddt
    from toolkit.services.invoicing import run

    books = books_of(scene(1, immediate=True))
    ddts: list[str] = []
    for step in steps:
        if step.startswith("order"):
            rome_today(RETURNED - timedelta(days=1) if step == "order ahead" else RETURNED)
            problems = create(books, ledger, RETURNED, with_catch_up=False, lang="it").problems
            rome_today(RETURNED)
        elif step.startswith("ship"):
            done = ship(books, ledger, RETURNED, all_open=True, invoice=step == "ship --invoice", lang="it")
            ddts += [note.number for note in done.notes]
            problems = done.problems
        elif step == "month":
            problems = run(ledger, books, Request(parse_period("2026-05"), date(2026, 6, 3)),
                           status=InvoiceStatus.FINAL, lang="it").problems
        else:
            [refused] = void_ddt(books, ledger, ddts[-1], "Reso sbagliato").problems
            assert refused.code == "ddt-void-return"
            continue
        assert not [p for p in problems if p.is_error], (step, problems)
    [note] = credit_notes(ledger)
    assert returned_lines(note) == [("A001", D(-1), D("-18.50"))] and note.cites == ()
    assert ddts and [line.delivery.number for line in note.lines if line.delivery] == ddts


def test_a_waiting_return_created_ahead_does_not_hold_a_credit_note_dated_after_its_day(ledger, rome_today):
    """C002's return no invoice sold, created the day before, waits for its DDT, not for its day:
    its day issues no note, so `invoice credit` of C001's April invoice dated the day after is
    issued at once, where it was refused (`held-before-note`) until that day's first `orders create`
    or `ship`, which would have issued nothing."""
    from toolkit.core.invoicing import InvoiceStatus, Request
    from toolkit.services.invoicing import run

    books = books_of(scene(1, immediate=True))
    create(books, ledger, date(2026, 4, 9), with_catch_up=False, lang="it")
    assert ship(books, ledger, date(2026, 4, 9), all_open=True, lang="it").notes
    april = run(ledger, books, Request(parse_period("2026-04"), date(2026, 5, 4)), status=InvoiceStatus.FINAL,
                lang="it")
    [sold] = [x for x in april.invoices if x.customer == "C001"]
    rome_today(RETURNED - timedelta(days=1))
    made = create(books, ledger, RETURNED, with_catch_up=False, lang="it")
    assert made.created and not made.invoices
    after = rome_today(RETURNED + timedelta(days=1))
    done = credit(ledger, books, sold.number, ((1, D(1)),), REASON, after, after, lang="it")
    assert not [p for p in done.problems if p.is_error], done.problems
    assert done.note is not None and [c.number for c in done.note.cites] == [sold.number]



@pytest.mark.parametrize("waiting, shipped, kept", [
    (("OC-2026-0001",), ("OC-2026-00012",), True),
    (("OC-2026-00012",), ("OC-2026-0001",), True),
    (("OC-2026-00012",), ("OC-2026-00012", "OC-2026-0001"), False),
    (tuple(f"OC-2026-{n:05}" for n in range(1, 401)), tuple(f"OC-2026-{n:05}" for n in range(1, 401)), False),
    (tuple(f"OC-2026-{n:05}" for n in range(1, 401)), tuple(f"OC-2026-{n:05}" for n in range(1, 400)), True),
], ids=["a-prefix-of-the-shipped", "the-shipped-a-prefix", "shipped", "400-shipped", "400-one-left"])
def test_a_waiting_return_is_told_no_more_by_its_orders_numbers_not_its_words(waiting, shipped, kept):
    """The warning that a return waits for its DDT is dropped when the run's DDTs carry all its
    orders, compared as numbers the warning carries: OC-2026-0001 is not OC-2026-00012 either
    way, and 400 orders read as one list. Its message joins them as before."""
    from types import SimpleNamespace

    from toolkit.services.invoicing import RETURN_WAITS_FOR_DDT, waiting_no_more

    told = RETURN_WAITS_FOR_DDT(None, order=waiting, customer="C002")
    assert told.message("en").startswith(f"Return {', '.join(waiting)} of customer C002 has no invoice to cite")
    left = waiting_no_more([told], [SimpleNamespace(orders=shipped)])  # type: ignore[list-item]
    assert left == ([told] if kept else [])


@pytest.mark.parametrize("invoice", [False, True], ids=["ship", "ship --invoice"])
def test_shipping_a_waiting_return_on_its_held_day_does_not_say_it_waits(ledger, rome_today, invoice):
    """C002's return created the day before, its documents held for its day: the day's `ship`
    issues them, its note left out to wait for the DDT, then ships the return, which has its DDT
    by the end of the run (and with `--invoice` its note, citing it): the run does not say that it
    waits for a DDT it has."""
    books = books_of(scene(1, immediate=True))
    rome_today(RETURNED - timedelta(days=1))
    create(books, ledger, RETURNED, with_catch_up=False, lang="it")
    rome_today(RETURNED)
    done = ship(books, ledger, RETURNED, all_open=True, invoice=invoice, lang="it")
    [ddt] = done.notes
    assert [p for p in done.problems if p.code == "return-waits-for-ddt"] == []
    if invoice:
        [note] = done.invoices
        assert [line.delivery.number for line in note.lines if line.delivery] == [ddt.number]


def test_a_waiting_return_shipped_in_part_credits_only_what_its_ddt_carries(ledger):
    """C002's return of two items no invoice sold, only the coffee back on its DDT: month end
    credits the coffee citing that DDT, and the A002 still out waits for its own DDT, then is
    credited citing it. No note mixes the two: an order's lines invoiced without a DDT go on a
    note of their own (`core.invoicing._place` splits them by order), which cites nothing and
    month end leaves out (`returns_left_out`), so no line is credited citing nothing."""
    from toolkit.core.invoicing import InvoiceStatus, Request
    from toolkit.core.shipping import ChosenRow
    from toolkit.services.invoicing import run

    s = scene(1, immediate=True)
    s["Righe modello"].append(["T002", "A002", 2, None, None])
    books = books_of(s)
    [row] = create(books, ledger, RETURNED, with_catch_up=False, lang="it").created
    shipped = ship(books, ledger, RETURNED, chosen=[ChosenRow(row["number"], "A001", "-1")], lang="it")
    [first] = shipped.notes
    assert not [p for p in shipped.problems if p.is_error], shipped.problems
    month = Request(parse_period("2026-05"), date(2026, 6, 3))
    done = run(ledger, books, month, status=InvoiceStatus.FINAL, lang="it")
    [note] = [x for x in done.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    assert returned_lines(note) == [("A001", D(-1), D("-18.50"))]
    assert [line.delivery.number if line.delivery else None for line in note.lines] == [first.number]
    [second] = ship(books, ledger, RETURNED, all_open=True, lang="it").notes
    again = run(ledger, books, month, status=InvoiceStatus.FINAL, lang="it")
    [late] = [x for x in again.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    assert [(line.item, line.quantity, line.delivery.number if line.delivery else None) for line in late.lines] == [
        ("A002", D(-2), second.number)]



@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_waiting_return_s_note_is_a_schema_valid_td04_citing_its_ddt_printed_in_its_language(
        ledger, tmp_path, lang):
    """The note month end issues for C002's return no invoice sold, its run in Italian or
    English: its FatturaPA is valid against the official schema, a TD04 whose DatiDDT names the
    return's DDT and date for its line and that cites no invoice; its printed copy, in the run's
    language, names that DDT."""
    import openpyxl
    from fatturapa_reading import read, schema_errors

    from toolkit.core.invoicing import InvoiceStatus, Period, Request
    from toolkit.services import einvoice
    from toolkit.services.invoicing import run
    from toolkit.writers.accountants import write_copies

    s = scene(1, immediate=True)
    for row, extra in zip(s["Clienti"], (["CAP", "Provincia"], ["10121", "TO"], ["00184", "RM"])):
        row.extend(extra)
    books = books_of(s)
    create(books, ledger, RETURNED, with_catch_up=False, lang=lang)
    [ddt] = ship(books, ledger, RETURNED, all_open=True, lang=lang).notes
    run(ledger, books, Request(parse_period("2026-05"), date(2026, 6, 3)), status=InvoiceStatus.FINAL, lang=lang)
    [note] = credit_notes(ledger)
    path = einvoice.export(books, ledger, out=tmp_path / "fe", month=Period(date(2026, 5, 1), date(2026, 6, 30))
                           ).files[note.number]
    assert schema_errors(path) == []
    xml = read(path)
    assert (xml.kind, xml.number, xml.total) == ("TD04", note.number, D("22.57"))
    assert xml.ddts == ((ddt.number, RETURNED, (1,)),) and xml.linked == ()
    sheet = openpyxl.load_workbook(write_copies(tmp_path / "copie.xlsx", books, [note]))[note.number]
    printed = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    said = {"it": (f"NOTA DI CREDITO n. {note.number}", f"Rif. DDT n. {ddt.number} del 20/05/2026"),
            "en": (f"CREDIT NOTE no. {note.number}", f"DDT no. {ddt.number} of 20/05/2026")}[lang]
    assert all(words in printed for words in said), printed


def test_month_end_does_not_name_a_waiting_return_created_ahead_as_issued_on_its_day(ledger, rome_today):
    """C002's return no invoice sold, created the day before: month end named it among the orders
    whose documents wait for their day and that day's first `orders create` or `ship` issues,
    where that day issues none (its note waits for the return's DDT, which month end credits)."""
    from toolkit.core.invoicing import Request
    from toolkit.services.invoicing import run

    books = books_of(scene(1, immediate=True))
    rome_today(RETURNED - timedelta(days=1))
    create(books, ledger, RETURNED, with_catch_up=False, lang="it")
    preview = run(ledger, books, Request(parse_period("2026-05"), date(2026, 6, 3)), preview=True, lang="it")
    assert preview.held == [] and preview.invoices == [], preview.held

# ---- goods credited already, at the order


@pytest.fixture
def desk(tmp_path, ledger_url, rome_today, capsys):
    """The scene's workbook on disk, C002 invoiced at the order and giving 2 kg back on 21 May
    (with C001's order of that Thursday), and quoted 2 kg on 15 May (`QUOTED`); its April
    invoice credited for 2 of its 3 kg on 5 May, once shipped; today 10 June."""
    rome_today(date(2026, 6, 10))
    s = scene(2, immediate=True, return_day=21)
    s["Modelli ordine"].append([QUOTED, "C002", None, None, "Mensile giorno", None, None, 15, None, None,
                                date(2026, 5, 1), date(2026, 5, 31), "Preventivo"])
    s["Righe modello"].append([QUOTED, "A001", 2, None, None])
    workbook = write_book(tmp_path / "anagrafiche.xlsx", s)

    def toolkit(verb: str, *args, json_out: bool = True) -> tuple[int, Any]:
        code, said = cli(capsys, *verb.split(), workbook, *args, "--ledger", ledger_url,
                         *(["--json"] if json_out else []))
        return code, (json.JSONDecoder().raw_decode(said)[0] if json_out else said)

    code, made = toolkit("orders create", "--date", "2026-04-10", "--no-catch-up")
    assert (code, made["invoices"]) == (0, ["FT-2026-00001"]), made
    assert toolkit("ship", "--date", "2026-04-10", "--all")[0] == 0
    code, done = toolkit("invoice credit", "--invoice", "FT-2026-00001", "--lines", "1:2", "--date", "2026-05-05",
                         "--reason", REASON)
    assert code == 0, done
    return toolkit, tmp_path


QUOTED = "T004"
"""The desk's quotation template: 2 kg of coffee for C002 on the 15th of May."""


def test_orders_create_leaves_out_a_return_credited_already_and_creates_the_rest(desk):
    """2 kg back, 1 left to credit: as month end, the return is not credited (nor any part of
    it), exit 1; the day's orders are created all the same, the return's lines waiting."""
    toolkit, folder = desk
    code, made = toolkit("orders create", "--date", "2026-05-21", "--no-catch-up", "--out", folder / "ordini.xlsx")
    assert (code, made["exit_code"]) == (1, 1)
    assert sorted(row["customer"] for row in made["created"]) == ["C001", "C002"]
    [returned] = [row["number"] for row in made["created"] if row["customer"] == "C002"]
    assert made["invoices"] == []
    [problem] = [p for p in made["problems"] if p["severity"] == "error"]
    assert problem["code"] == "return-credited-already"
    assert problem["message"].startswith(
        f"Il reso {returned} restituisce 2 pz di A001, ma delle fatture che li hanno venduti (FT-2026-00001) "
        "resta da accreditare solo 1 pz: il resto è già stato accreditato dalle note di credito NC-2026-00001."
    ), problem["message"]
    assert str(folder / "ordini.xlsx") in made["files"], "the orders created are printed"

    code, listed = toolkit("orders list")
    assert {o["number"] for o in listed["orders"]} >= {row["number"] for row in made["created"]}
    code, said = toolkit("invoice run", "--month", "2026-05", "--date", "2026-06-03", "--preview")
    assert code == 1 and [p["code"] for p in said["problems"] if p["severity"] == "error"] == [
        "return-credited-already"], "the return's lines wait, reported again at month end"

    code, text = toolkit("orders create", "--date", "2026-05-21", "--no-catch-up", json_out=False)
    assert code == 0 and "Creati 0 ordini, 2 già esistenti." in text, "nothing invoiced at the order twice"


def test_orders_create_says_which_return_it_left_out(desk):
    toolkit, _ = desk
    code, text = toolkit("orders create", "--date", "2026-05-21", "--no-catch-up", json_out=False)
    assert code == 1 and "Traceback" not in text
    assert "Creati 2 ordini, 0 già esistenti. Resi non accreditati, perché la merce è già stata accreditata: " in text
    assert "resta da accreditare solo 1 pz" in text


def errors_in(said: dict[str, Any]) -> list[str]:
    return [p["code"] for p in said["problems"] if p["severity"] == "error"]


def test_a_return_left_out_at_the_order_says_so_and_no_credit_settles_it_before_its_ddt(desk):
    """Left out at the order, the return has no DDT: its message names none and says its credit
    note waits; `returns no-credit` works at once, the return staying open, and neither month
    end nor the DDT its goods come back on (`ship --invoice`) nor another creation credits it."""
    toolkit, _ = desk
    code, made = toolkit("orders create", "--date", "2026-05-21", "--no-catch-up")
    [returned] = [row["number"] for row in made["created"] if row["customer"] == "C002"]
    [problem] = [p for p in made["problems"] if p["severity"] == "error"]
    assert problem["message"] == (
        f"Il reso {returned} restituisce 2 pz di A001, ma delle fatture che li hanno venduti (FT-2026-00001) resta da "
        "accreditare solo 1 pz: il resto è già stato accreditato dalle note di credito NC-2026-00001. La sua nota di "
        "credito non è stata emessa, per non rimborsare due volte la stessa merce: l'ordine di reso resta in attesa "
        "di accredito, e la merce rientra con il suo DDT come per ogni reso. Controlla con il cliente se quella merce "
        "è già stata rimborsata. Se sì, registra che non è dovuto alcun accredito (toolkit returns no-credit "
        f"anagrafiche.xlsx --order {returned} --reason \"…\"): il reso non sarà accreditato, né ora né quando la "
        "merce rientrerà con il suo DDT."), problem["message"]

    code, said = toolkit("returns no-credit", "--order", returned, "--reason", "Già rimborsato", json_out=False)
    assert code == 0 and said.strip().endswith(
        f"Reso {returned}: nessun accredito dovuto, registrato; non ha ancora un DDT, e quando la merce rientrerà non "
        "sarà accreditato; resta «In corso»."), said
    code, said = toolkit("invoice run", "--month", "2026-05", "--date", "2026-06-03", "--preview")
    assert code == 0 and not errors_in(said) and said["invoices"] == [], said
    code, shipped = toolkit("ship", "--date", "2026-05-22", "--all", "--invoice")
    assert code == 0 and not errors_in(shipped), shipped
    assert [x["customer"] for x in shipped["invoices"]] == ["C001"], "no credit note with the return's DDT"
    assert any(returned in n["orders"] for n in shipped["shipped"]), "its goods come back on a DDT"
    code, said = toolkit("invoice run", "--month", "2026-05", "--date", "2026-06-03", "--preview")
    assert code == 0 and not errors_in(said) and said["invoices"] == [], said
    code, said = toolkit("orders create", "--date", "2026-05-21", "--no-catch-up")
    assert code == 0 and said["invoices"] == [], said


def left_out_by_the_create_button(tmp_path) -> tuple[Any, str, tuple]:
    """C002 invoiced at the order on 10 April, 2 of its 3 kg credited on 5 May, its return of 21
    May left out by «Crea ordini selezionati»: the book, the return's number and the box shown."""
    from fakebook import FakeBook
    from test_excel_desk_buttons import fake, ledger_of, orders_in, press

    s = scene(2, immediate=True, return_day=21)
    books = books_of(s)
    book: FakeBook = fake(tmp_path, s, day=datetime(2026, 4, 10))
    press(book, "preview_orders")
    press(book, "create_orders")
    ledger = ledger_of(tmp_path)
    with reading(ledger) as conn:
        [invoice] = load_invoices(conn)
    ship(books, ledger, SOLD, all_open=True, lang="it")
    assert credit(ledger, books, invoice.number, ((1, D(2)),), REASON, date(2026, 5, 5), date(2026, 5, 5), lang="it").note

    book.sheet("Pannello").cells[(3, 2)] = datetime(2026, 5, 21)
    press(book, "preview_orders")
    (shown,) = press(book, "create_orders")
    [returned] = [o.number for o in orders_in(tmp_path) if o.customer == "C002" and o.order_date == date(2026, 5, 21)]
    return book, returned, shown


def test_the_create_button_creates_the_orders_and_names_the_return_left_out(tmp_path):
    """«Crea ordini selezionati»: the orders are created and the preview written again; the box,
    critical, names the return not credited and why, as `orders create` exits 1."""
    from test_excel_desk_buttons import ledger_of

    book, returned, shown = left_out_by_the_create_button(tmp_path)
    ledger = ledger_of(tmp_path)
    text, _, kind = shown
    assert kind == "critical"
    assert f"Resi non accreditati, perché la merce è già stata accreditata: {returned}." in text.splitlines()[0]
    assert f"Il reso {returned} restituisce 2 pz di A001" in text
    assert [x.number for x in credit_notes(ledger)] == ["NC-2026-00001"], "the return not credited"


def test_the_no_credit_button_on_a_return_with_no_ddt_says_it_stays_open_never_credited(tmp_path):
    """*Nessun accredito dovuto* on a return left out at the order, no DDT yet: the question and
    the box say it stays open and its goods, back on a DDT, are never credited (not that a DDT
    waits no more and the return closes)."""
    from test_excel_desk_buttons import fill, press

    book, returned, _ = left_out_by_the_create_button(tmp_path)
    fill(book, NumeroOrdine=returned, NotaMotivo="Già rimborsato")
    book.answers = ["yes"]
    question, shown = press(book, "no_credit_due")
    assert question == (f"Il reso {returned} non avrà nota di credito, perché: «Già rimborsato». Non ha ancora un "
                        "DDT: resta aperto, e quando la merce rientrerà con il suo DDT non sarà accreditato. "
                        "Confermi?", "Nessun accredito dovuto", "yes_no")
    assert shown == (f"Reso {returned}: nessun accredito dovuto, registrato; non ha ancora un DDT, e quando la merce "
                     "rientrerà non sarà accreditato; resta «In corso».", "Nessun accredito dovuto", "info")


def test_a_return_created_ahead_is_left_out_on_its_day_the_day_shipped(ledger, rome_today):
    """Created on 19 May for the 21st, the return's credit note waits for its day; the first
    `ship` of the 21st issues what waited and leaves the return out as `orders create` would,
    shipping C001's order all the same."""
    books = books_of(scene(2, immediate=True, return_day=21))
    invoice = sold_at_order(books, ledger)
    ship(books, ledger, SOLD, all_open=True, lang="it")
    assert credit(ledger, books, invoice.number, ((1, D(2)),), REASON, date(2026, 5, 5), date(2026, 5, 5), lang="it").note
    rome_today(date(2026, 5, 19))
    made = create(books, ledger, date(2026, 5, 21), with_catch_up=False, lang="it")
    [returned] = [row["number"] for row in made.waiting if row["customer"] == "C002"]
    assert made.invoices == [] and not [p for p in made.problems if p.is_error]

    rome_today(date(2026, 5, 21))
    done = ship(books, ledger, date(2026, 5, 21), all_open=True, lang="it")
    assert done.documents_due == (returned,) and done.invoices == ()
    assert sorted(n.customer for n in done.notes) == ["C001", "C002"]
    [problem] = [p for p in done.problems if p.is_error]
    assert problem.code == "return-credited-already" and problem.render("it").startswith(f"Il reso {returned} restituisce ")
    assert f"Resi non accreditati, perché la merce è già stata accreditata: {returned}." in done.summary("it")
    assert [x.number for x in credit_notes(ledger)] == ["NC-2026-00001"]


# ---- priced above the invoice, at the order


def test_a_return_credited_at_the_order_above_its_invoice_price_warns_as_month_end(ledger):
    """Sold at 18,50 € at the order, 2 kg sent back at 25,00 €: the credit note issued with the
    return's order credits the invoice's 37,00 €, not 50,00 €, and says so with month end's
    warning (`return-priced-above-invoice`), naming the return, both prices and the invoice."""
    s = scene(2, immediate=True)
    [line] = [row for row in s["Righe modello"] if row[0] == "T002"]
    line[3] = 25.0
    books = books_of(s)
    invoice = sold_at_order(books, ledger)
    made = create(books, ledger, RETURNED, with_catch_up=False, lang="it")
    [row] = made.created
    [note] = made.invoices
    assert returned_lines(note) == [("A001", D(-2), D("-37.00"))] and note.taxable == D("-37.00")
    assert [(c.number, c.base) for c in note.cites] == [(invoice.number, D("37.00"))]
    [stored] = credit_notes(ledger)
    assert (stored.number, stored.taxable) == (note.number, D("-37.00"))
    assert not [p for p in made.problems if p.is_error], made.problems
    [warning] = [p for p in made.problems if p.code == "return-priced-above-invoice"]
    assert warning.render("it").startswith(
        f"Il reso {row['number']} restituisce 2 pz di A001 a 25,00 € l'uno, ma la fattura {invoice.number} "
        "li ha venduti a 18,50 €: sono accreditati al prezzo della fattura, 37,00 € invece di 50,00 €"
    ), warning.render("it")
    assert warning.render("en").startswith(f"Return {row['number']} gives back 2 pz of A001 "), warning.render("en")


# ---- goods credited already: a quotation confirmed, order forms converted


def returning_quotation(toolkit, ledger_url: str) -> str:
    """The desk's quotation of 15 May, its 2 kg given back instead of sold (`giving_back`): its
    number."""
    from toolkit.ledger import open_ledger

    code, made = toolkit("orders create", "--date", "2026-05-15", "--no-catch-up", "--only", QUOTED)
    [quotation] = [row["number"] for row in made["created"]]
    assert (code, made["invoices"]) == (0, []), made
    ledger = open_ledger(ledger_url)
    giving_back(ledger, quotation)
    ledger.engine.dispose()
    return quotation


def giving_back(ledger, quotation: str) -> None:
    """The quotation's lines given back instead of sold: no template can say so (the data check
    refuses a negative quantity outside a return), but a confirmed order credits at once
    whatever negative lines it has."""
    from sqlalchemy import update

    from toolkit.ledger import schema

    lines = schema.order_lines.c
    with writing(ledger) as conn:
        quoted = conn.execute(select(schema.orders.c.id).where(
            schema.orders.c.number == int(quotation[-5:]))).scalar_one()
        conn.execute(update(schema.order_lines).where(lines.order_id == quoted)
                     .values(quantity=-lines.quantity, amount=-lines.amount))


def test_orders_confirm_makes_the_order_and_leaves_out_a_return_credited_already(desk, ledger_url):
    """As `orders create`: the order is made and the quotation closed, its credit note is not
    issued (1 kg left to credit of the 2 it gives back), exit 1 with month end's error; the
    return's lines wait, named again at month end."""
    toolkit, _ = desk
    quotation = returning_quotation(toolkit, ledger_url)
    code, confirmed = toolkit("orders confirm", quotation, "--date", "2026-05-21")
    assert (code, confirmed["exit_code"], confirmed["invoices"]) == (1, 1, []), confirmed
    order = confirmed["order"]
    [problem] = [p for p in confirmed["problems"] if p["severity"] == "error"]
    assert problem["code"] == "return-credited-already"
    assert problem["message"].startswith(
        f"Il reso {order} restituisce 2 pz di A001, ma delle fatture che li hanno venduti (FT-2026-00001) "
        "resta da accreditare solo 1 pz"), problem["message"]
    listed = {o["number"]: o for o in toolkit("orders list")[1]["orders"]}
    assert (listed[order]["document_type"], listed[order]["origin"]) == ("standard", f"quotation:{quotation}")
    assert listed[quotation]["status"] == "closed"
    assert D(str(listed[order]["invoiced"])) == 0
    assert credit_notes_at(ledger_url) == ["NC-2026-00001"], "no credit note for the return"
    code, said = toolkit("invoice run", "--month", "2026-05", "--date", "2026-06-03", "--preview")
    assert code == 1 and [p["code"] for p in said["problems"] if p["severity"] == "error"] == [
        "return-credited-already"]


def credit_notes_at(ledger_url: str) -> list[str]:
    from toolkit.ledger import open_ledger

    ledger = open_ledger(ledger_url)
    try:
        return [x.number for x in credit_notes(ledger)]
    finally:
        ledger.engine.dispose()


def test_orders_confirm_says_which_return_it_left_out(desk, ledger_url):
    toolkit, _ = desk
    quotation = returning_quotation(toolkit, ledger_url)
    code, text = toolkit("orders confirm", quotation, "--date", "2026-05-21", json_out=False)
    [order] = [line.split("→")[1].split()[0] for line in text.splitlines() if line.startswith(f"{quotation} →")]
    assert code == 1 and "Traceback" not in text
    assert "resta da accreditare solo 1 pz" in text
    assert text.splitlines()[-1] == f"{LEFT_OUT}: {order}."


def test_the_confirm_button_makes_the_order_and_names_the_return_left_out(tmp_path, rome_today):
    """«Conferma offerta»: the order is made and the quotation closed; the box, critical, says so
    and names the return not credited and why, as `orders confirm` exits 1."""
    from test_excel_desk_buttons import fake, fill, ledger_of, orders_in, press

    s = scene(2, immediate=True, return_day=21)
    s["Modelli ordine"].append([QUOTED, "C002", None, None, "Mensile giorno", None, None, 15, None, None,
                                date(2026, 5, 1), date(2026, 5, 31), "Preventivo"])
    s["Righe modello"].append([QUOTED, "A001", 2, None, None])
    books = books_of(s)
    book = fake(tmp_path, s)
    ledger = ledger_of(tmp_path)
    invoice = sold_at_order(books, ledger)
    ship(books, ledger, SOLD, all_open=True, lang="it")
    assert credit(ledger, books, invoice.number, ((1, D(2)),), REASON, date(2026, 5, 5), date(2026, 5, 5), lang="it").note
    [quotation] = [row["number"] for row in create(books, ledger, date(2026, 5, 15), with_catch_up=False, lang="it").created]
    giving_back(ledger, quotation)

    rome_today(date(2026, 5, 21))
    fill(book, NumeroOrdine=quotation)
    (shown,) = press(book, "confirm_quotation")
    [order] = [o.number for o in orders_in(tmp_path) if o.confirms == quotation]
    text, _, kind = shown
    assert kind == "critical"
    assert text.splitlines()[:2] == [f"{quotation} confermato: ordine {order} del 21/05/2026.", f"{LEFT_OUT}: {order}."]
    assert f"Il reso {order} restituisce 2 pz di A001" in text
    assert [x.number for x in credit_notes(ledger)] == ["NC-2026-00001"], "the return not credited"


FORMS_MAP = ('[orders]\ncustomer = "Cliente:"\ndate = "B4"\n'
             '[orders.lines]\nitem = "Codice articolo"\nquantity = "Q.tà"\n')


def test_convert_to_orders_makes_the_orders_and_leaves_out_a_return_credited_already(desk, ledger_url, capsys):
    """Two forms of 21 May: C002 sends 2 kg back (1 left to credit), C001 orders 1 kg. Both
    become orders; the return's credit note is not issued, its error on its form, exit 1, and
    the run ends with `orders create`'s sentence."""
    from tests.foreign_inputs import order_form

    toolkit, folder = desk
    forms = folder / "moduli"
    order_form(forms / "reso.xlsx", "C002", date(2026, 5, 21), [("A001", -2)])
    order_form(forms / "ordine.xlsx", "C001", date(2026, 5, 21), [("A001", 1)])
    (folder / "moduli.toml").write_text(FORMS_MAP, encoding="utf-8")
    args = ["convert", forms, "--to", "ordini", "--master", folder / "anagrafiche.xlsx", "--map",
            folder / "moduli.toml", "--out", folder / "out", "--jobs", "1", "--ledger", ledger_url]
    code, said = cli(capsys, *args, "--json")
    converted = json.loads(said)
    files = {f["file"].rsplit("/", 1)[-1]: f for f in converted["files"]}
    assert (code, converted["exit_code"]) == (1, 1)
    assert {name: f["status"] for name, f in files.items()} == {"reso.xlsx": "converted", "ordine.xlsx": "converted"}
    [returned] = files["reso.xlsx"]["orders"]
    [problem] = files["reso.xlsx"]["problems"]
    assert problem["code"] == "return-credited-already" and problem["message"].startswith(
        f"Il reso {returned} restituisce 2 pz di A001"), problem["message"]
    assert files["ordine.xlsx"]["problems"] == []
    listed = {o["number"]: o for o in toolkit("orders list")[1]["orders"]}
    assert listed[returned]["origin"] == "form:reso.xlsx" and D(str(listed[returned]["invoiced"])) == 0
    assert listed[files["ordine.xlsx"]["orders"][0]]["origin"] == "form:ordine.xlsx"
    assert credit_notes_at(ledger_url) == ["NC-2026-00001"]

    order_form(forms / "reso bis.xlsx", "C002", date(2026, 5, 22), [("A001", -3)])
    code, text = cli(capsys, *args)
    assert code == 1 and "Traceback" not in text
    [again] = [o["number"] for o in toolkit("orders list")[1]["orders"] if o["origin"] == "form:reso bis.xlsx"]
    assert f"Convertiti 1, saltati 2, non riusciti 0. {LEFT_OUT}: {again}." in text, text
