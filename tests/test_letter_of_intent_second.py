"""A customer's second letter of intent, written on its *Clienti* row in place of the first
mid-month (the first used up, or revoked, and a new one filed): the row holds one letter, so the
month's DDTs delivered under the first are not re-attributed to the second: month end charges
them VAT and says so at the new letter's date; invoiced first, with the first letter still on
the row (`invoice --orders`), they keep it, and month end then invoices the rest under the new
one. These pin what docs/vat.md's *A letter revoked, and a second letter* tells the desk."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from test_credit_returns import APRIL
from test_letter_of_intent_ceiling import APRIL_10, APRIL_20, PROTOCOL, _deliver, _master, _rated, _sheets

from toolkit.core.invoicing import InvoiceKind, InvoiceStatus, Request
from toolkit.ledger.db import reading
from toolkit.ledger.letters import letters_used
from toolkit.ledger.orders import load_orders
from toolkit.services.invoicing import run

SECOND = "26041512345678901-000002"
APRIL_15 = date(2026, 4, 15)


def _c002_invoices(result) -> list:
    return [x for x in result.invoices if x.customer == "C002" and x.kind is InvoiceKind.INVOICE]


def test_the_first_letter_s_deliveries_are_not_moved_under_the_second(ledger):
    """Letter 1 covered the coffee of the 10th; letter 2, dated the 15th, replaced it on the row
    before month end. The 10th's line is not cited under letter 2 (which did not cover it) nor
    left N3.5 uncited: it carries 22 %, told at the new date; letter 1 keeps nothing used."""
    first = _master(1000)
    _deliver(first, ledger, APRIL_10)
    second = _master(5000, SECOND, APRIL_15)
    _deliver(second, ledger, APRIL_20)
    result = run(ledger, second, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    [invoice] = _c002_invoices(result)
    assert _rated(invoice) == [(D("55.50"), D(22), None), (D("37.00"), D(0), "N3.5")]
    assert invoice.parties is not None and invoice.parties.buyer is not None
    assert invoice.parties.buyer.intent_protocol == SECOND
    [told] = [p for p in result.problems if p.code == "letter-of-intent-after-sale"]
    assert told.cell == "M3" and "10/04/2026" in told.message()
    with reading(ledger) as conn:
        assert letters_used(conn, {"C002"}) == {SECOND: D("37.00")}


def test_invoiced_first_under_the_first_letter_the_month_keeps_both_letters(ledger):
    """docs/vat.md's way: with letter 1 still on the row, `invoice --orders` invoices the 10th's
    order citing it; letter 2 written, month end invoices the 20th's citing letter 2, no line
    with VAT and no warning."""
    first = _master(1000)
    _deliver(first, ledger, APRIL_10)
    with reading(ledger) as conn:
        [order] = [o.id for o in load_orders(conn) if o.customer == "C002"]
    early = run(ledger, first, Request(APRIL, APRIL_15, orders=frozenset({order})), status=InvoiceStatus.FINAL, lang="it")
    [one] = _c002_invoices(early)
    assert _rated(one) == [(D("55.50"), D(0), "N3.5")] and one.parties.buyer.intent_protocol == PROTOCOL
    second = _master(5000, SECOND, APRIL_15)
    _deliver(second, ledger, APRIL_20)
    result = run(ledger, second, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    [two] = _c002_invoices(result)
    assert _rated(two) == [(D("37.00"), D(0), "N3.5")] and two.parties.buyer.intent_protocol == SECOND
    assert not [p for p in result.problems if p.code.startswith("letter-of-intent")]
    with reading(ledger) as conn:
        assert letters_used(conn, {"C002"}) == {PROTOCOL: D("55.50"), SECOND: D("37.00")}


def test_a_second_letter_written_over_a_revoked_first_on_its_day_is_refused_while_the_revocation_stays():
    """Letter 1 revoked from the 15th, letter 2 filed that day and written over it on the row, the
    revocation left: the new letter would cover nothing and every sale of it go with VAT, told
    only as a warning that asks for what the desk just did (write the new letter). A revocation on
    the letter's own day leaves it nothing, so the check refuses it at its cell, naming the fix."""
    import minimal

    from toolkit.intake.validation import check

    s = _sheets(5000, SECOND, APRIL_15)
    minimal.set_cell(s, "Clienti", "R1", "Dichiarazione d'intento revocata dal")
    minimal.set_cell(s, "Clienti", "R3", APRIL_15)
    result = check(minimal.workbook(s))
    [refused] = [p for p in result.problems if p.is_error]
    assert (refused.code, refused.sheet, refused.cell) == ("letter-of-intent-revoked-before-date", "Clienti", "R3")
    assert result.master is None
    assert "revocata dal" in refused.message() and "15/04/2026" in refused.message()
    assert "clear" in refused.message("en")
    minimal.set_cell(s, "Clienti", "R3", None)
    assert check(minimal.workbook(s)).master is not None
