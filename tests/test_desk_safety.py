"""A sales desk's slips the toolkit stops or lets the desk undo, through the command line:
an order date typed a year ahead, an invoiced order voided, a payment typed wrong."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from older_ledgers import back_to, new_shape, shape
from sqlalchemy import func, select
from test_printing import cli, cli_apart, desk, numbers  # noqa: F401  (desk is a fixture)

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading

TODAY = date(2026, 10, 1)


def count(url: str, table) -> int:
    with reading(open_ledger(url)) as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def reply(capsys, *args) -> tuple[int, dict]:
    code, said, _ = cli_apart(capsys, *args, "--json")
    return code, json.loads(said)


@pytest.fixture
def today(desk, rome_today):  # noqa: F811
    rome_today(TODAY)
    return desk


def test_an_order_date_a_year_ahead_is_refused_as_a_typo_unless_future(capsys, today):
    workbook, url = today
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-10-01", "--ledger", url)[0] == 0
    orders, invoices = count(url, schema.orders), count(url, schema.invoices)
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2027-10-02", "--ledger", url)
    assert code == 1
    assert ("La data degli ordini 02/10/2027 è più di 31 giorni dopo oggi (01/10/2026): sembra un errore di "
            "battitura, nessun ordine è stato creato. Correggi la data; se è proprio voluta, dalla riga di comando "
            "aggiungi --future."
            in " ".join(said.split()))
    assert (count(url, schema.orders), count(url, schema.invoices)) == (orders, invoices)
    code, out = reply(capsys, "orders", "preview", workbook, "--date", "2027-10-02", "--ledger", url)
    assert code == 0 and "order-date-far-ahead-preview" in [p["code"] for p in out["problems"]]
    code, out = reply(capsys, "orders", "create", workbook, "--date", "2026-11-01", "--ledger", url)
    assert code == 0 and out["created"] and out["invoices"] == [] and out["ddts"] == []


def _invoiced_not_shipped(url: str, but: str = "") -> tuple[str, str]:
    """An order the creation invoiced at once and did not ship (of another customer than `but`),
    and its invoice's number."""
    from toolkit.ledger.db import document_number

    o, ol, i, il = (schema.orders.c, schema.order_lines.c, schema.invoices.c, schema.invoice_lines.c)
    with reading(open_ledger(url)) as conn:
        row = conn.execute(
            select(o.series, o.year, o.number, i.series, i.year, i.number)
            .join(schema.order_lines, ol.order_id == o.id).join(schema.invoice_lines, il.order_line_id == ol.id)
            .join(schema.invoices, i.id == il.invoice_id)
            .where(o.status == "in-progress", ol.shipped == 0, o.customer != but).order_by(o.id)).first()
    return document_number(*row[:3]), document_number(*row[3:])


def test_an_order_invoiced_at_once_is_not_voided_and_the_message_names_its_invoice(capsys, today):
    workbook, url = today
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-10-01", "--ledger", url)[0] == 0
    order, invoice = _invoiced_not_shipped(url)
    code, said = cli(capsys, "orders", "status", workbook, order, "--to", "voided", "--ledger", url)
    assert code == 1
    assert (f"L'ordine {order} è già fatturato ({invoice}) e non è stato annullato" in " ".join(said.split())
            and "nota di credito" in said)
    code, out = reply(capsys, "orders", "status", workbook, order, "--to", "voided", "--ledger", url)
    assert (code, out["status"], [p["code"] for p in out["problems"]]) == (1, None, ["void-invoiced-order"])
    code, out = reply(capsys, "orders", "list", workbook, "--ledger", url)
    assert next(o["status"] for o in out["orders"] if o["number"] == order) == "in-progress"


def test_an_order_invoiced_at_once_is_not_closed_with_its_goods_unshipped(capsys, today):
    """Closing gives up what was not shipped: the invoice would stay due for goods that never
    leave, as voiding would. The credit note closes it instead, and a closed order's goods
    credited already ask nothing more."""
    workbook, url = today
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-10-01", "--ledger", url)[0] == 0
    order, invoice = _invoiced_not_shipped(url)
    code, said = cli(capsys, "orders", "status", workbook, order, "--to", "chiuso", "--ledger", url)
    said = " ".join(said.split())
    assert code == 1
    assert (f"L'ordine {order} è già fatturato ({invoice}) per merce non ancora spedita (" in said
            and f"emetti una nota di credito per {invoice} (toolkit invoice credit), che chiude anche l'ordine"
            in said), said
    code, out = reply(capsys, "orders", "status", workbook, order, "--to", "closed", "--lang", "en", "--ledger", url)
    assert (code, out["status"], [p["code"] for p in out["problems"]]) == (1, None, ["close-invoiced-order"])
    code, out = reply(capsys, "orders", "list", workbook, "--ledger", url)
    assert next(o["status"] for o in out["orders"] if o["number"] == order) == "in-progress"
    assert cli(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--reason", "Annullato",
               "--ledger", url)[0] == 0
    code, out = reply(capsys, "orders", "list", workbook, "--ledger", url)
    assert next(o["status"] for o in out["orders"] if o["number"] == order) == "closed"


def test_voiding_an_order_invoiced_at_once_advises_the_credit_note_that_closes_it(capsys, today):
    """`invoice credit` closes the order whose goods it takes back: the refusal asks for the note
    alone, in Italian words; only an order whose goods notes took back already (a ledger from
    before notes closed their orders) is told to close it, `--to chiuso`."""
    from sqlalchemy import update

    workbook, url = today
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-10-01", "--ledger", url)[0] == 0
    order, invoice = _invoiced_not_shipped(url)
    code, said = cli(capsys, "orders", "status", workbook, order, "--to", "annullato", "--ledger", url)
    said = " ".join(said.split())
    assert code == 1 and "(toolkit invoice credit), che chiude anche l'ordine" in said, said
    assert "--to closed" not in said and "chiudi" not in said
    assert cli(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--reason", "Annullato",
               "--ledger", url)[0] == 0
    code, out = reply(capsys, "orders", "list", workbook, "--ledger", url)
    assert next(o["status"] for o in out["orders"] if o["number"] == order) == "closed"

    with open_ledger(url).engine.begin() as conn:
        conn.execute(update(schema.orders).where(schema.orders.c.number == int(order.rsplit("-", 1)[1]))
                     .values(status="in-progress"))
    code, said = cli(capsys, "orders", "status", workbook, order, "--to", "annullato", "--ledger", url)
    assert code == 1 and "ne hanno già ripreso la merce: non si annulla, chiudilo (--to chiuso)." in " ".join(
        said.split()), said
    code, out = reply(capsys, "orders", "status", workbook, order, "--to", "voided", "--lang", "en", "--ledger", url)
    assert [p["code"] for p in out["problems"]] == ["void-credited-order"]
    assert "(--to closed)" in out["problems"][0]["message"]
    assert cli(capsys, "orders", "status", workbook, order, "--to", "chiuso", "--ledger", url)[0] == 0


def test_a_status_change_says_what_it_did(capsys, today):
    workbook, url = today
    code, out = reply(capsys, "orders", "create", workbook, "--date", "2026-10-01", "--ledger", url)
    invoiced = {_invoiced_not_shipped(url)[0]}
    code, out = reply(capsys, "orders", "list", workbook, "--status", "in-progress", "--ledger", url)
    order = next(o["number"] for o in out["orders"] if o["number"] not in invoiced and o["to_ship"] == o["quantity"])
    code, said = cli(capsys, "orders", "status", workbook, order, "--to", "voided", "--lang", "en", "--ledger", url)
    assert code == 0 and f"Order {order}: now “Voided”." in said


def _immediate_invoice(capsys, desk) -> tuple[str, Decimal]:  # noqa: F811
    """October 1st's orders created: the first invoice issued with them, and its total."""
    workbook, url = desk
    code, out = reply(capsys, "orders", "create", workbook, "--date", "2026-10-01", "--ledger", url)
    code, status = reply(capsys, "payments", "status", workbook, "--ledger", url)
    row = next(r for r in status["invoices"] if r["number"] == out["invoices"][0])
    return row["number"], Decimal(row["total"])


def _position(capsys, desk, invoice: str) -> tuple[Decimal, Decimal]:  # noqa: F811
    workbook, url = desk
    code, status = reply(capsys, "payments", "status", workbook, "--ledger", url)
    row = next(r for r in status["invoices"] if r["number"] == invoice)
    return Decimal(row["collected"]), Decimal(row["outstanding"])


def test_a_payment_typed_wrong_is_voided_by_a_reversal_and_the_right_one_recorded(capsys, today):
    workbook, url = today
    invoice, total = _immediate_invoice(capsys, today)
    slip = total * 10
    pay = ("payments", "record", workbook, "--invoice", invoice, "--date", "2026-10-01", "--ledger", url)
    code, out = reply(capsys, *pay, "--amount", str(slip))
    assert code == 0 and [p["code"] for p in out["problems"]] == ["payment-exceeds-outstanding"]
    assert "toolkit payments void" in out["problems"][0]["message"]
    code, said = cli(capsys, *pay, "--amount", str(total - slip))
    assert code == 1 and "annullalo con toolkit payments void" in " ".join(said.split())
    assert _position(capsys, today, invoice) == (slip, total - slip)

    void = ("payments", "void", workbook, "--invoice", invoice, "--date", "2026-10-01", "--ledger", url)
    code, said = cli(capsys, *void, "--amount", str(slip + 1))
    assert code == 1 and f"incassi registrati: 01/10/2026 {slip:,.2f} €".translate(str.maketrans(",.", ".,")) in said
    code, out = reply(capsys, *void, "--amount", str(slip))
    assert code == 0 and out["voided"] == [
        {"invoice": invoice, "date": "2026-10-01", "amount": str(slip), "method": None, "reference": None}]
    assert _position(capsys, today, invoice) == (0, total)
    code, said = cli(capsys, *void, "--amount", str(slip))
    assert code == 0 and "è già annullato: nulla è cambiato" in said and "Nessun incasso annullato." in said
    code, said = cli(capsys, *pay, "--amount", str(slip))
    assert code == 1 and "--reference" in said
    assert cli(capsys, *pay, "--amount", str(total))[0] == 0
    assert _position(capsys, today, invoice) == (total, 0)
    with reading(open_ledger(url)) as conn:
        rows = conn.execute(select(schema.payments.c.amount, schema.payments.c.reverses)
                            .order_by(schema.payments.c.id)).all()
        logged = conn.execute(select(func.count()).select_from(schema.events)
                              .where(schema.events.c.action == "payment-voided")).scalar_one()
    assert [r.amount for r in rows] == [slip, -slip, total] and rows[1].reverses is not None and logged == 1


def test_a_payment_dated_before_its_invoice_or_after_today_is_recorded_with_a_warning(capsys, today):
    workbook, url = today
    invoice, total = _immediate_invoice(capsys, today)
    pay = ("payments", "record", workbook, "--invoice", invoice, "--amount", "1", "--ledger", url)
    code, out = reply(capsys, *pay, "--date", "2026-09-30")
    assert code == 0 and [p["message"] for p in out["problems"]] == [
        f"L'incasso del 30/09/2026 su {invoice} è precedente alla data della fattura (01/10/2026): controlla la data."]
    code, out = reply(capsys, *pay, "--date", "2026-10-02")
    assert code == 0 and [p["code"] for p in out["problems"]] == ["payment-in-future"]
    assert _position(capsys, today, invoice)[0] == 2


@pytest.mark.parametrize("amount", ["1e3", "1E2", "2,5e1", "-1e-2"])
def test_an_amount_with_an_exponent_is_refused_as_a_slip_storing_nothing(capsys, today, amount):
    """`--amount 1e3` recorded 1.000 €: a key typed by mistake, not how a desk writes money."""
    workbook, url = today
    invoice, total = _immediate_invoice(capsys, today)
    for verb in ("record", "void"):
        code, said = cli(capsys, "payments", verb, workbook, "--invoice", invoice, "--date", "2026-10-01",
                         "--amount", amount, "--ledger", url)
        said = " ".join(said.replace("│", " ").split())
        assert code == 2 and "Traceback" not in said, said
        assert f"«{amount}»: scrivi l'importo per intero, come 1000 o 1234,56, senza esponente; nulla è stato " \
               "registrato" in said, said
    assert count(url, schema.payments) == 0


def test_payments_void_keeps_to_what_the_help_says(capsys):
    code, said = cli(capsys, "payments", "record", "--help")
    assert "negativo solo per il rimborso di una nota di credito" in " ".join(said.replace("│", " ").split())
    code, said = cli(capsys, "payments", "void", "--help")
    assert code == 0 and "storno" in said


def test_a_ledger_of_schema_23_gains_payment_reversals(capsys, today):
    workbook, url = today
    invoice, total = _immediate_invoice(capsys, today)
    older = open_ledger(url)
    back_to(older, 23, {"payments": ["reverses"], "einvoice_files": ["zipped_in"]})
    older.engine.dispose()
    pay = ("--invoice", invoice, "--date", "2026-10-01", "--amount", str(total), "--ledger", url)
    assert cli(capsys, "payments", "record", workbook, *pay)[0] == 0
    assert cli(capsys, "payments", "void", workbook, *pay)[0] == 0
    assert _position(capsys, today, invoice) == (0, total)
    with reading(open_ledger(url)) as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION
        assert [shape(conn, table) for table in ("payments", "einvoice_files")] == [
            new_shape(table) for table in ("payments", "einvoice_files")]


def test_a_short_invoice_number_is_paid_and_named_in_full(capsys, today):
    """`--invoice FT-2026-3` (or `3/2026`) is the invoice FT-2026-00003, as a bank's export
    writes it: accepted on purpose, and the answer names the number it acted on."""
    workbook, url = today
    invoice, total = _immediate_invoice(capsys, today)
    series, year, number = invoice.split("-")
    for short in (f"{series.lower()}-{year}-{int(number)}", f"{int(number)}/{year}"):
        code, said = cli(capsys, "payments", "record", workbook, "--invoice", short, "--date", "2026-10-01",
                         "--amount", "1", "--reference", short, "--ledger", url)
        assert code == 0 and f"Registrato 1 incasso, 0 già presenti: {invoice}, 1,00 € del 01/10/2026." in said, said
    code, said = cli(capsys, "payments", "void", workbook, "--invoice", f"{int(number)}/{year}", "--date",
                     "2026-10-01", "--amount", "1", "--reference", f"{int(number)}/{year}", "--ledger", url)
    assert code == 0 and f"Incassi annullati: 1 (lo storno resta nel registro): {invoice}, 1,00 € del 01/10/2026." \
        in said, said
    assert _position(capsys, today, invoice)[0] == 1


def _paid_then_credited(capsys, today) -> tuple[str, Decimal, str]:
    """An invoice paid in full on 1 October, then credited in full the same day: the invoice,
    its total and the credit note's number."""
    workbook, url = today
    invoice, total = _immediate_invoice(capsys, today)
    day = ("--date", "2026-10-01", "--ledger", url)
    assert cli(capsys, "payments", "record", workbook, "--invoice", invoice, "--amount", str(total), *day)[0] == 0
    code, out = reply(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--reason", "reso", *day)
    return invoice, total, out["credit_note"]["number"]


def test_voiding_the_payment_a_credit_note_s_refunds_rest_on_is_refused_storing_nothing(capsys, today):
    """Paid in full, credited in full, the note refunded: voiding the payment was recorded
    without a word, the invoice was back to collect and the refunds paid back money never
    paid in. The void is refused until the refunds are voided first."""
    workbook, url = today
    invoice, total, note = _paid_then_credited(capsys, today)
    day = ("--date", "2026-10-01", "--ledger", url)
    first = (total / 2).quantize(Decimal("0.01"))
    refunds = [("payments", verb, workbook, "--invoice", note, "--amount", str(-amount), *day)
               for verb in ("record", "void") for amount in (first, total - first)]
    for refund in refunds[:2]:
        assert cli(capsys, *refund)[0] == 0
    stored = count(url, schema.payments)
    void = ("payments", "void", workbook, "--invoice", invoice, "--amount", str(total), *day)
    code, said = cli(capsys, *void)
    amounts = [f"{x:.2f}".replace(".", ",") for x in (total, first, total - first)]
    assert code == 1 and (
        f"L'annullo dell'incasso di {amounts[0]} € del 01/10/2026 su {invoice} è rifiutato: senza quell'incasso la "
        f"nota di credito {note} salda {amounts[0]} € della fattura {invoice}, importo che il cliente non avrebbe "
        f"pagato, e della nota si possono rimborsare al massimo 0,00 €; ma ne sono già stati rimborsati {amounts[0]} "
        f"€ (rimborsi: 01/10/2026 -{amounts[1]} €, 01/10/2026 -{amounts[2]} €). Annulla prima i rimborsi (toolkit "
        f"payments void --invoice {note} con data e importo di ciascuno), poi l'incasso. Nulla è stato annullato."
    ) in " ".join(said.split()), said
    assert said.rstrip().endswith("poi l'incasso. Nulla è stato annullato.") and "Nessun incasso annullato" not in said
    code, out = reply(capsys, *void, "--lang", "en")
    assert (code, out["voided"], [p["code"] for p in out["problems"]]) == (
        1, [], ["payment-void-refunded-credit-note"])
    assert "Void the refunds first (toolkit payments void --invoice" in out["problems"][0]["message"]
    assert count(url, schema.payments) == stored and _position(capsys, today, invoice) == (total, 0)
    for refund in refunds[2:]:
        assert cli(capsys, *refund)[0] == 0
    assert cli(capsys, *void)[0] == 0
    assert _position(capsys, today, invoice) == (0, 0)


def test_a_note_refunded_beyond_its_total_says_so_in_json_and_counts_in_aging(capsys, today):
    """*Pagata* was true for a note refunded 1,00 beyond its total, with 1,00 still to collect
    that the aging report left out."""
    workbook, url = today
    invoice, total, note = _paid_then_credited(capsys, today)
    day = ("--date", "2026-10-01", "--ledger", url)
    code, out = reply(capsys, "payments", "record", workbook, "--invoice", note, "--amount", str(-total - 1), *day)
    assert code == 0 and [p["code"] for p in out["problems"]] == ["refund-exceeds-credit-note"]
    code, status = reply(capsys, "payments", "status", workbook, "--ledger", url)
    row = next(r for r in status["invoices"] if r["number"] == note)
    assert (row["outstanding"], row["paid"], row["refunded_beyond"]) == ("1.00", False, True)
    code, aging = reply(capsys, "report", "aging", workbook, "--from", "2026-01-01", "--to", "2026-10-01",
                        "--out", str(workbook.parent / "scadenziario.xlsx"), "--ledger", url)
    assert code == 0 and Decimal(aging["total"]) == sum(Decimal(r["outstanding"]) for r in status["invoices"])


def test_a_ddt_of_an_order_invoiced_at_once_and_closed_since_is_not_voided_until_the_goods_are_credited(
        capsys, today):
    """OC-2026-00001, invoiced and paid at the order, shipped, then closed. Its DDT voided, the
    order stayed closed with all it was paid for to ship and nothing to ship it: closing it by
    hand so is refused (`close-invoiced-order`), and the void is refused likewise. Credited,
    the goods are no longer due, and the DDT is voided, the order kept closed."""
    workbook, url = today
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-10-01", "--ledger", url)[0] == 0
    order, invoice = _invoiced_not_shipped(url)
    i = schema.invoices.c
    with reading(open_ledger(url)) as conn:
        total = conn.execute(select(i.total).where(i.number == int(invoice.split("-")[-1]))).scalar_one()
    assert cli(capsys, "payments", "record", workbook, "--invoice", invoice, "--date", "2026-10-01",
               "--amount", str(total), "--ledger", url)[0] == 0
    code, shipped = reply(capsys, "ship", workbook, "--date", "2026-10-01", "--orders", order, "--ledger", url)
    [ddt] = [n["ddt"] for n in shipped["shipped"]]
    assert reply(capsys, "orders", "status", workbook, order, "--to", "chiuso", "--ledger", url)[0] == 0
    code, said = cli(capsys, "ddt", "void", workbook, ddt, "--ledger", url, "--json")
    out = json.JSONDecoder().raw_decode(said)[0]  # the refusal's words follow on stderr
    assert (code, out["exit_code"], [p["code"] for p in out["problems"]]) == (2, 2, ["ddt-void-closed-order-billed"])
    said = " ".join(out["problems"][0]["message"].split())
    assert (f"Il DDT {ddt} spedisce merce dell'ordine chiuso {order} già fatturata all'ordine ({invoice})" in said
            and f"emetti prima una nota di credito per essa su {invoice} (toolkit invoice credit)" in said), said
    assert count(url, schema.voided_deliveries) == 0
    code, listed = reply(capsys, "orders", "list", workbook, "--ledger", url)
    assert next((o["status"], o["to_ship"]) for o in listed["orders"] if o["number"] == order) == ("closed", "0.000")
    assert cli(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--reason", "merce non partita",
               "--ledger", url)[0] == 0
    code, out = reply(capsys, "ddt", "void", workbook, ddt, "--ledger", url)
    assert (code, out["voided"], out["kept_closed"]) == (0, True, [order]), out
