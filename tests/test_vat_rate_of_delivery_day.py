"""A sale is taxed at the VAT rate in force on its delivery (art. 6 DPR 633/72), not on its order's.

C001's template orders A001 (22 %, going to 10 % on 1 January 2027) and A002 (4 %) every Monday
and Wednesday: the order of Wednesday 30 December ships that day at 22 %, the one of Monday 4
January, created ahead on 28 December, ships at 10 %, whether *Articoli* wrote the change ahead
(*Nuova aliquota IVA* from *Dal*) or the desk changed *Aliquota IVA* by hand after creating it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import minimal
import pytest
from fatturapa_reading import read, schema_errors
from older_ledgers import back_to
from sqlalchemy import select

from toolkit.core.invoicing import InvoiceStatus, Period, Request
from toolkit.intake.validation import check
from toolkit.ledger import schema
from toolkit.ledger.db import reading
from toolkit.model.records import MasterData
from toolkit.services.invoicing import run
from toolkit.services.orders import create, list_orders
from toolkit.services.shipping import ship

CREATED, LAST_OLD, FIRST_NEW = date(2026, 12, 28), date(2026, 12, 30), date(2027, 1, 4)
DECEMBER, JANUARY = Period(date(2026, 12, 1), date(2026, 12, 31)), Period(date(2027, 1, 1), date(2027, 1, 31))


def sheets(*, rate: int = 22, change: bool = False, gross: bool = False) -> dict[str, list[list]]:
    s = minimal.sheets()
    [t001] = [row for row in s["Modelli ordine"] if row[0] == "T001"]
    t001[5] = "lun,mer"
    s["Clienti"][0] += ["CAP", "Provincia"]
    s["Clienti"][1] += ["10121", "TO"]
    s["Clienti"][2] += ["00184", "RM"]
    s["Modelli ordine"] = [row for row in s["Modelli ordine"] if row[0] != "T002"]
    s["Righe modello"] = [row for row in s["Righe modello"] if row[0] != "T002"]
    [a001] = [row for row in s["Articoli"] if row[0] == "A001"]
    a001[3] = rate
    if change:
        s["Articoli"][0] += ["Nuova aliquota IVA", "Dal"]
        for row in s["Articoli"][1:]:
            row += [10, "01/01/2027"] if row[0] == "A001" else [None, None]
    if gross:
        minimal.set_cell(s, "Listini", "C1", "IVA inclusa")
        minimal.set_cell(s, "Listini", "C2", "sì")
    return s


def master(**kw) -> MasterData:
    return master_of(sheets(**kw))


def master_of(tables: dict[str, list[list]]) -> MasterData:
    result = check(minimal.workbook(tables))
    assert result.master is not None, [str(p) for p in result.problems]
    return result.master


def a001_rates(ledger) -> dict[date, tuple[D, D]]:
    """A001's (VAT rate, net unit price) on each order, by its day, as the ledger holds them."""
    o, ol = schema.orders.c, schema.order_lines.c
    with reading(ledger) as conn:
        rows = conn.execute(select(o.occurrence, ol.vat_rate, ol.unit_price)
                            .join(schema.orders, o.id == ol.order_id).where(ol.item == "A001")).all()
    return {day: (rate, price) for day, rate, price in rows}


def created_ahead(ledger, books: MasterData) -> None:
    """On 28 December the orders of 30 December and of 4 January are created."""
    for day in (LAST_OLD, FIRST_NEW):
        assert create(books, ledger, day, with_catch_up=False, future=True, lang="it").created


def shipped(ledger, books: MasterData, day: date):
    done = ship(books, ledger, day, all_open=True, future=True, lang="it")
    assert done.notes, [str(p) for p in done.problems]
    return done


def a001_on(invoice) -> tuple[D, D, D]:
    [line] = [x for x in invoice.lines if x.item == "A001"]
    return line.vat_rate, line.unit_price, line.amount


def test_a_change_written_ahead_rates_the_order_made_for_a_day_after_it_at_once(ledger, rome_today):
    rome_today(CREATED)
    created_ahead(ledger, master(change=True))
    assert a001_rates(ledger) == {LAST_OLD: (D(22), D("19.5")), FIRST_NEW: (D(10), D("19.5"))}


def test_an_order_made_before_the_change_was_known_ships_at_the_rate_of_its_ddt_and_january_invoices_it(
        ledger, rome_today):
    """Made on 28 December at 22 %, the 4 January order ships after *Articoli* wrote the change:
    its DDT, its order line and January's deferred invoice say 10 %, with a warning naming the
    order and the item; December's order, shipped on 30 December, stays at 22 % and December's
    invoice too. The XML's DatiRiepilogo has a block per rate and passes the schema."""
    rome_today(CREATED)
    created_ahead(ledger, master())
    assert a001_rates(ledger) == {LAST_OLD: (D(22), D("19.5")), FIRST_NEW: (D(22), D("19.5"))}
    books = master(change=True)
    rome_today(LAST_OLD)
    december = shipped(ledger, books, LAST_OLD)
    assert not [p for p in december.problems if p.code.startswith("vat-rate")]
    rome_today(FIRST_NEW)
    january = shipped(ledger, books, FIRST_NEW)
    [note] = january.notes
    assert sorted((x.item, x.vat_rate) for x in note.lines) == [("A001", D(10)), ("A002", D(4))]
    [told] = [p for p in january.problems if p.code == "vat-rate-changed"]
    [number] = [o.number for o in list_orders(ledger) if o.occurrence == FIRST_NEW]
    assert (told.location.sheet, told.location.cell) == ("Articoli", "F2")
    assert f"L'ordine {number} aveva A001 con IVA 22 %: il DDT del 04/01/2027 lo porta con IVA 10 %" \
        in told.render("it"), told.render("it")
    assert f"Order {number} had A001 at VAT 22 %" in told.render("en")
    assert a001_rates(ledger) == {LAST_OLD: (D(22), D("19.5")), FIRST_NEW: (D(10), D("19.5"))}

    old = run(ledger, books, Request(DECEMBER, date(2027, 1, 5)), status=InvoiceStatus.FINAL, lang="it")
    [dec] = old.invoices
    assert a001_on(dec) == (D(22), D("19.5"), D("234.00"))
    assert [(v.rate, v.taxable, v.vat) for v in dec.summary] == [(D(4), D("30.00"), D("1.20")),
                                                                  (D(22), D("234.00"), D("51.48"))]
    rome_today(date(2027, 2, 1))
    new = run(ledger, books, Request(JANUARY, date(2027, 2, 1)), status=InvoiceStatus.FINAL, lang="it")
    [jan] = new.invoices
    assert a001_on(jan) == (D(10), D("19.5"), D("234.00"))
    assert [(v.rate, v.taxable, v.vat) for v in jan.summary] == [(D(4), D("30.00"), D("1.20")),
                                                                  (D(10), D("234.00"), D("23.40"))]
    assert jan.total == D("288.60")


def test_an_item_s_rate_changed_by_hand_is_followed_by_the_lines_not_yet_shipped(ledger, rome_today):
    """No change written ahead: the desk types 10 over 22 in *Aliquota IVA* after the orders
    were made. What ships after follows the sheet; the warning points at that cell."""
    rome_today(CREATED)
    created_ahead(ledger, master())
    rome_today(FIRST_NEW)
    done = ship(master(rate=10), ledger, FIRST_NEW, numbers=[
        o.number for o in list_orders(ledger) if o.occurrence == FIRST_NEW], future=True, lang="it")
    assert [(x.item, x.vat_rate) for x in done.notes[0].lines if x.item == "A001"] == [("A001", D(10))]
    [told] = [p for p in done.problems if p.code == "vat-rate-changed"]
    assert (told.location.sheet, told.location.cell) == ("Articoli", "D2")
    assert a001_rates(ledger) == {LAST_OLD: (D(22), D("19.5")), FIRST_NEW: (D(10), D("19.5"))}


def test_on_a_vat_included_list_the_shelf_price_stays_and_is_split_at_the_new_rate(ledger, rome_today):
    """19.50 € a piece VAT included: 12 pz made net at 22 % are 191.80 (15.983333 each). The order
    of 30 December ships that day at 22 %, 191.80 + 42.20; the one of 4 January, made at 22 %
    too, ships at 10 %: the customer still pays 234.00 €, now 212.73 + 21.27."""
    rome_today(CREATED)
    created_ahead(ledger, master(gross=True))
    assert a001_rates(ledger)[FIRST_NEW] == (D(22), D("15.983333"))
    books = master(gross=True, change=True)
    rome_today(FIRST_NEW)
    shipped(ledger, books, LAST_OLD)
    done = shipped(ledger, books, FIRST_NEW)
    [line] = [x for x in done.notes[0].lines if x.item == "A001"]
    assert (line.vat_rate, line.unit_price, line.amount) == (D(10), D("17.7275"), D("212.73"))
    rome_today(date(2027, 2, 1))
    invoices = run(ledger, books, Request(JANUARY, date(2027, 2, 1)), status=InvoiceStatus.FINAL, lang="it").invoices
    a001 = sorted((v.rate, v.taxable, v.vat, v.taxable + v.vat) for x in invoices for v in x.summary if v.rate > 4)
    assert a001 == [(D(10), D("212.73"), D("21.27"), D("234.00")), (D(22), D("191.80"), D("42.20"), D("234.00"))]


def test_ship_invoice_at_once_charges_the_rate_of_the_delivery_day_and_its_xml_passes_the_schema(
        ledger, rome_today, tmp_path):
    rome_today(CREATED)
    created_ahead(ledger, master())
    books = master(change=True)
    rome_today(FIRST_NEW)
    [number] = [o.number for o in list_orders(ledger) if o.occurrence == FIRST_NEW]
    done = ship(books, ledger, FIRST_NEW, numbers=[number], future=True, invoice=True, lang="it")
    [invoice] = done.invoices
    assert a001_on(invoice) == (D(10), D("19.5"), D("234.00"))
    assert sorted((v.rate, v.vat) for v in invoice.summary) == [(D(4), D("1.20")), (D(10), D("23.40"))]
    from toolkit.services.einvoice import export

    written = export(books, ledger, out=tmp_path, month=JANUARY)
    assert list(written.files) == [invoice.number], written.problems
    xml = written.files[invoice.number]
    assert schema_errors(xml) == []
    said = read(xml)
    assert [(x.item, x.rate, x.total) for x in said.lines] == [("A001", D(10), D("234.00")), ("A002", D(4), D("30.00"))]
    assert [s[:4] for s in said.summary] == [(D(4), None, D("30.00"), D("1.20")), (D(10), None, D("234.00"), D("23.40"))]


@pytest.mark.parametrize("gross", [False, True])
def test_a_line_shipped_in_part_before_ships_the_rest_at_the_rate_of_its_own_ddt(ledger, rome_today, gross):
    """Half of the 4 January order's A001 went on 30 December at 22 %; the rest ships on 4 January.
    Each delivery is a sale of its own day (art. 6 DPR 633/72): the rest is 10 %. The order line
    is cut at what shipped, 6 pz at 22 % that December's DDT and invoice read, and the rest is a new
    line of the order, 6 pz at 10 %, which January's DDT cites and January invoices (on a
    VAT-included list at the shelf price made net at 10 %). It kept 22 % with a warning telling
    the desk to close the order and order the rest again."""
    rome_today(CREATED)
    created_ahead(ledger, master(gross=gross))
    [order] = [o for o in list_orders(ledger) if o.occurrence == FIRST_NEW]
    from toolkit.core.shipping import ChosenRow

    rome_today(LAST_OLD)
    books = master(change=True, gross=gross)
    ship(books, ledger, LAST_OLD, chosen=[ChosenRow(order.number, "A001", D(6))], future=True, lang="it")
    rome_today(FIRST_NEW)
    done = ship(books, ledger, FIRST_NEW, numbers=[order.number], future=True, lang="it")
    [a001] = [x for x in done.notes[0].lines if x.item == "A001"]
    net = D("17.726667") if gross else D("19.5")
    assert (a001.quantity, a001.vat_rate, a001.unit_price) == (D(6), D(10), net)
    [told] = [p for p in done.problems if p.code.startswith("vat-rate")]
    assert (told.code, told.location.sheet, told.location.cell) == ("vat-rate-changed-rest", "Articoli", "F2")
    assert (f"L'ordine {order.number} aveva A001 con IVA 22 % e ne ha già spedito 6 pz: il resto, 6 pz, esce con il "
            "DDT del 04/01/2027 con IVA 10 %") in told.render("it")
    assert "La riga 1 dell'ordine resta di 6 pz con IVA 22 %" in told.render("it")
    assert "Line 1 of the order stays at 6 pz at VAT 22 %" in told.render("en")
    assert "The order, the DDT and the invoice show" not in told.render("en")
    [again] = [o for o in list_orders(ledger) if o.number == order.number]
    was = D("15.983333") if gross else D("19.5")
    assert [(x.line_no, x.quantity, x.shipped, x.vat_rate, x.unit_price) for x in again.lines if x.item == "A001"] \
        == [(1, D(6), D(6), D(22), was), (3, D(6), D(6), D(10), net)]
    assert again.status.value == "completed"
    rome_today(date(2027, 2, 1))
    [dec] = run(ledger, books, Request(DECEMBER, date(2027, 2, 1)), status=InvoiceStatus.FINAL, lang="it").invoices
    [jan] = run(ledger, books, Request(JANUARY, date(2027, 2, 1)), status=InvoiceStatus.FINAL, lang="it").invoices
    shelf = D("117.00") if gross else None
    assert [(x.quantity, x.vat_rate) for x in dec.lines if x.item == "A001"] == [(D(6), D(22))]
    assert [(x.quantity, x.vat_rate) for x in jan.lines if x.item == "A001"] == [(D(6), D(10))]
    [v22] = [v for v in dec.summary if v.rate == 22]
    [v10] = [v for v in jan.summary if v.rate == 10]
    if shelf is not None:
        assert (v22.taxable + v22.vat, v10.taxable + v10.vat) == (shelf, shelf)
    else:
        assert (v22.taxable, v22.vat, v10.taxable, v10.vat) == (D("117.00"), D("25.74"), D("117.00"), D("11.70"))


@pytest.mark.parametrize("row, code, cell", [([10, None], "vat-change-without-day", "G2"),
                                             ([None, "01/01/2027"], "vat-change-without-rate", "F2"),
                                             ([7, "01/01/2027"], "unusual-vat-rate", "F2")])
def test_a_rate_change_is_written_whole(row, code, cell):
    s = minimal.sheets()
    s["Articoli"][0] += ["Nuova aliquota IVA", "Dal"]
    s["Articoli"][1] += row
    found = [(p.code, p.location.sheet, p.location.cell) for p in check(minimal.workbook(s)).problems
             if p.code != "stock-not-checked"]
    assert found == [(code, "Articoli", cell)]


def test_a_return_after_the_change_is_credited_at_the_rate_its_december_invoice_charged(ledger, rome_today):
    """12 pz sold on 30 December at 22 % and invoiced in December; 2 come back on 11 January,
    their return order made at the 10 % of its day: the note takes them back at 22 % (art. 26),
    as the invoice charged, and the return is not rated again at shipping."""
    s = sheets(change=True)
    s["Righe modello"].append(["T002", "A001", 2, None, None])
    s["Modelli ordine"].append(["T002", "C001", None, None, "Mensile giorno", None, None, 11, None, None,
                                date(2027, 1, 1), date(2027, 1, 31), "Reso"])
    result = check(minimal.workbook(s))
    assert result.master is not None, [str(p) for p in result.problems]
    books = result.master
    rome_today(LAST_OLD)
    assert create(books, ledger, LAST_OLD, with_catch_up=False, lang="it").created
    shipped(ledger, books, LAST_OLD)
    rome_today(date(2027, 1, 5))
    [december] = run(ledger, books, Request(DECEMBER, date(2027, 1, 5)), status=InvoiceStatus.FINAL, lang="it").invoices
    assert a001_on(december) == (D(22), D("19.5"), D("234.00"))
    back = date(2027, 1, 11)
    rome_today(back)
    assert create(books, ledger, back, with_catch_up=False, only=["T002"], lang="it").created
    done = shipped(ledger, books, back)
    assert not [p for p in done.problems if p.code.startswith("vat-rate")]
    assert [(x.item, x.quantity, x.vat_rate) for x in done.notes[0].lines] == [("A001", D(-2), D(10))]
    rome_today(date(2027, 2, 1))
    january = run(ledger, books, Request(JANUARY, date(2027, 2, 1)), status=InvoiceStatus.FINAL, lang="it")
    [note] = [x for x in january.invoices if x.total < 0]
    assert [(x.quantity, x.amount, x.vat_rate) for x in note.lines] == [(D(-2), D("-39.00"), D(22))]
    assert (note.taxable, note.vat, note.total) == (D("-39.00"), D("-8.58"), D("-47.58"))


def test_check_names_the_cell_of_a_change_written_without_its_day(tmp_path, sample_workbook, capsys):
    """The sample's *Articoli* has both columns, empty: a new rate typed without its day is
    refused at the empty *Dal* cell, as the command line's check tells it."""
    import json
    import shutil

    import openpyxl

    from toolkit.cli import app, output

    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copy(sample_workbook, workbook)
    book = openpyxl.load_workbook(workbook)
    items = book["Articoli"]
    heading = {c.value: c.column_letter for c in items[1]}
    items[f"{heading['Nuova aliquota IVA']}2"] = 10
    book.save(workbook)
    app._register()
    output.reset()
    capsys.readouterr()
    assert app.run(["check", str(workbook), "--json"]) == 1
    said = json.loads(capsys.readouterr().out)
    assert [(p["sheet"], p["cell"], p["code"]) for p in said["problems"] if p["severity"] == "error"] == [
        ("Articoli", f"{heading['Dal']}2", "vat-change-without-day")]


@pytest.mark.parametrize("old, nature, new", [(0, "N4", 4), (22, "N2.2", 0)])
def test_a_change_between_a_rate_and_a_nature_is_written_and_carries_the_nature_only_at_0(old, nature, new):
    """A book exempt until 31 December (0 % N4) taxed at 4 % from 1 January, or goods at 22 %
    that go to 0 % N2.2: *Natura* is the 0 % rate's, the other rate's nature is none. The check
    refused the change at *Nuova aliquota IVA* (nature-with-rate) or *Natura*, and a line of the
    new day carried 4 % with N4, a nature the e-invoice may not pair with a rate."""
    from toolkit.core.vat import line_vat

    s = minimal.sheets()
    s["Articoli"][0] += ["Nuova aliquota IVA", "Dal"]
    for row in s["Articoli"][1:]:
        row += [new, "01/01/2027"] if row[0] == "A003" else [None, None]
    [a003] = [row for row in s["Articoli"] if row[0] == "A003"]
    a003[3:5] = [old, nature]
    result = check(minimal.workbook(s))
    assert [p.code for p in result.problems if p.code != "stock-not-checked"] == []
    assert result.master is not None
    [item] = [i for i in result.master.items if i.code == "A003"]
    customer = result.master.customers[0]
    assert line_vat(item, customer, LAST_OLD) == (D(old), nature if not old else None)
    assert line_vat(item, customer, FIRST_NEW) == (D(new), nature if not new else None)


def test_goods_invoiced_in_full_before_the_change_ship_after_it_at_the_invoice_s_rate_without_a_warning(
        ledger, rome_today):
    """A prepay order of 30 December is invoiced that day at 22 % and ships on 4 January, once
    paid. An invoice issued before the delivery makes the sale on its date (art. 6 c. 4 DPR
    633/72), so 22 % is right: the DDT says it, and no warning tells the desk to close the order
    and order it again, which would have invoiced the goods a second time."""
    s = sheets(change=True)
    [t001] = [row for row in s["Modelli ordine"] if row[0] == "T001"]
    t001 += [None] * (13 - len(t001))
    t001[12] = "Pagamento anticipato"
    books = check(minimal.workbook(s)).master
    assert books is not None
    rome_today(LAST_OLD)
    made = create(books, ledger, LAST_OLD, with_catch_up=False, lang="it")
    [invoice] = made.invoices
    assert a001_on(invoice) == (D(22), D("19.5"), D("234.00"))
    rome_today(FIRST_NEW)
    [order] = [o for o in list_orders(ledger) if o.occurrence == LAST_OLD]
    with reading(ledger) as conn:
        paid = set(conn.execute(select(schema.orders.c.id)).scalars())
    done = ship(books, ledger, FIRST_NEW, numbers=[order.number], paid=paid, lang="it")
    assert done.notes, [str(p) for p in done.problems]
    assert [(x.item, x.vat_rate) for x in done.notes[0].lines if x.item == "A001"] == [("A001", D(22))]
    assert [p.code for p in done.problems if p.code.startswith("vat-rate")] == []


def test_a_line_a_voided_ddt_carried_ships_at_the_new_rate_and_that_ddt_prints_again_as_it_did(ledger, rome_today):
    """The 4 January order went out on a DDT of 30 December at 22 %, voided on 2 January, and
    ships again on 4 January: a sale of that day, at 10 %. The voided DDT keeps the rate and
    price its lines carried, so it prints again, marked ANNULLATO, at 22 % as it first printed.
    The line kept 22 % for the new DDT, warned, since the voided DDT printed from its order line."""
    from toolkit.ledger.deliveries import load_notes
    from toolkit.services.ddt_void import void_ddt

    rome_today(CREATED)
    created_ahead(ledger, master(gross=True))
    books = master(change=True, gross=True)
    [order] = [o for o in list_orders(ledger) if o.occurrence == FIRST_NEW]
    rome_today(LAST_OLD)
    [first] = ship(books, ledger, LAST_OLD, numbers=[order.number], future=True, lang="it").notes
    assert [(x.item, x.vat_rate) for x in first.lines if x.item == "A001"] == [("A001", D(22))]
    rome_today(date(2027, 1, 2))
    assert void_ddt(books, ledger, first.number, "sbagliato").problems == []
    rome_today(FIRST_NEW)
    done = ship(books, ledger, FIRST_NEW, numbers=[order.number], future=True, lang="it")
    assert [(x.item, x.vat_rate, x.unit_price) for x in done.notes[0].lines if x.item == "A001"] == [
        ("A001", D(10), D("17.7275"))]
    assert [p.code for p in done.problems if p.code.startswith("vat-rate")] == ["vat-rate-changed"]
    with reading(ledger) as conn:
        [again] = [n for n in load_notes(conn) if n.number == first.number]
    assert [(x.item, x.vat_rate, x.unit_price, x.amount) for x in again.lines] == [
        (x.item, x.vat_rate, x.unit_price, x.amount) for x in first.lines]


def test_a_ledger_of_schema_35_keeps_its_voided_ddts_rates(ledger, rome_today):
    """A DDT voided in a ledger of schema 35, whose voided lines kept no rate of their own:
    migration 36 gives them their order lines' rate, nature and price, so the DDT prints again
    as before, on SQLite and PostgreSQL alike."""

    from toolkit.ledger.db import migrate
    from toolkit.ledger.deliveries import load_notes
    from toolkit.services.ddt_void import void_ddt

    rome_today(CREATED)
    created_ahead(ledger, master())
    rome_today(LAST_OLD)
    [note] = shipped(ledger, master(), LAST_OLD).notes
    rome_today(date(2026, 12, 31))
    assert void_ddt(master(), ledger, note.number, None).problems == []
    back_to(ledger, 35, {"voided_lines": ["vat_rate", "vat_nature", "unit_price"]})
    assert migrate(ledger) == schema.SCHEMA_VERSION == 48
    with reading(ledger) as conn:
        kept = conn.execute(select(schema.voided_lines.c.vat_rate, schema.voided_lines.c.unit_price)).all()
        [again] = load_notes(conn, ids=[note.id])
    assert sorted(kept) == sorted((x.vat_rate, x.unit_price) for x in note.lines)
    assert [(x.item, x.vat_rate, x.vat_nature, x.unit_price) for x in again.lines] == [
        (x.item, x.vat_rate, x.vat_nature, x.unit_price) for x in note.lines]


def prepay(**kw) -> MasterData:
    s = sheets(**kw)
    [t001] = [row for row in s["Modelli ordine"] if row[0] == "T001"]
    t001 += [None] * (13 - len(t001))
    t001[12] = "Pagamento anticipato"
    books = check(minimal.workbook(s)).master
    assert books is not None
    return books


def test_an_invoice_at_the_order_held_for_its_day_charges_the_rate_of_that_day(ledger, rome_today):
    """A prepay order made on 28 December for 4 January holds its invoice until that day; the
    change was written after it was made. Issued on 4 January, before the goods leave, the
    invoice makes the sale on its date (art. 6 c. 4 DPR 633/72): 10 %, its order line with it,
    so the DDT that follows the payment carries 10 % too. It charged the 22 % of the order."""
    rome_today(CREATED)
    assert create(prepay(), ledger, FIRST_NEW, with_catch_up=False, lang="it").created
    assert a001_rates(ledger) == {FIRST_NEW: (D(22), D("19.5"))}
    rome_today(FIRST_NEW)
    made = create(prepay(change=True), ledger, FIRST_NEW, with_catch_up=False, lang="it")
    [invoice] = made.invoices
    assert invoice.invoice_date == FIRST_NEW
    assert a001_on(invoice) == (D(10), D("19.5"), D("234.00"))
    assert a001_rates(ledger) == {FIRST_NEW: (D(10), D("19.5"))}
    [told] = [p for p in made.problems if p.code.startswith("vat-rate")]
    assert (told.code, told.location.sheet, told.location.cell) == ("vat-rate-changed-at-invoice", "Articoli", "F2")
    assert "la fattura del 04/01/2027, emessa prima della consegna, lo porta con IVA 10 %" in told.render("it")
    assert "the invoice of 04/01/2027, issued before the delivery, carries it at VAT 10 %" in told.render("en")


def test_a_quotation_confirmed_after_the_change_for_a_customer_invoiced_at_once_charges_the_new_rate(
        ledger, rome_today):
    """A quotation made on 28 December at 22 %, confirmed on 4 January for C001, invoiced at once
    (*Immediato*): the invoice of 4 January charges 10 %, warned, and the confirmation is no
    refusal: the order is made and the quotation closed."""
    from toolkit.ledger.orders import load_orders
    from toolkit.services.order_confirm import confirm

    def immediate(**kw) -> MasterData:
        s = sheets(**kw)
        s["Clienti"][0].append("Termini di fatturazione")
        s["Clienti"][1].append("Immediato")
        s["Clienti"][2].append(None)
        minimal.set_cell(s, "Modelli ordine", "M2", "Preventivo")
        books = check(minimal.workbook(s)).master
        assert books is not None, [str(p) for p in check(minimal.workbook(s)).problems]
        return books

    rome_today(CREATED)
    assert create(immediate(), ledger, CREATED, with_catch_up=False, lang="it").created
    rome_today(FIRST_NEW)
    with reading(ledger) as conn:
        [quotation] = load_orders(conn)
    done = confirm(immediate(change=True), ledger, quotation.number, FIRST_NEW, lang="it")
    assert done.order is not None and done.summary("it") == ""
    [invoice] = done.invoices
    assert a001_on(invoice) == (D(10), D("19.5"), D("234.00"))
    assert [p.code for p in done.problems] == ["vat-rate-changed-at-invoice"]


def test_a_nature_changed_alone_by_hand_is_followed_by_the_lines_not_yet_shipped(ledger, rome_today):
    """A001 at 0 % N4 when the orders were made; the desk then writes N2.2 in its *Natura*, the
    rate still 0. The nature is what the e-invoice says of a 0 % line (Natura), so it is part of
    the rate of the day: the 4 January DDT carries 0 % N2.2, warned at the *Natura* cell, and
    January's invoice too. The line kept N4, as only a rate's change was looked at."""
    def exempt(nature: str) -> MasterData:
        s = sheets(rate=0)
        [a001] = [row for row in s["Articoli"] if row[0] == "A001"]
        a001[4] = nature
        books = check(minimal.workbook(s)).master
        assert books is not None
        return books

    rome_today(CREATED)
    created_ahead(ledger, exempt("N4"))
    rome_today(FIRST_NEW)
    books = exempt("N2.2")
    [number] = [o.number for o in list_orders(ledger) if o.occurrence == FIRST_NEW]
    done = ship(books, ledger, FIRST_NEW, numbers=[number], future=True, lang="it")
    assert [(x.vat_rate, x.vat_nature) for x in done.notes[0].lines if x.item == "A001"] == [(D(0), "N2.2")]
    [told] = [p for p in done.problems if p.code == "vat-rate-changed"]
    assert (told.location.sheet, told.location.cell) == ("Articoli", "E2")
    assert "aveva A001 con IVA 0 % N4: il DDT del 04/01/2027 lo porta con IVA 0 % N2.2" in told.render("it")
    rome_today(date(2027, 2, 1))
    [jan] = run(ledger, books, Request(JANUARY, date(2027, 2, 1)), status=InvoiceStatus.FINAL, lang="it").invoices
    assert [(x.vat_rate, x.vat_nature) for x in jan.lines if x.item == "A001"] == [(D(0), "N2.2")]


def _cut_on_first_new(ledger, rome_today, named: str):
    """The 4 January order made ahead, 6 pz of A001 shipped on 30 December at 22 % and 2 on 4
    January at 10 % (its line 1 cut there, the rest a line 3), the picking list naming the line
    by `named` (its item or its number); today 5 January. Returns the order and the books with
    the change."""
    from toolkit.core.shipping import ChosenRow

    rome_today(CREATED)
    created_ahead(ledger, master())
    [order] = [o for o in list_orders(ledger) if o.occurrence == FIRST_NEW]
    books = master(change=True)
    rome_today(LAST_OLD)
    ship(books, ledger, LAST_OLD, chosen=[ChosenRow(order.number, named, D(6))], future=True, lang="it")
    rome_today(FIRST_NEW)
    ship(books, ledger, FIRST_NEW, chosen=[ChosenRow(order.number, named, D(2))], future=True, lang="it")
    rome_today(date(2027, 1, 5))
    return order, books


def test_a_quantities_row_naming_the_item_of_a_line_cut_ships_from_the_rest(ledger, rome_today):
    """A001 of the 4 January order was cut on 4 January (6 pz shipped at 22 %, the rest a new
    line 3 at 10 %, 2 of it shipped). On 5 January the picking list still names A001, not a line
    number: the line still open is the one meant, not a choice the desk has to make."""
    from toolkit.core.shipping import ChosenRow

    order, books = _cut_on_first_new(ledger, rome_today, "A001")
    done = ship(books, ledger, date(2027, 1, 5), chosen=[ChosenRow(order.number, "A001", D(3))], future=True, lang="it")
    assert not [p for p in done.problems if p.is_error], [str(p) for p in done.problems]
    [note] = done.notes
    assert [(x.item, x.quantity, x.vat_rate) for x in note.lines] == [("A001", D(3), D(10))]
    [again] = [o for o in list_orders(ledger) if o.number == order.number]
    assert [(x.line_no, x.quantity, x.shipped) for x in again.lines if x.item == "A001"] == [
        (1, D(6), D(6)), (3, D(6), D(5))]


def test_a_quantities_row_naming_the_number_of_a_line_cut_is_told_where_the_rest_went(ledger, rome_today):
    """The picking list of 3 January named line 1 of the 4 January order; after line 1 was cut
    on 4 January, a row naming line 1 again is refused at its cell with the line that holds the
    rest, not told to ship at most 0."""
    from toolkit.basics.cells import Location
    from toolkit.core.shipping import ChosenRow

    order, books = _cut_on_first_new(ledger, rome_today, "1")
    at = Location("quantita", "B2", "quantita.csv")
    done = ship(books, ledger, date(2027, 1, 5), chosen=[ChosenRow(order.number, "1", D(3), line_at=at)], future=True, lang="it")
    assert done.notes == ()
    [refused] = [p for p in done.problems if p.is_error]
    assert (refused.code, refused.location) == ("ship-line-shipped-rest-elsewhere", at)
    assert f"Ordine {order.number}, riga 1 (A001): non ha più niente da spedire, e A001 resta da spedire sulla riga 3" \
        in refused.render("it")
    assert "Write 3 (or A001) instead of 1." in refused.render("en")


def _descriptions(path, sheet: str | None, column: int = 2) -> list[str]:
    """The texts of `column` (B: the order's description) below its heading, *Descrizione*, on
    `sheet` (None: the first)."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    rows = [row[column - 1] for row in (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True)]
    heading = next(i for i, x in enumerate(rows) if x in ("Descrizione", "Description"))
    return [str(x) for x in rows[heading + 1:] if x]


def test_the_rest_of_a_line_cut_says_so_on_the_order_printed_again_and_on_the_panel(ledger, rome_today, tmp_path):
    """After the cut of 4 January the 4 January order shows A001 twice, 6 pz at 22 % shipped and
    6 pz at 10 %: printed again, and on the panel's lines, the second says it is the rest of line
    1 at 10 % from the day of the DDT that cut it, so the desk reads one line, not an order of 12
    pz more; the order's other line, the line cut and the 30 December order say nothing more. The
    distribution list and the complete list, which show the lines too, say it as well."""
    from toolkit.services.lists import distribution
    from toolkit.services.orders import panel
    from toolkit.services.printing import Selection, print_documents

    order, books = _cut_on_first_new(ledger, rome_today, "A001")
    for lang, said in (("it", "resto della riga 1, IVA 10 % dal 04/01/2027"),
                       ("en", "rest of line 1, VAT 10 % from 04/01/2027")):
        printed = print_documents(books, ledger, "orders", Selection((order.number,)), tmp_path / f"o-{lang}.xlsx",
                                  lang, lang_asked=True)
        assert not [p for p in printed.problems if p.is_error]
        assert _descriptions(printed.written, order.number) == [
            "Caffè in grani 1 kg", "Latte fresco 1 l – al retro", f"Caffè in grani 1 kg – {said}"]
        lines = _descriptions(panel(books, ledger, tmp_path / f"p-{lang}.xlsx", lang), "Righe" if lang == "it"
                              else "Lines", 3)
        assert lines == ["Caffè in grani 1 kg", "Latte fresco 1 l"] * 2 + [f"Caffè in grani 1 kg – {said}"], lines
        for complete in (False, True):
            listed = _descriptions(distribution(books, ledger, LAST_OLD, FIRST_NEW, tmp_path / f"l-{lang}.xlsx", lang,
                                                complete=complete), None, 9)
            assert [x for x in listed if x.startswith("Caffè")][-1] == f"Caffè in grani 1 kg – {said}", listed
            assert [x for x in listed if "–" in x and "retro" not in x] == [f"Caffè in grani 1 kg – {said}"], listed


def test_a_row_naming_a_line_shipped_whole_of_an_item_ordered_twice_on_purpose_is_told_the_ordinary_way(
        ledger, rome_today):
    """T001 orders A001 twice on purpose (12 pz, then 5 pz more on a line 3), at one rate, and no
    rate changes. Line 1 shipped whole on 30 December; a picking list naming line 1 again is
    refused as any quantity past what is left, not told that a rate change cut the line."""
    from toolkit.basics.cells import Location
    from toolkit.core.shipping import ChosenRow

    s = sheets()
    s["Righe modello"].append(["T001", "A001", 5, None, None])
    books = master_of(s)
    rome_today(CREATED)
    created_ahead(ledger, books)
    [order] = [o for o in list_orders(ledger) if o.occurrence == FIRST_NEW]
    assert [(x.line_no, x.item, x.vat_rate) for x in order.lines] == [(1, "A001", 22), (2, "A002", 4), (3, "A001", 22)]
    rome_today(LAST_OLD)
    ship(books, ledger, LAST_OLD, chosen=[ChosenRow(order.number, "1", D(12))], future=True, lang="it")
    at = Location("quantita", "B2", "quantita.csv")
    done = ship(books, ledger, LAST_OLD, chosen=[ChosenRow(order.number, "1", D(3), line_at=at)], future=True, lang="it")
    [refused] = [p for p in done.problems if p.is_error]
    assert refused.code == "ship-quantity-too-large", refused.render("it")
    assert f"Ordine {order.number}, riga 1 (A001): quantità 3 oltre il residuo da spedire 0" in refused.render("it")
    assert "cambio d'aliquota" not in refused.render("it")


def _a001_twice_before_the_change(ledger, rome_today):
    """T001 with A001 on a line 3 too (5 pz), the 4 January order created ahead, then A001's rate
    going 22 % → 10 % on 1 January: the order and the books with the change."""
    s = sheets()
    s["Righe modello"].append(["T001", "A001", 5, None, None])
    rome_today(CREATED)
    created_ahead(ledger, master_of(s))
    [order] = [o for o in list_orders(ledger) if o.occurrence == FIRST_NEW]
    s["Articoli"][0] += ["Nuova aliquota IVA", "Dal"]
    for row in s["Articoli"][1:]:
        row += [10, "01/01/2027"] if row[0] == "A001" else [None, None]
    return order, master_of(s)


def _twice_on_purpose_across_the_change(ledger, rome_today):
    """T001 orders A001 twice on purpose (12 pz, then 5 pz more on a line 3). Line 1 shipped whole
    on 30 December at 22 %; line 3 ships on 4 January, 2 of its 5, rated whole at 10 %: no line
    was cut, though the two read as a cut does (same item, text, note, rule, line 1 shipped whole,
    another rate). Returns the 4 January order and the books with the change."""
    from toolkit.core.shipping import ChosenRow

    order, books = _a001_twice_before_the_change(ledger, rome_today)
    rome_today(LAST_OLD)
    ship(books, ledger, LAST_OLD, chosen=[ChosenRow(order.number, "1", D(12))], future=True, lang="it")
    rome_today(FIRST_NEW)
    ship(books, ledger, FIRST_NEW, chosen=[ChosenRow(order.number, "3", D(2))], future=True, lang="it")
    [again] = [o for o in list_orders(ledger) if o.number == order.number]
    assert [(x.line_no, x.quantity, x.shipped, x.vat_rate) for x in again.lines if x.item == "A001"] == [
        (1, D(12), D(12), D(22)), (3, D(5), D(2), D(10))]
    return order, books


def test_a_line_of_an_item_ordered_twice_on_purpose_rated_after_the_change_is_no_rest_of_the_other(
        ledger, rome_today, tmp_path):
    """Neither the order printed again, the panel nor the complete list calls line 3 of an item
    ordered twice on purpose the rest of line 1 (`_twice_on_purpose_across_the_change`): the
    ledger, which keeps no link from a rest to its line, logs each cut, and only those are told."""
    from toolkit.services.lists import distribution
    from toolkit.services.orders import panel
    from toolkit.services.printing import Selection, print_documents

    order, books = _twice_on_purpose_across_the_change(ledger, rome_today)
    printed = print_documents(books, ledger, "orders", Selection((order.number,)), tmp_path / "o.xlsx", "it")
    assert _descriptions(printed.written, order.number) == [
        "Caffè in grani 1 kg", "Latte fresco 1 l – al retro", "Caffè in grani 1 kg"]
    lines = _descriptions(panel(books, ledger, tmp_path / "p.xlsx", "it"), "Righe", 3)
    assert not [x for x in lines if "resto" in x], lines
    listed = _descriptions(distribution(books, ledger, LAST_OLD, FIRST_NEW, tmp_path / "l.xlsx", "it",
                                        complete=True), None, 9)
    assert not [x for x in listed if "resto" in x], listed


def test_a_row_naming_line_1_of_an_item_ordered_twice_on_purpose_at_two_rates_is_told_the_ordinary_way(
        ledger, rome_today):
    """On 5 January a picking list names line 1 again (`_twice_on_purpose_across_the_change`): it
    is refused as any quantity past what is left, not told a rate change cut it."""
    from toolkit.basics.cells import Location
    from toolkit.core.shipping import ChosenRow

    order, books = _twice_on_purpose_across_the_change(ledger, rome_today)
    rome_today(date(2027, 1, 5))
    at = Location("quantita", "B2", "quantita.csv")
    done = ship(books, ledger, date(2027, 1, 5), chosen=[ChosenRow(order.number, "1", D(3), line_at=at)],
                future=True, lang="it")
    [refused] = [p for p in done.problems if p.is_error]
    assert refused.code == "ship-quantity-too-large", refused.render("it")
    assert f"Ordine {order.number}, riga 1 (A001): quantità 3 oltre il residuo da spedire 0" in refused.render("it")


def test_the_rest_names_the_line_cut_not_a_later_one_of_the_item_shipped_whole(ledger, rome_today, tmp_path):
    """T001 orders A001 twice on purpose (12 pz on line 1, 5 pz more on line 3). On 30 December
    6 pz of line 1 and the whole of line 3 ship at 22 %; on 4 January line 1 is cut, its rest a
    line 4 at 10 %. Line 4 is the rest of line 1, the one cut, not of line 3, the nearest line of
    the item shipped whole, and a row naming line 1 again is told the rest is on line 4."""
    from toolkit.basics.cells import Location
    from toolkit.core.shipping import ChosenRow
    from toolkit.services.printing import Selection, print_documents

    order, books = _a001_twice_before_the_change(ledger, rome_today)
    rome_today(LAST_OLD)
    ship(books, ledger, LAST_OLD, chosen=[ChosenRow(order.number, "1", D(6)), ChosenRow(order.number, "3", D(5))],
         future=True, lang="it")
    rome_today(FIRST_NEW)
    ship(books, ledger, FIRST_NEW, chosen=[ChosenRow(order.number, "1", D(2))], future=True, lang="it")
    [again] = [o for o in list_orders(ledger) if o.number == order.number]
    assert [(x.line_no, x.quantity, x.shipped, x.vat_rate) for x in again.lines if x.item == "A001"] == [
        (1, D(6), D(6), D(22)), (3, D(5), D(5), D(22)), (4, D(6), D(2), D(10))]
    printed = print_documents(books, ledger, "orders", Selection((order.number,)), tmp_path / "o.xlsx", "it")
    assert _descriptions(printed.written, order.number)[-1] == \
        "Caffè in grani 1 kg – resto della riga 1, IVA 10 % dal 04/01/2027"
    at = Location("quantita", "B2", "quantita.csv")
    done = ship(books, ledger, FIRST_NEW, chosen=[ChosenRow(order.number, "1", D(3), line_at=at)], future=True, lang="it")
    [refused] = [p for p in done.problems if p.is_error]
    assert refused.code == "ship-line-shipped-rest-elsewhere", refused.render("it")
    assert "A001 resta da spedire sulla riga 4" in refused.render("it")


def test_a_rest_cut_again_at_a_later_change_is_the_rest_of_the_rest(ledger, rome_today, tmp_path):
    """A001 of the 4 January order is cut on 4 January (line 1: 6 pz at 22 %, its rest line 3 at
    10 %, 2 of it shipped); *Aliquota IVA* is then changed to 5 % by hand and 2 more ship on 5
    January, cutting line 3 (its rest line 4 at 5 %). The order says line 3 is the rest of line
    1 and line 4 the rest of line 3, each from the day of the DDT that cut it."""
    from toolkit.core.shipping import ChosenRow
    from toolkit.services.printing import Selection, print_documents

    order, books = _cut_on_first_new(ledger, rome_today, "A001")
    s = sheets()
    [a001] = [row for row in s["Articoli"] if row[0] == "A001"]
    a001[3] = 5
    ship(master_of(s), ledger, date(2027, 1, 5), chosen=[ChosenRow(order.number, "A001", D(2))], future=True, lang="it")
    [again] = [o for o in list_orders(ledger) if o.number == order.number]
    assert [(x.line_no, x.quantity, x.shipped, x.vat_rate) for x in again.lines if x.item == "A001"] == [
        (1, D(6), D(6), D(22)), (3, D(2), D(2), D(10)), (4, D(4), D(2), D(5))]
    printed = print_documents(books, ledger, "orders", Selection((order.number,)), tmp_path / "o.xlsx", "it")
    assert _descriptions(printed.written, order.number)[2:] == [
        "Caffè in grani 1 kg – resto della riga 1, IVA 10 % dal 04/01/2027",
        "Caffè in grani 1 kg – resto della riga 3, IVA 5 % dal 05/01/2027"]


def test_the_distribution_list_reads_the_log_s_cuts_once_to_tell_a_rest(ledger, rome_today, tmp_path):
    """The log has no index by action, and a year's log at L holds millions of events: the
    distribution list reads its cuts once (`cuts_logged`), both to pick the orders to read whole
    and to tell their rests (`rests_dated` given what it read), not a second time; the rest is
    told as before."""
    from sqlalchemy import event

    from toolkit.services.lists import distribution

    order, books = _cut_on_first_new(ledger, rome_today, "A001")
    scans: list[str] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if "FROM events" in statement:
            scans.append(statement)

    event.listen(ledger.engine, "before_cursor_execute", keep)
    try:
        listed = _descriptions(distribution(books, ledger, LAST_OLD, FIRST_NEW, tmp_path / "l.xlsx", "it"), None, 9)
    finally:
        event.remove(ledger.engine, "before_cursor_execute", keep)
    assert [x for x in listed if "–" in x and "retro" not in x] == [
        "Caffè in grani 1 kg – resto della riga 1, IVA 10 % dal 04/01/2027"], listed
    assert len(scans) == 1, scans
