"""The DDT line crossing a letter of intent's ceiling, invoiced as two lines: its whole units that
fit in what the letter left without VAT (N3.5), the rest with the item's VAT (`intent_ceiling.split_at`).

The ledger keeps them as the two parts of one DDT line (`invoice_lines.part`, schema 42), still
invoiced once, on one invoice past `LINES_PER_INVOICE`; a draft, its undo and its finalizing, a
return and a credit note by lines read them as any two lines, a return across the ceiling is
credited on two lines of one note; an item sold by weight is split at its quantity's decimals;
a ledger of schema 41, whose key was the DDT line alone, is migrated."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import minimal
import pytest
from older_ledgers import back_to, invoice_lines_of_schema_41
from sqlalchemy import func, insert, inspect, select
from sqlalchemy.exc import IntegrityError
from test_credit_returns import APRIL, MAY
from test_letter_of_intent_ceiling import APRIL_10, APRIL_20, MAY_11, MAY_20, PROTOCOL, _deliver, _master, _rated, _sheets

from toolkit.core.invoicing import InvoiceKind, InvoiceStatus, Period, Request
from toolkit.intake.validation import check
from toolkit.ledger import schema
from toolkit.ledger.db import migrate, reading, writing
from toolkit.ledger.letters import letters_used
from toolkit.services.credit_notes import credit
from toolkit.services.invoicing import finalize, run, undo

JUNE, JUNE_11 = Period(date(2026, 6, 1), date(2026, 6, 30)), date(2026, 6, 11)

SPLIT = [(D("55.50"), D(0), "N3.5"), (D("18.50"), D(0), "N3.5"), (D("18.50"), D(22), None)]
"""90 € declared: the 10th's 3 kg (55.50 €) fit, of the 20th's 2 kg one fits in the 34.50 € left."""


def _c002(invoices):
    [invoice] = [x for x in invoices if x.customer == "C002" and x.kind is InvoiceKind.INVOICE]
    return invoice


def _stored_parts(ledger) -> list[tuple[int, int, D]]:
    """The stored goods lines citing a DDT line: (DDT line, part, quantity)."""
    il = schema.invoice_lines.c
    with reading(ledger) as conn:
        return [(r.delivery_line_id, r.part, r.quantity) for r in conn.execute(
            select(il.delivery_line_id, il.part, il.quantity).where(il.delivery_line_id.is_not(None))
            .order_by(il.invoice_id, il.line_no))]


def test_a_preview_a_draft_its_undo_and_its_finalizing_split_the_line_alike(ledger):
    """The preview plans the split and stores nothing; the draft stores the two parts of the
    20th's DDT line; undone, the DDT line is to invoice again, whole; drafted again and
    finalized, its two parts stay, and a second run finds nothing left to invoice."""
    books = _master(90)
    _deliver(books, ledger, APRIL_10, APRIL_20)
    request = Request(APRIL, date(2026, 5, 4))
    seen = run(ledger, books, request, preview=True, lang="it")
    assert _rated(_c002(seen.invoices)) == SPLIT and _stored_parts(ledger) == []
    draft = run(ledger, books, request, status=InvoiceStatus.DRAFT, lang="it")
    assert _rated(_c002(draft.invoices)) == SPLIT
    first, within, beyond = _stored_parts(ledger)
    assert within[0] == beyond[0] != first[0] and (within[1], beyond[1]) == (0, 1) and within[2] == beyond[2] == 1
    assert undo(ledger, draft.run_id)[0] >= 1 and _stored_parts(ledger) == []
    again = run(ledger, books, request, status=InvoiceStatus.DRAFT, lang="it")
    assert _rated(_c002(again.invoices)) == SPLIT
    assert finalize(ledger, again.run_id)[0] >= 1
    with reading(ledger) as conn:
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("74.00")}
    assert [part for _, part, _ in _stored_parts(ledger)] == [0, 0, 1]
    assert not [x for x in run(ledger, books, Request(APRIL, date(2026, 5, 5)), status=InvoiceStatus.FINAL, lang="it").invoices
                if x.customer == "C002"]


def _returning(returned: int, s: dict | None = None, item: str = "A001"):
    """`_master(90)`'s April deliveries only (or those of sheets `s`), and C002 giving back
    `returned` of `item` (kg of A001) on 20 May."""
    s = _sheets(90) if s is None else s
    for row in s["Modelli ordine"][1:]:
        row[11] = date(2026, 4, 30)
    s["Modelli ordine"].append(["T030", "C002", None, None, "Mensile giorno", None, None, 20, None, None,
                                date(2026, 5, 1), date(2026, 5, 31), "Reso"])
    s["Righe modello"].append(["T030", item, returned, s["Righe modello"][2][3], None])
    books = check(minimal.workbook(s)).master
    assert books is not None
    return books


def test_a_return_of_part_of_a_split_line_takes_back_its_taxed_part_first(ledger):
    """April's invoice sold the 20th's 2 kg as 1 kg N3.5 and 1 kg at 22 %: a kg given back in May
    is credited at 22 % (18.50 € + 4.07 €), and the letter keeps the 74 € its invoice used, the
    buyer's letter given back last."""
    books = _returning(1)
    _deliver(books, ledger, APRIL_10, APRIL_20)
    april = _c002(run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it").invoices)
    assert _rated(april) == SPLIT
    _deliver(books, ledger, MAY_20)
    may = run(ledger, books, Request(MAY, date(2026, 6, 3)), status=InvoiceStatus.FINAL, lang="it")
    assert not [p for p in may.problems if p.is_error], [str(p) for p in may.problems]
    [note] = [x for x in may.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    assert [(line.quantity, line.amount, line.vat_rate, line.vat_nature) for line in note.lines] == [
        (D(-1), D("-18.50"), D(22), None)]
    assert (note.vat, note.total) == (D("-4.07"), D("-22.57"))
    with reading(ledger) as conn:
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("74.00")}


def _may_note(books, ledger):
    """April invoiced final, the return delivered on 20 May and May invoiced final: April's
    invoice and May's credit note, no error."""
    _deliver(books, ledger, APRIL_10, APRIL_20)
    april = _c002(run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it").invoices)
    _deliver(books, ledger, MAY_20)
    may = run(ledger, books, Request(MAY, date(2026, 6, 3)), status=InvoiceStatus.FINAL, lang="it")
    assert not [p for p in may.problems if p.is_error], [str(p) for p in may.problems]
    [note] = [x for x in may.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    return april, note


def _credited(note) -> list[tuple]:
    return [(line.quantity, line.amount, line.vat_rate, line.vat_nature) for line in note.lines]


def test_a_return_of_both_parts_and_more_is_credited_on_one_note_a_line_at_each_rate(ledger, tmp_path):
    """3 kg given back in May: April's invoice sold the 20th's 2 kg as 1 kg N3.5 and 1 kg at 22 %,
    and the 10th's 3 kg N3.5. The kg with VAT is credited at 22 % first, the other 2 kg on an
    N3.5 line of the same note (art. 26: each operation at its invoice's rate), citing the letter
    as April's invoice did; the note cites April's invoice for the 55.50 € it takes back, its two
    lines the return's DDT line as its two parts, and the letter has the 37.00 € given back."""
    books = _returning(3)
    april, note = _may_note(books, ledger)
    assert _credited(note) == [(D(-2), D("-37.00"), D(0), "N3.5"), (D(-1), D("-18.50"), D(22), None)]
    assert (note.taxable, note.vat, note.total) == (D("-55.50"), D("-4.07"), D("-59.57"))
    assert [(c.number, c.base) for c in note.cites] == [(april.number, D("55.50"))]
    assert note.parties.buyer.intent_protocol == PROTOCOL
    il = schema.invoice_lines.c
    with reading(ledger) as conn:
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("74.00") - D("37.00")}
        assert [(r.delivery_line_id is not None, r.part) for r in conn.execute(
            select(il.delivery_line_id, il.part).where(il.invoice_id == note.id).order_by(il.line_no))] == [
            (True, 0), (True, 1)]
        assert len({r.delivery_line_id for r in conn.execute(
            select(il.delivery_line_id).where(il.invoice_id == note.id))}) == 1
        credit, sold, r = schema.invoice_lines.alias(), schema.invoice_lines.alias(), schema.returned_lines.c
        assert sorted(conn.execute(
            select(credit.c.line_no, sold.c.vat_nature, r.quantity, r.amount)
            .join(credit, credit.c.id == r.credit_line_id).join(sold, sold.c.id == r.invoice_line_id)
            .where(r.credit_note_id == note.id))) == [
            (1, "N3.5", D(-1), D("-18.50")), (1, "N3.5", D(-1), D("-18.50")), (2, None, D(-1), D("-18.50"))]
    _sent(books, ledger, note, tmp_path)


def test_a_return_s_note_of_a_ledger_before_schema_29_gives_the_letter_back_what_it_credited_n3_5(ledger):
    """A ledger of schema 28 kept no `returned_lines`: its return notes cite the invoices they
    corrected (April's, base 55.50 €) and say no more. The letter counted their N3.5 lines as
    nothing, so a note the register shows crediting 37 € N3.5 of April's letter goods left the
    letter 74 € used; opened and migrated, it is given back as far as the cited invoice's base and
    N3.5 net go (37 €, as a note of today's ledger records it), and the same ledger with the
    citation gone (a note of goods no invoice sold) gives nothing back."""
    books = _returning(3)
    _may_note(books, ledger)
    _to_schema_28(ledger)
    with reading(ledger) as conn:
        assert conn.execute(select(schema.returned_lines.c.id)).all() == []
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("74.00") - D("37.00")}
    with writing(ledger) as conn:
        conn.execute(schema.invoice_citations.delete())
    with reading(ledger) as conn:
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("74.00")}


def test_a_note_before_schema_29_gives_an_invoice_of_no_known_letter_its_share_not_an_older_letter():
    """A note of before schema 29 credited 30 € N3.5 citing June's invoice (30 € N3.5, kept
    before its parties were, schema 26: its lines used no letter the ledger knows) and, older,
    April's, on letter A. Latest first, the 30 € are June's: they give no letter anything back.
    June was passed over, and April's letter was given back the 30 € it never used."""
    from toolkit.core.letter_use import Corrected, given_back_unrecorded

    june, april = Corrected(None, 2, D(30), D(30)), Corrected("A", 1, D(30), D(100))
    assert given_back_unrecorded([(D(-30), [june, april])]) == {}
    assert given_back_unrecorded([(D(-45), [june, april])]) == {"A": D(-15)}


def _sent(books, ledger, note, tmp_path) -> None:
    """The note's e-invoice: valid by the official schema and SDI's controls, a line at each rate
    or nature, a summary for each, the letter cited on the N3.5 line as April's invoice cited it."""
    import xml.etree.ElementTree as ET

    from fatturapa_reading import schema_errors
    from sdi_controls import breaches

    from toolkit.services.einvoice import export

    data = export(books, ledger, out=tmp_path / "xml", month=MAY).files[note.number]
    data = data.read_bytes() if hasattr(data, "read_bytes") else data
    assert schema_errors(data) == [] and breaches(data, date(2026, 6, 3)) == []
    root = ET.fromstring(data)
    assert root.findtext(".//TipoDocumento") == "TD04"
    assert [(e.findtext("PrezzoTotale"), e.findtext("AliquotaIVA"), e.findtext("Natura"),
             [(x.findtext("TipoDato"), x.findtext("RiferimentoTesto")) for x in e.findall("AltriDatiGestionali")])
            for e in root.iter("DettaglioLinee") if e.findtext("CodiceArticolo/CodiceValore")] == [
        ("37.00", "0.00", "N3.5", [("INTENTO", PROTOCOL)]), ("18.50", "22.00", None, [])]
    assert sorted((e.findtext("AliquotaIVA"), e.findtext("Natura") or "", e.findtext("ImponibileImporto"),
                   e.findtext("Imposta")) for e in root.iter("DatiRiepilogo")) == [
        ("0.00", "N3.5", "37.00", "0.00"), ("22.00", "", "18.50", "4.07")]


def test_a_return_across_a_ceiling_reached_between_two_lines_is_credited_at_each_side(ledger):
    """55.50 € declared: the 10th's 3 kg fit exactly and the 20th's 2 kg carry VAT whole (no line
    split). 3 kg given back: the 2 kg at 22 % first, then 1 kg N3.5 on a line of its own, the
    letter given 18.50 € back: the same two sides of a letter's ceiling, only not inside a line."""
    books = _returning(3, _sheets(D("55.50")))
    _, note = _may_note(books, ledger)
    assert _credited(note) == [(D(-1), D("-18.50"), D(0), "N3.5"), (D(-2), D("-37.00"), D(22), None)]
    with reading(ledger) as conn:
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("37.00")}


@pytest.mark.parametrize("item, returned, credited, cited, used", [
    ("A002", 1, (D(-1), D("-1.20"), D(0), "N3.5"), [], D("55.50")),
    ("A001", 4, (D(-4), D("-74.00"), D(0), "N3.5"), [D("55.50")], D("0.00")),
])
def test_a_return_gives_the_letter_back_only_what_its_invoices_used_of_it(ledger, item, returned, credited, cited,
                                                                           used):
    """April's invoice used 55.50 € of the letter (the 10th's 3 kg). A litre of milk given back in
    May, which no invoice sold, is credited N3.5 as the customer buys, citing no invoice: the
    letter's use is restored by the notes correcting the operations it covered, and this one
    corrects none, so the letter keeps its 55.50 € used. 4 kg of coffee given back, 3 of them
    April's and one sold before the ledger: the letter gets back April's 55.50 €, not the 74 €
    the note credits (used below nothing, the next invoices would pass the letter unseen)."""
    books = _returning(returned, item=item)
    _deliver(books, ledger, APRIL_10)
    run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    with reading(ledger) as conn:
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("55.50")}
    _deliver(books, ledger, MAY_20)
    may = run(ledger, books, Request(MAY, date(2026, 6, 3)), status=InvoiceStatus.FINAL, lang="it")
    assert not [p for p in may.problems if p.is_error], [str(p) for p in may.problems]
    [note] = [x for x in may.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    assert _credited(note) == [credited] and [c.base for c in note.cites] == cited
    assert note.parties.buyer.intent_protocol == PROTOCOL
    with reading(ledger) as conn:
        assert letters_used(conn, ["C002"]) == {PROTOCOL: used}


def test_a_credit_note_by_lines_of_the_part_within_gives_the_letter_back(ledger):
    """`invoice credit --lines 2`: the kg of the 20th invoiced N3.5 is credited without VAT, and
    the letter has its 18.50 € again; the kg at 22 % stays invoiced."""
    books = _master(90)
    _deliver(books, ledger, APRIL_10, APRIL_20)
    april = _c002(run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it").invoices)
    done = credit(ledger, books, april.number, ((2, D(1)),), "Merce difettosa", date(2026, 5, 5), date(2026, 5, 5), lang="it")
    assert done.note is not None
    assert [(line.amount, line.vat_nature) for line in done.note.lines] == [(D("-18.50"), "N3.5")]
    with reading(ledger) as conn:
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("55.50")}


def _back_to_41(ledger) -> None:
    with writing(ledger) as conn:
        invoice_lines_of_schema_41(conn)
        back_to(conn, 41)


def _rows(ledger) -> list[tuple]:
    il = schema.invoice_lines.c
    with reading(ledger) as conn:
        return [tuple(r) for r in conn.execute(
            select(il.id, il.invoice_id, il.line_no, il.delivery_line_id, il.order_line_id, il.amount, il.vat_nature)
            .order_by(il.id))]


def _twice(ledger, part: int) -> None:
    """Store again, as `part`, the first stored line citing a DDT line."""
    il = schema.invoice_lines
    with writing(ledger) as conn:
        row = conn.execute(select(il).where(il.c.delivery_line_id.is_not(None)).order_by(il.c.id).limit(1)).one()
        conn.execute(insert(il).values({**row._asdict(), "id": None, "line_no": 99, "part": part}))


def test_a_ledger_of_schema_41_keeps_its_lines_and_invoices_a_line_in_two_parts_once(ledger):
    """On SQLite and PostgreSQL alike: April's invoice stored under schema 41 (a DDT line's key
    alone) is migrated with its lines, ids and amounts as they were, each its DDT line's part 0;
    May's line crossing the letter is then stored as two parts, and a DDT line stored twice as
    the same part is still refused, as the old key refused it."""
    books = _master(130)
    _deliver(books, ledger, APRIL_10)
    run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    before = _rows(ledger)
    _back_to_41(ledger)
    with reading(ledger) as conn:
        assert "part" not in {c["name"] for c in inspect(conn).get_columns("invoice_lines")}
    assert migrate(ledger) == schema.SCHEMA_VERSION == 48
    assert _rows(ledger) == before and [part for _, part, _ in _stored_parts(ledger)] == [0]
    with reading(ledger) as conn:
        found = inspect(conn)
        assert not [u for u in found.get_unique_constraints("invoice_lines") if u["column_names"] == ["delivery_line_id"]]
        assert {"uq_invoice_lines_delivery_part", "ix_invoice_lines_order_line_delivery", "ix_invoice_lines_credits"} <= {
            x["name"] for x in found.get_indexes("invoice_lines")}
    _deliver(books, ledger, MAY_11, MAY_20)
    may = run(ledger, books, Request(MAY, date(2026, 6, 3)), status=InvoiceStatus.FINAL, lang="it")
    assert _rated(_c002(may.invoices)) == SPLIT
    assert [part for _, part, _ in _stored_parts(ledger)] == [0, 0, 0, 1]
    with pytest.raises(IntegrityError):
        _twice(ledger, 0)
    with reading(ledger) as conn:
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("129.50")}


def test_a_line_split_at_a_six_decimal_price_adds_up_to_its_ddt_line_each_part_quantity_times_price(ledger, tmp_path):
    """4 kg at 18.333333 € (73.33 €) on the 20th, 44.50 € left of the letter: 2 kg fit. Each half
    is 2 × 18.333333 = 36.67 €, yet the two must add up to the DDT line's 73.33 €: the part with
    VAT is 36.67 € at the line's price, the part within 36.66 € priced at what that amount makes
    of its quantity (18.33 €), as a credit note's rest of a line is, so the register's lines, a
    live ROUND(qty*price,2) recalculated, say the amounts the ledger keeps."""
    import openpyxl

    from toolkit.core.lines import line_amount
    from toolkit.ledger.invoices import load_invoices
    from toolkit.services.invoicing import write_workbook

    s = _sheets(100)
    s["Righe modello"][2] = ["T020", "A001", 4, 18.333333, None]
    books = check(minimal.workbook(s)).master
    _deliver(books, ledger, APRIL_10, APRIL_20)
    invoice = _c002(run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it").invoices)
    with reading(ledger) as conn:
        [stored] = [x for x in load_invoices(conn) if x.number == invoice.number]
    _, within, beyond = [line for line in stored.lines if line.order_line_id is not None]
    assert [(x.quantity, x.amount, x.vat_nature) for x in (within, beyond)] == [
        (2, D("36.66"), "N3.5"), (2, D("36.67"), None)]
    assert (within.unit_price, beyond.unit_price) == (D("18.33"), D("18.333333"))
    assert within.amount + beyond.amount == line_amount(D(4), D("18.333333")) == D("73.33")
    assert [line_amount(x.quantity, x.unit_price) for x in stored.lines] == [x.amount for x in stored.lines]
    register = openpyxl.load_workbook(write_workbook(tmp_path, books, [stored], "x", "it")[0], data_only=True)
    rows = [r for r in register["Righe"].iter_rows(min_row=2, values_only=True) if stored.number in r]
    recalculated = [(line_amount(D(str(quantity)), D(str(price))), D(str(amount))) for *_, quantity, price, amount, _, _
                    in rows]
    assert len(recalculated) == 4 and all(found == kept for found, kept in recalculated), recalculated


def test_a_return_of_a_line_split_at_a_six_decimal_price_takes_back_its_taxed_part_first(ledger):
    """The 20th's 4 kg at 18.333333 € split 2 kg N3.5 and 2 kg at 22 % (the cents of rounding
    landing on one part): 2 kg given back in May at the same price are the part with VAT, credited
    at 22 % for what it charged, not capped nor warned for a price above the invoice's, and the
    letter keeps what April's invoice used of it."""
    s = _sheets(100)
    s["Righe modello"][2] = ["T020", "A001", 4, 18.333333, None]
    books = _returning(2, s)
    _deliver(books, ledger, APRIL_10, APRIL_20)
    april = _c002(run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it").invoices)
    _, within, beyond = [line for line in april.lines if line.order_line_id is not None]
    with reading(ledger) as conn:
        used = letters_used(conn, ["C002"])
    assert used == {PROTOCOL: D("55.50") + within.amount}
    _deliver(books, ledger, MAY_20)
    may = run(ledger, books, Request(MAY, date(2026, 6, 3)), status=InvoiceStatus.FINAL, lang="it")
    assert not [p for p in may.problems if p.is_error or p.code == "return-priced-above-invoice"], [
        str(p) for p in may.problems]
    [note] = [x for x in may.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    assert [(line.quantity, line.amount, line.vat_rate, line.vat_nature) for line in note.lines] == [
        (D(-2), -beyond.amount, D(22), None)]
    with reading(ledger) as conn:
        assert letters_used(conn, ["C002"]) == used


def test_the_part_within_takes_every_unit_whose_amount_in_cents_fits_what_the_letter_left(ledger):
    """4 kg at 18.501 € on the 20th, 37.00 € left of the letter: 2 kg cost 37.002 €, a line of
    37.00 € as any line rounds it, which fits exactly; so 2 kg go N3.5 and the letter is used
    to its 92.50 €, not 1 kg with 18.50 € of it left unused."""
    s = _sheets(D("92.50"))
    s["Righe modello"][2] = ["T020", "A001", 4, 18.501, None]
    books = check(minimal.workbook(s)).master
    _deliver(books, ledger, APRIL_10, APRIL_20)
    invoice = _c002(run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it").invoices)
    assert [(line.quantity, line.amount, line.vat_nature) for line in invoice.lines if line.order_line_id] == [
        (3, D("55.50"), "N3.5"), (2, D("37.00"), "N3.5"), (2, D("37.00"), None)]
    with reading(ledger) as conn:
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("92.50")}


def _weighed(quantity: object, unit: str = "kg") -> dict:
    """`_sheets(100)` with A001 sold by `unit` and the 20th's line of `quantity` of it."""
    s = _sheets(100)
    [a001] = [row for row in s["Articoli"] if row[0] == "A001"]
    a001[2] = unit
    s["Righe modello"][2] = ["T020", "A001", quantity, None, None]
    return s


@pytest.mark.parametrize("quantity, within, beyond", [
    (D("2.5"), D("2.4"), D("0.1")),          # 44.50 € left: 2.4 kg are 44.40 €, not 2 kg and 7.50 € unused
    (D("2.405"), D("2.405"), None),           # 44.49 €: fits whole
    (D("2.437"), D("2.405"), D("0.032")),     # grams weighed: split to the gram
    (D("3"), D(2), D(1)),                     # whole kg sold: split at whole kg
])
def test_an_item_sold_by_weight_is_split_at_its_quantity_s_own_decimals(ledger, quantity, within, beyond):
    """A001 sold in kg, 44.50 € left of the letter on the 20th: the part within is counted at the
    line's own precision (its decimals, three at most as the ledger keeps them), the two parts
    still adding up to the DDT line's amount to the cent; a line of whole kg keeps whole kg."""
    from toolkit.core.lines import line_amount

    books = check(minimal.workbook(_weighed(quantity))).master
    assert books is not None
    _deliver(books, ledger, APRIL_10, APRIL_20)
    invoice = _c002(run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it").invoices)
    lines = [line for line in invoice.lines if line.order_line_id is not None][1:]
    expected = [(within, "N3.5")] + ([(beyond, None)] if beyond is not None else [])
    assert [(line.quantity, line.vat_nature) for line in lines] == expected
    assert sum(line.amount for line in lines) == line_amount(quantity, D("18.50"))
    assert all(line_amount(line.quantity, line.unit_price) == line.amount for line in lines)
    with reading(ledger) as conn:
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("55.50") + lines[0].amount}


def test_an_item_counted_in_pieces_is_split_at_whole_pieces_whatever_its_quantity_says(ledger):
    """A001 in pz, 2.5 of it on the 20th (a slip the check warns of): the part within is 2 pieces,
    as a piece is not sold in parts."""
    books = check(minimal.workbook(_weighed(D("2.5"), "pz"))).master
    _deliver(books, ledger, APRIL_10, APRIL_20)
    invoice = _c002(run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it").invoices)
    assert [(line.quantity, line.vat_nature) for line in invoice.lines if line.order_line_id is not None][1:] == [
        (D(2), "N3.5"), (D("0.5"), None)]


def test_a_line_split_at_the_last_place_of_an_invoice_goes_whole_to_the_next():
    """A customer's month of 9,999 goods lines, the 9,998th and 9,999th the two parts of the line
    crossing its letter: an invoice takes 9,998 lines (`LINES_PER_INVOICE`), and the line's two
    parts stay together on the second, the first issued with one line less, so a DDT line is
    never invoiced half on one invoice and half on another."""
    from types import SimpleNamespace

    from toolkit.core.invoicing import LINES_PER_INVOICE, invoice_parts

    ddt = SimpleNamespace(number="DDT-2026-00001")
    goods = [(SimpleNamespace(day=date(2026, 4, 10), delivery=ddt, order_number="OC-1"),
              ("A001", "Caffè", "kg", D(1), D("18.50"), D("18.50"), D(0), "N3.5", n, n))
             for n in range(1, LINES_PER_INVOICE)]
    shipment = SimpleNamespace(day=date(2026, 4, 20), delivery=ddt, order_number="OC-2")
    within = ("A001", "Caffè", "kg", D(1), D("18.50"), D("18.50"), D(0), "N3.5", 10**6, 10**6)
    beyond = within[:6] + (D(22), None) + within[8:]
    parts = invoice_parts([*goods, (shipment, within), (shipment, beyond)])
    assert [len(x) for x in parts] == [LINES_PER_INVOICE - 1, 2]
    assert [line for _, line in parts[1]] == [within, beyond]
    whole = invoice_parts([*goods[1:], (shipment, within), (shipment, beyond)])
    assert [len(x) for x in whole] == [LINES_PER_INVOICE]


def test_a_month_past_one_invoice_s_lines_keeps_a_split_line_on_one_invoice_each_valid(ledger, monkeypatch, tmp_path):
    """C002's April as three lines (the 10th's and the 20th's two parts) with invoices of two lines
    at most (`LINES_PER_INVOICE` made small: a month of 10,000 lines is too slow here, as in
    `tests/test_invoicing_twins.py`): the 10th's line on one invoice, the 20th's two parts on the
    next, numbered one after the other; together they add up to the month, the letter used as by
    one invoice, and each e-invoice passes the official schema and SDI's controls."""
    from fatturapa_reading import schema_errors
    from sdi_controls import breaches

    from toolkit.core import invoicing
    from toolkit.services.einvoice import export

    monkeypatch.setattr(invoicing, "LINES_PER_INVOICE", 2)
    books = _master(90)
    _deliver(books, ledger, APRIL_10, APRIL_20)
    done = run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    mine = [x for x in done.invoices if x.customer == "C002" and x.kind is InvoiceKind.INVOICE]
    assert [_rated(x) for x in mine] == [SPLIT[:1], SPLIT[1:]]
    serials = [int(x.number.rsplit("-", 1)[1]) for x in mine]
    assert serials == [serials[0], serials[0] + 1]
    assert sum(x.taxable for x in mine) == D("92.50") and sum(x.vat for x in mine) == D("4.07")
    with reading(ledger) as conn:
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("74.00")}
    files = export(books, ledger, out=tmp_path / "xml", month=APRIL).files
    for x in mine:
        data = files[x.number]
        data = data.read_bytes() if hasattr(data, "read_bytes") else data
        assert schema_errors(data) == [] and breaches(data, date(2026, 5, 4)) == [], x.number


def test_a_return_s_note_split_past_one_document_s_lines_keeps_both_sides_of_a_line_on_one_note(
        ledger, monkeypatch, tmp_path):
    """May's return gives back 3 kg of coffee (sold 2 kg N3.5 and 1 kg at 22 % in April, across
    the letter) and a litre of milk no invoice sold, on notes of two lines at most
    (`LINES_PER_INVOICE` made small, as for the invoices above). The plan cut the return's two
    lines as one note; the matching then credited the coffee on two lines, one per side of the
    ceiling, and the note went out with three, past what a document takes (9,999 lines in
    FatturaPA). The note is cut as an invoice is: the coffee's two sides on one note, the milk on
    the next, numbered one after the other, each citing what it takes back, the letter given its
    37 € back, each e-invoice valid."""
    from fatturapa_reading import schema_errors
    from sdi_controls import breaches

    from toolkit.core import invoicing
    from toolkit.services.einvoice import export

    s = _sheets(90)
    _returning(3, s)
    s["Righe modello"].append(["T030", "A002", 1, None, None])
    books = check(minimal.workbook(s)).master
    assert books is not None
    _deliver(books, ledger, APRIL_10, APRIL_20)
    april = _c002(run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it").invoices)
    monkeypatch.setattr(invoicing, "LINES_PER_INVOICE", 2)
    _deliver(books, ledger, MAY_20)
    may = run(ledger, books, Request(MAY, date(2026, 6, 3)), status=InvoiceStatus.FINAL, lang="it")
    assert not [p for p in may.problems if p.is_error], [str(p) for p in may.problems]
    notes = [x for x in may.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    assert [[(line.line_no, line.item, line.vat_nature) for line in x.lines] for x in notes] == [
        [(1, "A001", "N3.5"), (2, "A001", None)], [(1, "A002", "N3.5")]]
    serials = [int(x.number.rsplit("-", 1)[1]) for x in notes]
    assert serials == [serials[0], serials[0] + 1]
    assert [[(c.number, c.base) for c in x.cites] for x in notes] == [[(april.number, D("55.50"))], []]
    r, il = schema.returned_lines.c, schema.invoice_lines.c
    with reading(ledger) as conn:
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("37.00")}
        assert sorted((row.credit_note_id, row.line_no) for row in conn.execute(
            select(r.credit_note_id, il.line_no).join(schema.invoice_lines, il.id == r.credit_line_id))) == [
            (notes[0].id, 1), (notes[0].id, 1), (notes[0].id, 2)]
    files = export(books, ledger, out=tmp_path / "xml", month=MAY).files
    for x in notes:
        data = files[x.number]
        data = data.read_bytes() if hasattr(data, "read_bytes") else data
        assert schema_errors(data) == [] and breaches(data, date(2026, 6, 3)) == [], x.number


def _april_then_two_returns(ledger):
    """`_master(90)`'s April deliveries invoiced final (5 kg, 74 € of them N3.5), and C002
    giving back 5 kg on 20 May and again on 11 June: the books, the returns still to deliver."""
    s = _sheets(90)
    _returning(5, s)
    s["Modelli ordine"].append(["T031", "C002", None, None, "Mensile giorno", None, None, 11, None, None,
                                date(2026, 6, 1), date(2026, 6, 30), "Reso"])
    s["Righe modello"].append(["T031", "A001", 5, s["Righe modello"][2][3], None])
    books = check(minimal.workbook(s)).master
    assert books is not None
    _deliver(books, ledger, APRIL_10, APRIL_20)
    run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    return books


def _as_before_the_fix(ledger, books, request):
    """What a final run of `request` stores when the return's notes of before schema 29 were not read for what they
    took back (a return matched before `credit_notes.taken_unrecorded`): their citations hidden
    while it runs. Ledgers hold the notes such runs stored, crediting the same goods again."""
    with writing(ledger) as conn:
        kept = [dict(row._mapping) for row in conn.execute(select(schema.invoice_citations))]
        conn.execute(schema.invoice_citations.delete())
    done = run(ledger, books, request, status=InvoiceStatus.FINAL, lang="it")
    with writing(ledger) as conn:
        for row in kept:
            conn.execute(insert(schema.invoice_citations).values(**{k: v for k, v in row.items() if k != "id"}))
    return done


def test_two_return_notes_before_schema_29_give_an_invoice_s_letter_back_no_more_than_it_used(ledger):
    """Before schema 29 a return's note recorded nothing of what it took back, so the next return
    found the same invoice lines still to credit. April sold 5 kg, 74 € of them N3.5; the 5 kg
    given back in May and again in June (bought before the ledger) were each credited 74 € N3.5
    citing April. Each note was capped at April's 74 € alone, so together they gave the letter
    back 148 € and it read 74 € less than nothing used: what an earlier note gave back of an
    invoice is no longer there for the next. The ledger is then taken back to schema 28 and
    migrated, as one holding such notes is: the letter reads the same through migration 29."""
    books = _april_then_two_returns(ledger)
    notes = []
    for day, month, today in ((MAY_20, MAY, date(2026, 6, 3)), (JUNE_11, JUNE, date(2026, 7, 3))):
        _deliver(books, ledger, day)
        done = _as_before_the_fix(ledger, books, Request(month, today))
        assert not [p for p in done.problems if p.is_error], [str(p) for p in done.problems]
        notes += [x for x in done.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
        with writing(ledger) as conn:
            conn.execute(schema.returned_lines.delete())
    assert [[(c.number, c.base) for c in x.cites] for x in notes] == [[("FT-2026-00001", D("92.50"))]] * 2
    assert [sum(line.amount for line in x.lines if line.vat_nature == "N3.5") for x in notes] == [D("-74.00")] * 2
    _to_schema_28(ledger)
    with reading(ledger) as conn:
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("0.00")}


def _to_schema_28(ledger) -> None:
    """The ledger taken back to schema 28, which kept no `returned_lines`, and migrated again:
    its return notes cite the invoices they corrected and say no more."""
    back_to(ledger, 28, tables=["returned_lines"])
    assert migrate(ledger) == schema.SCHEMA_VERSION == 48


def _may_returned_unrecorded(ledger):
    """`_april_then_two_returns`, May's return credited final (74 € N3.5 citing April) and what
    it took back line by line forgotten, as a note of before schema 29 kept it: the books."""
    books = _april_then_two_returns(ledger)
    _deliver(books, ledger, MAY_20)
    may = run(ledger, books, Request(MAY, date(2026, 6, 3)), status=InvoiceStatus.FINAL, lang="it")
    assert not [p for p in may.problems if p.is_error], [str(p) for p in may.problems]
    with writing(ledger) as conn:
        conn.execute(schema.returned_lines.delete())
    return books


def test_a_note_before_schema_29_and_a_later_recorded_return_give_an_invoice_s_letter_back_once(ledger):
    """April sold 5 kg, 74 € of them N3.5. May's return of 5 kg was credited on a ledger of schema
    28 (no `returned_lines`), which migration 29 cannot fill in: April's lines stayed open to
    credit, and June's return of 5 kg took them back again, recorded. The old note gave the
    letter back April's 74 € as though no later note had taken any of it, the recorded one gave
    back 74 € more, and the letter read 74 € below nothing used: what a recorded note took back
    of an invoice is no longer there for a note of before schema 29."""
    books = _may_returned_unrecorded(ledger)
    _to_schema_28(ledger)
    _deliver(books, ledger, JUNE_11)
    june = _as_before_the_fix(ledger, books, Request(JUNE, date(2026, 7, 3)))
    assert not [p for p in june.problems if p.is_error], [str(p) for p in june.problems]
    [note] = [x for x in june.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    assert sum(line.amount for line in note.lines if line.vat_nature == "N3.5") == D("-74.00")
    with reading(ledger) as conn:
        assert conn.execute(select(func.sum(schema.returned_lines.c.amount))).scalar_one() == D("-92.50")
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("0.00")}


def test_invoice_credit_after_a_note_before_schema_29_credits_only_what_it_left_as_month_end(ledger):
    """May's return of 3 kg, credited on a ledger of schema 28 (nothing recorded line by line),
    took back April's 20th's 2 kg (lines 2 and 3) and a kg of the 10th's (line 1), as month end
    counts it. `invoice credit` read only recorded notes, so it credited line 2's kg again (18.50 €
    N3.5, paid back twice): it is refused now, naming May's note, nothing stored; line 1's 2 kg
    left are credited as June's return of them is (`..._credits_what_it_left`), 37 € N3.5, and
    the letter has April's 74 € back once."""
    books, may_note = _may_note_of_before_schema_29(ledger, 3)
    day = date(2026, 6, 5)
    refused = credit(ledger, books, "FT-2026-00001", ((2, D(1)),), "Merce difettosa", day, day, lang="it")
    [problem] = refused.problems
    assert refused.note is None and problem.code == "credit-over-invoice"
    assert problem.render("it").startswith("La fattura FT-2026-00001, riga 2 (A001): resta da accreditare 0 pz, "
                                           "non 1;")
    assert f"le note di credito {may_note.number}." in problem.render("it")
    assert f"Credit notes {may_note.number} took back" in problem.render("en")
    done = credit(ledger, books, "FT-2026-00001", (), "Merce difettosa", day, day, lang="it")
    assert done.note is not None, [str(p) for p in done.problems]
    assert _credited(done.note) == [(D(-2), D("-37.00"), D(0), "N3.5")]
    with reading(ledger) as conn:
        assert conn.execute(select(func.count()).select_from(schema.invoices)
                            .where(schema.invoices.c.kind == InvoiceKind.CREDIT_NOTE.value)).scalar_one() == 2
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("0.00")}
    again = credit(ledger, books, "FT-2026-00001", (), "Merce difettosa", day, day, lang="it")
    assert [p.code for p in again.problems] == ["credit-nothing-left"]
    assert f"{may_note.number}, {done.note.number}" in again.problems[0].render("it")


def test_what_is_left_of_an_invoice_reads_the_old_notes_lines_by_note_not_every_line_of_the_ledger(ledger):
    """`invoice credit`, a debit note and each invoice a volume discount's headroom reads
    (`credited_lines`) look up the customer's return notes of before schema 29 and read their
    lines. SQLite, with no statistics, read them through the index of the lines that credit
    another (`credits_line_id IS NULL`: nearly every line of the ledger) instead of by note: at
    L, with 20 such notes a customer, 3 → 40 ms a call, a headroom over 300 invoices 12 s. The
    notes' lines are read by their note."""
    from sqlalchemy import event

    from toolkit.ledger.credit_notes import credited_lines

    _, may_note = _may_note_of_before_schema_29(ledger, 1)
    i, il, c = schema.invoices.c, schema.invoice_lines.c, schema.invoice_citations.c
    with writing(ledger) as conn:  # May's note twice more, numbered after it: three notes of before schema 29
        note = conn.execute(select(schema.invoices).where(i.id == may_note.id)).mappings().one()
        lines = conn.execute(select(schema.invoice_lines).where(il.invoice_id == may_note.id)).mappings().all()
        cites = conn.execute(select(schema.invoice_citations).where(c.credit_note_id == may_note.id)).mappings().all()
        for n in (1, 2):
            copy = conn.execute(insert(schema.invoices).values(
                {**{k: v for k, v in note.items() if k != "id"}, "number": note["number"] + n})).inserted_primary_key[0]
            conn.execute(insert(schema.invoice_lines), [{**{k: v for k, v in row.items() if k != "id"},
                                                         "invoice_id": copy, "part": (row["part"] or 0) + 10 * n}
                                                        for row in lines])
            conn.execute(insert(schema.invoice_citations), [{**{k: v for k, v in row.items() if k != "id"},
                                                             "credit_note_id": copy} for row in cites])
    seen: list[tuple[str, object]] = []

    def heard(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    with reading(ledger) as conn:
        invoice = conn.execute(select(schema.invoices.c.id).where(schema.invoices.c.number == 1,
                                                                  schema.invoices.c.kind == "invoice")).scalar_one()
        event.listen(ledger.engine, "before_cursor_execute", heard)
        try:
            assert credited_lines(conn, invoice)[2]
        finally:
            event.remove(ledger.engine, "before_cursor_execute", heard)
        if conn.dialect.name != "sqlite":
            return
        plans = [" | ".join(str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
                 for statement, parameters in seen if statement.lstrip().upper().startswith("SELECT")]
    assert plans and not [p for p in plans if "SEARCH invoice_lines USING INDEX ix_invoice_lines_credits" in p], plans


def test_a_return_after_a_note_of_before_schema_29_credits_no_goods_it_credited(ledger):
    """April sold 5 kg; May's return of the 5 kg was credited on a ledger of schema 28, so
    nothing said April's lines were taken back. June's return of 5 kg more credited them again
    (74 € N3.5 and 18.50 € + VAT, April's invoice cited twice, paid back twice); it is refused as
    any return of goods credited already, naming May's note, and nothing is stored of it."""
    books = _april_then_two_returns(ledger)
    _deliver(books, ledger, MAY_20)
    may = run(ledger, books, Request(MAY, date(2026, 6, 3)), status=InvoiceStatus.FINAL, lang="it")
    [may_note] = [x for x in may.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    _to_schema_28(ledger)
    _deliver(books, ledger, JUNE_11)
    june = run(ledger, books, Request(JUNE, date(2026, 7, 3)), status=InvoiceStatus.FINAL, lang="it")
    assert [x for x in june.invoices if x.kind is InvoiceKind.CREDIT_NOTE] == []
    [refused] = [p for p in june.problems if p.code == "return-credited-already"]
    assert may_note.number in str(refused) and "FT-2026-00001" in str(refused)
    with reading(ledger) as conn:
        assert conn.execute(select(func.count()).select_from(schema.invoices)
                            .where(schema.invoices.c.kind == InvoiceKind.CREDIT_NOTE.value)).scalar_one() == 1
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("0.00")}


def _may_note_of_before_schema_29(ledger, may_kg, june_kg=0, may_price=None):
    """`_master(90)`'s April deliveries invoiced final and C002's return of `may_kg` on 20 May
    (at `may_price`, else the list's) credited on a ledger of schema 28; its return of
    `june_kg` on 11 June (if any) still to deliver: the books and May's note."""
    s = _sheets(90)
    _returning(may_kg, s)
    s["Righe modello"][-1][3] = may_price
    if june_kg:
        s["Modelli ordine"].append(["T031", "C002", None, None, "Mensile giorno", None, None, 11, None, None,
                                    date(2026, 6, 1), date(2026, 6, 30), "Reso"])
        s["Righe modello"].append(["T031", "A001", june_kg, s["Righe modello"][2][3], None])
    books = check(minimal.workbook(s)).master
    assert books is not None
    _deliver(books, ledger, APRIL_10, APRIL_20)
    run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    _deliver(books, ledger, MAY_20)
    may = run(ledger, books, Request(MAY, date(2026, 6, 3)), status=InvoiceStatus.FINAL, lang="it")
    [may_note] = [x for x in may.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    _to_schema_28(ledger)
    return books, may_note


def _june_after_a_may_note_of_before_schema_29(ledger, may_kg, june_kg, may_price=None):
    """`_may_note_of_before_schema_29`, and C002's return of `june_kg` on 11 June run final:
    May's note and June's run."""
    books, may_note = _may_note_of_before_schema_29(ledger, may_kg, june_kg, may_price)
    _deliver(books, ledger, JUNE_11)
    return may_note, run(ledger, books, Request(JUNE, date(2026, 7, 3)), status=InvoiceStatus.FINAL, lang="it")


def test_a_return_after_a_note_of_before_schema_29_credits_what_it_left(ledger):
    """May's return of 3 kg, credited on a ledger of schema 28, took back April's 20th's 2 kg
    (one N3.5, one at 22 %) and one kg of the 10th's, last line first. June's return of 2 kg
    takes back the 10th's 2 kg left, 37 € N3.5, not the 20th's two kg May credited already."""
    _, june = _june_after_a_may_note_of_before_schema_29(ledger, 3, 2)
    assert not [p for p in june.problems if p.is_error], [str(p) for p in june.problems]
    [note] = [x for x in june.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    assert _credited(note) == [(D(-2), D("-37.00"), D(0), "N3.5")]
    assert [(c.number, c.base) for c in note.cites] == [("FT-2026-00001", D("37.00"))]
    with reading(ledger) as conn:
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("0.00")}


def test_a_note_of_before_schema_29_below_the_invoice_s_price_leaves_none_of_its_goods_to_credit_again(ledger):
    """May's return of April's 5 kg was credited at 16 € a kg (below the invoice's 18.50 €, a
    return's own price), 80 €, on a ledger of schema 28. It gave back the 5 kg, not 80 € worth
    of April's goods: June's return of half a kg more is refused as credited already, naming
    May's note, where counting the 80 € at April's price left 0.676 kg of it open to credit again."""
    may_note, june = _june_after_a_may_note_of_before_schema_29(ledger, 5, D("0.5"), D("16.00"))
    assert sum(line.quantity for line in may_note.lines) == D(-5) and may_note.taxable == D("-80.00")
    assert [x for x in june.invoices if x.kind is InvoiceKind.CREDIT_NOTE] == []
    [refused] = [p for p in june.problems if p.code == "return-credited-already"]
    assert may_note.number in str(refused) and "FT-2026-00001" in str(refused)
