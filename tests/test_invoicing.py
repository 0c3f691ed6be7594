"""The invoicing core: invoice terms, schedules, grouping, VAT rounding, dues, credit notes.

Table-driven on hand-made billable lines; no ledger. The helpers at the bottom (orders and
DDTs straight into a ledger) serve the ledger, payments and accountants tests too: shipping
is written elsewhere, so tests insert DDTs directly.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal as D

import minimal
import pytest

from toolkit.basics.money import cents
from toolkit.basics.vocab import DeferredInvoiceDate, InvoiceGrouping, InvoiceSchedule, InvoiceTerms, PaymentMethod
from toolkit.core.invoicing import (
    Billable,
    DeliveryRef,
    InvoiceKind,
    Period,
    Request,
    build_invoice,
    deadline_for,
    group_key,
    plan,
    plan_invoices,
    schedule_period,
    shipments_of,
)
from toolkit.core.lines import line_amount
from toolkit.intake.validation import check

APRIL = Period(date(2026, 4, 1), date(2026, 4, 30))
AFTER_APRIL = date(2026, 5, 2)
_ids = itertools.count(1)


def master_with(sheets=None, **customer_fields):
    """The minimal master, with customer C001's fields replaced."""
    base = check(minimal.workbook(sheets)).master
    assert base is not None
    first = replace(base.customers[0], **customer_fields)
    return base.model_copy(update={"customers": (first, *base.customers[1:])})


def line(day: date | None = date(2026, 4, 9), *, qty="10", price="1.00", rate="22", nature=None, order=1,
         order_date=None, customer="C001", project=None, ship_to=None, ddt=None) -> Billable:
    """A DDT line dated `day`; with `day=None`, an order line for immediate invoicing."""
    n = next(_ids)
    delivery = None if day is None else DeliveryRef(ddt or n, f"DDT-2026-{ddt or n:05d}", day)
    return Billable("A001", "Articolo", "pz", D(qty), D(price), line_amount(D(qty), D(price)), D(rate), nature,
                    n, None if day is None else n, delivery, order, f"OC-2026-{order:05d}",
                    order_date or day or date(2026, 4, 9), customer, ship_to, project)


def request(month=APRIL, today=AFTER_APRIL, **fields) -> Request:
    """What the user asked; today is after April unless the case says otherwise."""
    return Request(month, today, **fields)


def shape(invoices):
    return [(x.period.start, x.period.end, x.invoice_date, len(x.lines)) for x in invoices]


# ---- invoice terms


T = InvoiceTerms
TERMS_CASES = [
    pytest.param(dict(invoice_terms=T.AFTER_DELIVERY), [line(date(2026, 4, 3)), line(date(2026, 4, 20))], {}, (),
                 [(date(2026, 4, 1), date(2026, 4, 30), date(2026, 4, 30), 2)], [], id="after-delivery-month"),
    pytest.param(dict(invoice_terms=T.AFTER_DELIVERY), [line(date(2026, 4, 3)), line(date(2026, 4, 20))],
                 {"invoice_date": date(2026, 4, 15)}, (),
                 [(date(2026, 4, 1), date(2026, 4, 15), date(2026, 4, 15), 1)], [], id="after-delivery-mid-month"),
    # a month left over is invoiced apart, dated with the run: never back in a month already closed
    pytest.param(dict(invoice_terms=T.AFTER_DELIVERY), [line(date(2026, 3, 28)), line(date(2026, 4, 2))], {}, (),
                 [(date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 30), 1),
                  (date(2026, 4, 1), date(2026, 4, 30), date(2026, 4, 30), 1)], [], id="after-delivery-one-month-each"),
    pytest.param(dict(invoice_terms=T.AFTER_DELIVERY), [line(date(2026, 4, 3)), line(date(2026, 4, 20))],
                 {"deferred_date": DeferredInvoiceDate.ISSUE}, (),
                 [(date(2026, 4, 1), date(2026, 4, 30), AFTER_APRIL, 2)], [], id="after-delivery-dated-at-issue"),
    pytest.param(dict(invoice_terms=T.AFTER_DELIVERY), [line(date(2026, 4, 3)), line(date(2026, 4, 20))],
                 {"deferred_date": DeferredInvoiceDate.ISSUE, "today": date(2026, 4, 25)}, (),
                 [(date(2026, 4, 1), date(2026, 4, 25), date(2026, 4, 25), 2)], [], id="after-delivery-issue-in-month"),
    pytest.param(dict(invoice_terms=T.AFTER_ORDER_DELIVERED), [line(order=1), line(order=2)], {}, {2},
                 [(date(2026, 4, 1), date(2026, 4, 30), date(2026, 4, 30), 1)], [("C001", "order-not-delivered", 1)],
                 id="after-order-delivered"),
    pytest.param(dict(invoice_terms=T.CUSTOMER_SCHEDULE, invoice_schedule=InvoiceSchedule.MONTHLY),
                 [line(date(2026, 4, 3)), line(date(2026, 4, 20))], {}, (),
                 [(date(2026, 4, 1), date(2026, 4, 30), date(2026, 4, 30), 2)], [], id="schedule-monthly"),
    pytest.param(dict(invoice_terms=T.CUSTOMER_SCHEDULE, invoice_schedule=InvoiceSchedule.MONTHLY),
                 [line(date(2026, 4, 3))], {"invoice_date": date(2026, 4, 15)}, (),
                 [], [("C001", "period-open", 1)], id="schedule-monthly-not-ended"),
    pytest.param(dict(invoice_terms=T.CUSTOMER_SCHEDULE, invoice_schedule=InvoiceSchedule.MONTHLY),
                 [line(date(2026, 4, 3))], {"today": date(2026, 4, 20)}, (), [], [("C001", "period-open", 1)],
                 id="schedule-monthly-today-in-month"),
    pytest.param(dict(invoice_terms=T.CUSTOMER_SCHEDULE, invoice_schedule=InvoiceSchedule.WEEKLY),
                 [line(date(2026, 4, 1)), line(date(2026, 4, 3)), line(date(2026, 4, 8)), line(date(2026, 4, 30))], {}, (),
                 [(date(2026, 4, 1), date(2026, 4, 5), date(2026, 4, 30), 2),
                  (date(2026, 4, 6), date(2026, 4, 12), date(2026, 4, 30), 1),
                  (date(2026, 4, 27), date(2026, 4, 30), date(2026, 4, 30), 1)], [], id="schedule-weekly"),
    pytest.param(dict(invoice_terms=T.CUSTOMER_SCHEDULE, invoice_schedule=InvoiceSchedule.WEEKLY),
                 [line(date(2026, 4, 1)), line(date(2026, 4, 8))], {"today": date(2026, 4, 13)}, (),
                 [(date(2026, 4, 1), date(2026, 4, 5), date(2026, 4, 13), 1),
                  (date(2026, 4, 6), date(2026, 4, 12), date(2026, 4, 13), 1)], [], id="schedule-weekly-run-weekly"),
    pytest.param(dict(invoice_terms=T.CUSTOMER_SCHEDULE, invoice_schedule=InvoiceSchedule.WEEKLY),
                 [line(date(2026, 4, 1)), line(date(2026, 4, 8)), line(date(2026, 4, 30))],
                 {"invoice_date": date(2026, 4, 10)}, (),
                 [(date(2026, 4, 1), date(2026, 4, 5), date(2026, 4, 10), 1)], [("C001", "period-open", 1)],
                 id="schedule-weekly-only-ended-weeks"),
    pytest.param(dict(invoice_terms=T.CUSTOMER_SCHEDULE, invoice_schedule=InvoiceSchedule.BIWEEKLY),
                 [line(date(2026, 4, 10)), line(date(2026, 4, 15)), line(date(2026, 4, 16)), line(date(2026, 4, 30))],
                 {}, (),
                 [(date(2026, 4, 1), date(2026, 4, 15), date(2026, 4, 30), 2),
                  (date(2026, 4, 16), date(2026, 4, 30), date(2026, 4, 30), 2)], [], id="schedule-biweekly"),
    pytest.param(dict(invoice_terms=T.DO_NOT_INVOICE), [line(), line()], {}, (),
                 [], [("C001", "held", 2)], id="do-not-invoice-held"),
    pytest.param(dict(invoice_terms=T.DO_NOT_INVOICE), [line(), line()], {"released": frozenset({"C001"})}, (),
                 [(date(2026, 4, 1), date(2026, 4, 30), date(2026, 4, 30), 2)], [], id="do-not-invoice-released"),
    pytest.param(dict(invoice_terms=T.IMMEDIATE),
                 [line(None, order=1, order_date=date(2026, 4, 9)), line(None, order=1, order_date=date(2026, 4, 9)),
                  line(None, order=2, order_date=date(2026, 4, 13))], {}, (),
                 [(date(2026, 4, 9), date(2026, 4, 9), AFTER_APRIL, 2),
                  (date(2026, 4, 13), date(2026, 4, 13), AFTER_APRIL, 1)], [], id="immediate-left-over-dated-at-the-run"),
    pytest.param(dict(invoice_terms=T.IMMEDIATE), [line(date(2026, 4, 3), order=1), line(date(2026, 4, 20), order=2)],
                 {}, (), [(date(2026, 4, 1), date(2026, 4, 30), date(2026, 4, 30), 2)], [],
                 id="immediate-shipped-before-any-invoice-deferred"),
]


@pytest.mark.parametrize("customer, lines, asked, delivered, expected, pending", TERMS_CASES)
def test_invoice_terms(customer, lines, asked, delivered, expected, pending):
    master = master_with(**customer)
    result = plan(master, lines, request(**asked), frozenset(delivered))
    assert shape(result.invoices) == expected
    assert [(p.customer, p.reason, p.lines) for p in result.pending] == pending
    assert not [p for p in result.problems if p.is_error]


def test_held_customer_gets_a_warning_pointing_at_its_terms_cell():
    master = master_with(invoice_terms=T.DO_NOT_INVOICE)
    result = plan(master, [line()], request())
    [held] = [p for p in result.problems if p.code == "invoice-held"]
    assert held.sheet == "Clienti" and held.cell.endswith("2")


def test_another_path_covers_order_lines_of_customers_not_invoiced_at_the_order():
    deferred = plan(master_with(invoice_terms=T.AFTER_DELIVERY), [line(None)], request())
    assert deferred.invoices == ()


def test_a_ddt_line_of_an_immediate_customer_is_deferred_citing_its_ddt():
    """The ledger gives a DDT line of a customer invoiced *Immediato* only when its order was
    never invoiced at the order (made before the customer turned *Immediato*): it was read as
    covered by the order's own invoice, and the run then billed the order line as an invoice at
    the order dated the run's day (TD01, in the next month's VAT, citing no DDT)."""
    [invoice] = plan(master_with(invoice_terms=T.IMMEDIATE), [line(date(2026, 4, 9), ddt=7)], request()).invoices
    assert (invoice.invoice_date, [line.delivery.number for line in invoice.lines if line.delivery]) == (
        date(2026, 4, 30), ["DDT-2026-00007"])


@pytest.mark.parametrize("schedule, day, expected", [
    (InvoiceSchedule.MONTHLY, date(2026, 2, 10), (date(2026, 2, 1), date(2026, 2, 28))),
    (InvoiceSchedule.MONTHLY, date(2028, 2, 29), (date(2028, 2, 1), date(2028, 2, 29))),
    (InvoiceSchedule.BIWEEKLY, date(2026, 4, 15), (date(2026, 4, 1), date(2026, 4, 15))),
    (InvoiceSchedule.BIWEEKLY, date(2026, 4, 16), (date(2026, 4, 16), date(2026, 4, 30))),
    (InvoiceSchedule.BIWEEKLY, date(2026, 2, 28), (date(2026, 2, 16), date(2026, 2, 28))),
    (InvoiceSchedule.WEEKLY, date(2026, 4, 8), (date(2026, 4, 6), date(2026, 4, 12))),
    (InvoiceSchedule.WEEKLY, date(2026, 4, 6), (date(2026, 4, 6), date(2026, 4, 12))),
    (InvoiceSchedule.WEEKLY, date(2026, 4, 12), (date(2026, 4, 6), date(2026, 4, 12))),
    (InvoiceSchedule.WEEKLY, date(2026, 3, 31), (date(2026, 3, 30), date(2026, 3, 31))),
    (InvoiceSchedule.WEEKLY, date(2026, 4, 1), (date(2026, 4, 1), date(2026, 4, 5))),
])
def test_schedule_periods_never_cross_a_month(schedule, day, expected):
    period = schedule_period(schedule, day)
    assert (period.start, period.end) == expected


@pytest.mark.parametrize("day, deadline", [
    (date(2026, 4, 1), date(2026, 5, 15)), (date(2026, 4, 30), date(2026, 5, 15)), (date(2026, 12, 31), date(2027, 1, 15)),
])
def test_deferred_invoice_deadline_is_the_15th_of_the_next_month(day, deadline):
    assert deadline_for(day) == deadline


@pytest.mark.parametrize("setting, expected", [
    (None, DeferredInvoiceDate.MONTH_END), ("emissione", DeferredInvoiceDate.ISSUE),
    ("Issue date", DeferredInvoiceDate.ISSUE), ("Fine mese", DeferredInvoiceDate.MONTH_END),
])
def test_the_deferred_invoice_date_comes_from_the_settings(setting, expected):
    """Impostazioni › Data fattura differita, read as the data check reads the cell."""
    from toolkit.model.records import Settings, validate

    values = {"company_name": "Rossi S.r.l.", "vat_number": "00743110157", "address": "Via Roma 1",
              "postcode": "20121", "city": "Milano"}
    if setting is not None:
        values["deferred_invoice_date"] = setting
    assert validate(Settings, values).deferred_invoice_date is expected


def test_a_deferred_invoice_date_the_toolkit_does_not_know_is_refused():
    from pydantic import ValidationError

    from toolkit.model.records import Settings, validate

    with pytest.raises(ValidationError, match="deferred_invoice_date"):
        validate(Settings, {"company_name": "Rossi S.r.l.", "vat_number": "00743110157", "address": "Via Roma 1",
                            "postcode": "20121", "city": "Milano", "deferred_invoice_date": "sometimes"})


def test_a_run_dates_every_deferred_invoice_alike_and_numbers_follow_dates():
    master = master_with(invoice_terms=T.CUSTOMER_SCHEDULE, invoice_schedule=InvoiceSchedule.WEEKLY)
    lines = [line(date(2026, 4, d)) for d in (2, 9, 16, 23)] + [line(date(2026, 4, 10), qty="-1")]
    for rule, day in ((DeferredInvoiceDate.MONTH_END, date(2026, 4, 30)), (DeferredInvoiceDate.ISSUE, AFTER_APRIL)):
        invoices = plan(master, lines, request(deferred_date=rule)).invoices
        assert {x.invoice_date for x in invoices} == {day} and len(invoices) == 5
        assert [x.period.start for x in invoices if x.kind is InvoiceKind.INVOICE] == sorted(
            x.period.start for x in invoices if x.kind is InvoiceKind.INVOICE)


@pytest.mark.parametrize("today, late", [(date(2026, 5, 15), False), (date(2026, 5, 16), True)])
def test_late_deferred_invoice_is_reported(today, late):
    result = plan(master_with(invoice_terms=T.AFTER_DELIVERY), [line(date(2026, 4, 3))], request(today=today))
    assert any(p.code == "late-deferred-invoice" for p in result.problems) is late
    assert len(result.invoices) == 1


def test_late_warning_uses_the_chosen_date_too():
    result = plan(master_with(invoice_terms=T.AFTER_DELIVERY), [line(date(2026, 4, 3))],
                  request(today=date(2026, 5, 20), invoice_date=date(2026, 5, 20)))
    assert [p.code for p in result.problems] == ["late-deferred-invoice"]


# ---- grouping


G = InvoiceGrouping
GROUPING_CASES = [
    (G.CUSTOMER, [dict(project="A", ship_to="D1"), dict(project="B", ship_to="D2")], [None]),
    (G.PROJECT, [dict(project="A"), dict(project="A"), dict(project="B"), dict(project=None)],
     ["project:", "project:A", "project:B"]),
    (G.SHIPPING_ADDRESS, [dict(ship_to="D1"), dict(ship_to="D2"), dict(ship_to="D1")], ["ship-to:D1", "ship-to:D2"]),
]


@pytest.mark.parametrize("grouping, lines, keys", GROUPING_CASES)
def test_grouping(grouping, lines, keys):
    master = master_with(invoice_terms=T.AFTER_DELIVERY, invoice_grouping=grouping)
    result = plan(master, [line(**fields) for fields in lines], request())
    assert sorted((x.group_key for x in result.invoices), key=lambda k: k or "") == keys
    assert sum(len(x.lines) for x in result.invoices) == len(lines)


def test_group_key_is_stable_text():
    assert group_key(G.PROJECT, line(project="PRJ-A")) == "project:PRJ-A"
    assert group_key(G.CUSTOMER, line(project="PRJ-A")) is None


def test_one_invoice_cites_every_ddt_it_covers_once():
    master = master_with(invoice_terms=T.AFTER_DELIVERY)
    lines = [line(date(2026, 4, 3), ddt=7), line(date(2026, 4, 3), ddt=7), line(date(2026, 4, 20), ddt=9)]
    [invoice] = plan(master, lines, request()).invoices
    assert [(d.number, d.day) for d in invoice.deliveries] == [("DDT-2026-00007", date(2026, 4, 3)),
                                                                ("DDT-2026-00009", date(2026, 4, 20))]
    assert invoice.deferred


# ---- returns


def test_returns_go_to_a_credit_note_beside_the_invoice():
    master = master_with(invoice_terms=T.AFTER_DELIVERY)
    result = plan(master, [line(qty="5", price="2"), line(qty="-2", price="2")], request())
    kinds = {x.kind: x for x in result.invoices}
    assert set(kinds) == {InvoiceKind.INVOICE, InvoiceKind.CREDIT_NOTE}
    note = kinds[InvoiceKind.CREDIT_NOTE]
    assert (note.taxable, note.vat, note.total) == (D("-4.00"), D("-0.88"), D("-4.88"))
    assert note.dues == () and not note.deferred and note.deadline is None


def test_zero_quantity_lines_make_no_document():
    assert plan(master_with(invoice_terms=T.AFTER_DELIVERY), [line(qty="0")], request()).invoices == ()


# ---- VAT: the exchange system's rule


VAT_CASES = [
    pytest.param([("1", "3993.64", "10", None)], "3993.64", "399.36", "4393.00", id="3993.64-at-10"),
    pytest.param([("1", "0.15", "10", None)] * 3, "0.45", "0.05", "0.50", id="per-rate-not-per-line"),
    pytest.param([("1", "0.05", "10", None)], "0.05", "0.01", "0.06", id="half-up-not-half-even"),
    pytest.param([("3", "1.235", "22", None)], "3.71", "0.82", "4.53", id="line-amount-half-up"),
    pytest.param([("2.5", "3.333", "4", None)], "8.33", "0.33", "8.66", id="decimal-quantity"),
    pytest.param([("1", "100", "22", None), ("1", "50", "4", None), ("1", "12", "0", "N4")],
                 "162.00", "24.00", "186.00", id="mixed-rates-and-exempt"),
    pytest.param([("-1", "3993.64", "10", None)], "-3993.64", "-399.36", "-4393.00", id="credit-note-symmetric"),
    pytest.param([("7", "0.333333", "22", None), ("11", "0.777777", "22", None)], "10.89", "2.40", "13.29",
                 id="six-decimal-prices"),
]


@pytest.mark.parametrize("lines, taxable, vat, total", VAT_CASES)
def test_vat_per_rate_rounded_half_up(lines, taxable, vat, total):
    master = master_with()
    kind = InvoiceKind.CREDIT_NOTE if lines[0][0].startswith("-") else InvoiceKind.INVOICE
    billables = [line(qty=q, price=p, rate=r, nature=n) for q, p, r, n in lines]
    invoice = build_invoice(master.customers[0], kind, None, APRIL, APRIL.end, billables)
    assert (invoice.taxable, invoice.vat, invoice.total) == (D(taxable), D(vat), D(total))
    for x in invoice.lines:
        assert x.amount == cents(x.quantity * x.unit_price)


def test_per_line_rounding_would_differ():
    """Three lines of 0.15 at 10 %: rounding each line's VAT gives 0.06, the rule gives 0.05."""
    per_line = sum(cents(D("0.15") * D("0.10")) for _ in range(3))
    master = master_with()
    invoice = build_invoice(master.customers[0], InvoiceKind.INVOICE, None, APRIL, APRIL.end,
                            [line(qty="1", price="0.15", rate="10") for _ in range(3)])
    assert per_line == D("0.06") and invoice.vat == D("0.05")


# ---- payment terms on the invoice


PAYMENT_CASES = [
    ("IMM", [(date(2026, 4, 30), "100.00")]),
    ("30", [(date(2026, 5, 30), "100.00")]),
    ("60", [(date(2026, 6, 29), "100.00")]),
    ("30FM", [(date(2026, 6, 1), "100.00")]),  # 31 May 2026 is a Sunday
    ("FM+30", [(date(2026, 5, 30), "100.00")]),
    ("30FM+10", [(date(2026, 6, 10), "100.00")]),
    ("MS10", [(date(2026, 5, 11), "100.00")]),  # 10 May 2026 is a Sunday
    ("30/60/90", [(date(2026, 5, 30), "33.33"), (date(2026, 6, 29), "33.33"), (date(2026, 7, 29), "33.34")]),
]


@pytest.mark.parametrize("code, dues", PAYMENT_CASES)
def test_dues_follow_the_customer_payment_terms(code, dues):
    master = master_with(payment_terms=code)
    invoice = build_invoice(master.customers[0], InvoiceKind.INVOICE, None, APRIL, date(2026, 4, 30),
                            [line(qty="1", price="100", rate="0", nature="N4")])
    assert [(x.due_date, x.amount) for x in invoice.dues] == [(d, D(a)) for d, a in dues]
    assert sum(x.amount for x in invoice.dues) == invoice.total



COD = PaymentMethod.CASH_ON_DELIVERY


@pytest.mark.parametrize("terms", ["30FM", "MS10", "30/60/90", "IMM"])
def test_cash_on_delivery_falls_due_on_each_deliverys_day_whatever_the_terms(terms):
    """The driver collects each DDT's amount when it arrives: a month's deferred invoice is due
    on the DDTs' days (two on the 9th make one due), each with its own VAT, not a month after
    the invoice, each as its DDTs asked; the stamp duty it charges and VAT's rounding cent, which
    no driver knew, fall due on the invoice's date."""
    customer = master_with(payment_method=COD, payment_terms=terms).customers[0]
    lines = [line(date(2026, 4, 9), qty="1", price="10.00", ddt=1), line(date(2026, 4, 9), qty="1", price="0.07", ddt=2),
             line(date(2026, 4, 16), qty="1", price="0.07", ddt=3),
             line(date(2026, 4, 16), qty="1", price="90", rate="0", nature="N4", ddt=3)]
    invoice = build_invoice(customer, InvoiceKind.INVOICE, None, APRIL, APRIL.end, lines, charge_stamp_duty=True)
    assert (invoice.payment_method, invoice.payment_terms) == (COD, "CONSEGNA")
    assert (invoice.vat, invoice.total) == (D("2.23"), D("104.37"))       # 22% of 10.14, 2.00 of stamp duty
    assert [(x.due_date, x.amount) for x in invoice.dues] == [
        (date(2026, 4, 9), D("12.29")),     # 10.07 and its 2.22 of VAT
        (date(2026, 4, 16), D("90.09")),    # 0.07 + 90, and 0.02 of VAT
        (APRIL.end, D("1.99"))]             # 2.00 of stamp duty, 22% of the whole a cent less than the days' VAT
    assert sum(x.amount for x in invoice.dues) == invoice.total


def test_cash_on_delivery_dues_stay_positive_when_the_wholes_vat_rounds_below_the_days_by_more_than_a_day():
    """A 0.07 € item delivered every day of April, each DDT asking 0.09 (its 0.0154 of VAT rounded
    up): 22% of the month's 2.10 is 0.46, fourteen cents below the days' 0.60. Taken off the last
    due alone, the 30th fell due -0.05 €, a negative ImportoPagamento in the e-invoice."""
    customer = master_with(payment_method=COD, payment_terms="30FM").customers[0]
    lines = [line(date(2026, 4, day), qty="1", price="0.07", ddt=day) for day in range(1, 31)]
    invoice = build_invoice(customer, InvoiceKind.INVOICE, None, APRIL, APRIL.end, lines)
    assert (invoice.vat, invoice.total) == (D("0.46"), D("2.56"))
    assert [(x.due_date, x.amount) for x in invoice.dues] == [
        *((date(2026, 4, day), D("0.09")) for day in range(1, 29)), (date(2026, 4, 29), D("0.04"))]
    assert sum(x.amount for x in invoice.dues) == invoice.total


def test_a_template_paid_cash_on_delivery_leaves_the_customer_terms_to_their_other_orders():
    customer = master_with(payment_terms="30FM").customers[0]
    paid_on_delivery = replace(line(date(2026, 4, 9), qty="1", price="100", rate="0", nature="N4"), payment_method=COD)
    [cod] = build_invoice(customer, InvoiceKind.INVOICE, None, APRIL, APRIL.end, [paid_on_delivery]).dues
    [usual] = build_invoice(customer, InvoiceKind.INVOICE, None, APRIL, APRIL.end,
                            [line(date(2026, 4, 9), qty="1", price="100", rate="0", nature="N4")]).dues
    assert (cod.due_date, usual.due_date) == (date(2026, 4, 9), date(2026, 6, 1))  # 31 May 2026, a Sunday


def test_terms_at_delivery_fall_due_on_the_deliveries_whatever_the_method_and_keep_their_words():
    """*Alla consegna* with cash the driver takes: the terms say when, the method how."""
    customer = master_with(payment_method=PaymentMethod.CASH, payment_terms="Alla consegna").customers[0]
    invoice = build_invoice(customer, InvoiceKind.INVOICE, None, APRIL, APRIL.end,
                            [line(date(2026, 4, 9), qty="1", price="100", rate="0", nature="N4")])
    assert invoice.payment_terms == "Alla consegna"
    assert [(x.due_date, x.amount) for x in invoice.dues] == [(date(2026, 4, 9), D("100.00"))]


def test_cash_on_delivery_invoiced_at_the_order_falls_due_on_the_orders_day():
    customer = master_with(payment_method=COD, payment_terms="60").customers[0]
    invoice = build_invoice(customer, InvoiceKind.INVOICE, None, APRIL, date(2026, 4, 14),
                            [line(None, order_date=date(2026, 4, 14))])
    assert [(x.due_date, x.amount) for x in invoice.dues] == [(date(2026, 4, 14), invoice.total)]

# ---- what the user asked


@pytest.mark.parametrize("asked, code", [
    ({"invoice_date": date(2026, 5, 3)}, "invoice-date-in-future"),
    ({"invoice_date": date(2026, 3, 31)}, "invoice-date-before-month"),
    ({"customer": "C999"}, "invoice-unknown-customer-option"),
    ({"released": frozenset({"C999"})}, "invoice-unknown-customer-option"),
])
def test_bad_requests_are_errors_and_plan_nothing(asked, code):
    result = plan(master_with(invoice_terms=T.AFTER_DELIVERY), [line()], request(**asked))
    assert [p.code for p in result.problems] == [code]
    assert result.invoices == ()


def test_releasing_a_customer_that_is_not_held_is_a_warning():
    result = plan(master_with(invoice_terms=T.AFTER_DELIVERY), [line()], request(released=frozenset({"C001"})))
    assert [(p.code, p.is_error) for p in result.problems] == [("invoice-release-not-held", False)]
    assert len(result.invoices) == 1


def test_customers_missing_from_the_master_are_left_out_and_the_rest_invoiced():
    gone = [line(date(2026, 4, 8), customer="C404", ddt=7), line(date(2026, 4, 3), customer="C404", ddt=5),
            line(date(2026, 4, 8), customer="C404", ddt=7)]
    result = plan_invoices(master_with(invoice_terms=T.AFTER_DELIVERY), shipments_of([line(), *gone]), request(),
                           issued_names={"C404": "Trattoria Sparita S.r.l."})
    assert [(x.customer, x.total) for x in result.invoices] == [("C001", D("12.20"))]
    (left,) = result.left_out
    assert (left.customer, left.name, [d.number for d in left.deliveries], left.lines) == (
        "C404", "Trattoria Sparita S.r.l.", ["DDT-2026-00005", "DDT-2026-00007"], 3)
    (problem,) = result.problems
    assert problem.code == "invoice-unknown-customer" and problem.is_error and result.stopping == []
    assert problem.message("it").startswith(
        "Il cliente C404 (Trattoria Sparita S.r.l.) non è più nel foglio Clienti ma ha DDT da fatturare "
        "(DDT-2026-00005, DDT-2026-00007): resta fuori da questa fatturazione, gli altri clienti no. "
        "Rimetti la sua riga in Clienti finché i suoi DDT non sono fatturati")
    assert problem.message("en").startswith("Customer C404 (Trattoria Sparita S.r.l.) is no longer on the Customers")


def test_a_customer_missing_whose_ddts_kept_no_parties_is_named_by_code():
    result = plan(master_with(invoice_terms=T.AFTER_DELIVERY), [line(customer="C404", ddt=3)], request())
    assert result.invoices == () and [x.name for x in result.left_out] == [None]
    assert result.problems[0].message("en").startswith(
        "Customer C404 is no longer on the Customers sheet but has DDTs to invoice (DDT-2026-00003)")


def test_a_customer_missing_with_services_rendered_waiting_is_not_told_they_are_ddts():
    """A record of services rendered (series SERVIZI) is no DDT: the message said *ha DDT da fatturare (SERVIZI-…)*."""
    services = replace(line(customer="C404"), delivery=DeliveryRef(9, "SERVIZI-2026-00001", date(2026, 4, 9)))
    result = plan(master_with(invoice_terms=T.AFTER_DELIVERY), [line(customer="C404", ddt=3), services], request())
    (problem,) = result.problems
    assert "ma ha DDT o servizi resi da fatturare (DDT-2026-00003, SERVIZI-2026-00001)" in problem.message("it")
    assert "but has DDTs or services rendered to invoice (DDT-2026-00003, SERVIZI-2026-00001)" in problem.message("en")


def test_an_error_of_the_request_still_stops_the_run_whoever_is_left_out():
    result = plan(master_with(invoice_terms=T.AFTER_DELIVERY), [line(customer="C404")],
                  request(invoice_date=date(2026, 3, 31)))
    assert [p.code for p in result.stopping] == ["invoice-date-before-month"]


def test_customer_option_restricts_the_run():
    master = master_with(invoice_terms=T.AFTER_DELIVERY)
    result = plan(master, [line(), line(customer="C002")], request(customer="C001"))
    assert [x.customer for x in result.invoices] == ["C001"]


def test_invoices_are_numbered_in_date_order():
    master = master_with(invoice_terms=T.CUSTOMER_SCHEDULE, invoice_schedule=InvoiceSchedule.WEEKLY)
    result = plan(master, [line(date(2026, 4, 20)), line(date(2026, 4, 2)), line(date(2026, 4, 9))], request())
    dates = [x.invoice_date for x in result.invoices]
    assert dates == sorted(dates) and len(dates) == 3


# ---- ledger helpers for the other invoicing tests


def make_order(ledger, customer: str, day: date, lines, *, template: str | None = None, project: str | None = None,
               ship_to: str | None = None, document_type=None, series: str = "OC"):
    """An order straight into the ledger: `lines` are (item, qty, unit price, VAT rate, nature).
    Returns the order id and its line ids."""
    from sqlalchemy import select

    from toolkit.basics.vocab import DocumentType, PriceType
    from toolkit.core.drafts import DraftLine, OrderDraft
    from toolkit.core.orders import OrderStatus
    from toolkit.ledger import schema
    from toolkit.ledger.db import reading, writing
    from toolkit.ledger.orders import insert_orders

    drafts = tuple(
        DraftLine(item, f"Articolo {item}", "pz", D(q), D(p), line_amount(D(q), D(p)), D(r), nature, n, None)
        for n, (item, q, p, r, nature) in enumerate(lines, start=1))
    draft = OrderDraft(template or f"X{next(_ids)}", day, customer, ship_to, None, document_type or DocumentType.STANDARD,
                       "BASE", "2026A", PriceType.STANDARD, project, None, drafts)
    with writing(ledger) as conn:
        ((order_id, _),) = insert_orders(conn, [draft], series, [OrderStatus.IN_PROGRESS], lang="it")
    with reading(ledger) as conn:
        ids = conn.execute(select(schema.order_lines.c.id).where(schema.order_lines.c.order_id == order_id)
                           .order_by(schema.order_lines.c.line_no)).scalars().all()
    return order_id, list(ids)


def ship(ledger, customer: str, day: date, lines, *, ship_to: str | None = None, series: str = "DDT") -> str:
    """A DDT straight into the ledger: `lines` are (order line id, quantity). Returns its number."""
    from sqlalchemy import insert, update

    from toolkit.ledger import schema, shipped_by_day
    from toolkit.ledger.db import document_number, draw_numbers, writing

    with writing(ledger) as conn:
        [number] = draw_numbers(conn, [(series, day.year)])
        delivery_id = conn.execute(insert(schema.deliveries).values(
            series=series, year=day.year, number=number, delivery_date=day, customer=customer, ship_to=ship_to,
            reason="vendita", created_at=datetime(2026, 1, 1), created_by="test",
        ).returning(schema.deliveries.c.id)).scalar_one()
        conn.execute(insert(schema.delivery_lines), [
            dict(delivery_id=delivery_id, order_line_id=line_id, quantity=D(qty)) for line_id, qty in lines])
        ol = schema.order_lines.c
        for line_id, qty in lines:  # the kept sums of the DDT lines, as store_drafts keeps them
            conn.execute(update(schema.order_lines).where(ol.id == line_id).values(shipped=ol.shipped + D(qty)))
        shipped_by_day.add_deliveries(conn, [delivery_id])
    return document_number(series, day.year, number)


def ship_orders(ledger, orders, day: date | None = None) -> list[str]:
    """Ship every line of each order in full, one DDT per order on its date (or `day`)."""
    return [ship(ledger, o.customer, day or o.order_date, [(x.id, x.quantity) for x in o.lines], ship_to=o.ship_to)
            for o in orders]


def ship_open_orders(master, ledger, days) -> int:
    """The real shipping service, run on each day in turn for every open order up to it: what a
    user pressing "ship" every day would get. Returns how many DDTs it made."""
    from toolkit.services.shipping import ship as ship_service

    made = 0
    for day in sorted(set(days)):
        done = ship_service(master, ledger, day, all_open=True, lang="it")
        assert not [p for p in done.problems if p.is_error], [str(p) for p in done.problems]
        made += len(done.notes)
    return made


def test_late_invoices_are_reported_once_per_month_of_deliveries():
    master = master_with(invoice_terms=T.AFTER_DELIVERY)
    lines = [line(date(2026, 3, 3)), line(date(2026, 4, 3)), line(date(2026, 4, 5), customer="C002")]
    master = master.model_copy(update={"customers": (master.customers[0], replace(
        master.customers[1], invoice_terms=T.AFTER_DELIVERY))})
    result = plan(master, lines, request(today=date(2026, 6, 1)))
    late = [p for p in result.problems if p.code == "late-deferred-invoice"]
    assert [dict(p.params)["customers"] for p in late] == [["C001"], ["C001", "C002"]]
    assert "03/2026" in late[0].message() and "04/2026" in late[1].message("en")


def test_a_month_of_more_lines_than_an_e_invoice_numbers_makes_several_invoices_each_one_sendable():
    """FatturaPA numbers an invoice's lines up to 9999: a month of 10,001 lines (a chain's shops
    on one invoice) was one invoice, issued and numbered, whose e-invoice the checks refused for
    ever (DettaglioLinee[10000]/NumeroLinea). It is two invoices now, every line on one of them
    in the invoice's order, each with its own stamp duty and dues, each file passing the checks."""
    from dataclasses import replace as replaced

    from einvoice_factories import tree

    from toolkit.core.einvoice.checks import check as einvoice_problems

    master = master_with(invoice_terms=T.AFTER_DELIVERY)
    lines = [line(date(2026, 4, 1 + (n // 20) % 28), price="1.00", qty="1", ddt=n // 20 + 1, order=n // 20 + 1)
             for n in range(10_001)]
    invoices = plan(master, lines, request()).invoices
    assert [len(x.lines) for x in invoices] == [9998, 3]
    assert sorted(ln.delivery_line_id for x in invoices for ln in x.lines) == [b.delivery_line_id for b in lines]
    days = [ln.delivery.day for x in invoices for ln in x.lines if ln.delivery]
    assert days == sorted(days) and days[-1] == date(2026, 4, 28)
    assert sum((x.taxable for x in invoices), D(0)) == D("10001.00")
    assert [sum((d.amount for d in x.dues), D(0)) for x in invoices] == [x.total for x in invoices]
    for n, invoice in enumerate(invoices, start=1):
        numbered = replaced(invoice, number=f"FT-2026-{n:05d}")
        assert einvoice_problems(tree(numbered, progressive=f"{n:05d}")) == []


def test_the_parts_of_a_long_invoice_are_numbered_as_their_lines_follow():
    """The parts went to numbering by their first line's order number: when the month's later
    DDTs shipped older orders, the part holding the last DDTs took the first number, and the
    register read the month's end before its beginning."""
    master = master_with(invoice_terms=T.AFTER_DELIVERY)
    lines = [line(date(2026, 4, 1 + n // 400), price="1.00", qty="1", ddt=n // 20 + 1, order=600 - n // 20)
             for n in range(10_001)]
    invoices = plan(master, lines, request()).invoices
    assert [(len(x.lines), x.lines[0].delivery.day) for x in invoices] == [(9998, date(2026, 4, 1)),
                                                                           (3, date(2026, 4, 25))]


def test_the_parts_of_a_long_invoice_take_consecutive_numbers_beside_another_invoice_of_the_customer():
    """A customer's invoice paid another way, whose first DDT fell between the parts' first
    DDTs, was numbered between them: docs/invoicing.md (*Invoice dates: numbers in date order*) promises
    the parts consecutive numbers."""
    master = master_with(invoice_terms=T.AFTER_DELIVERY)
    lines = [line(date(2026, 4, 1 + n // 400), price="1.00", qty="1", ddt=n // 20 + 1) for n in range(10_001)]
    cash = replace(line(date(2026, 4, 10), ddt=900), payment_method=PaymentMethod.CASH_ON_DELIVERY)
    invoices = plan(master, [*lines, cash], request()).invoices
    methods = [x.payment_method for x in invoices]
    assert [len(x.lines) for x in invoices] == ([9998, 3, 1] if methods[0] is not PaymentMethod.CASH_ON_DELIVERY
                                                else [1, 9998, 3])


def test_a_sale_before_its_letter_of_intent_is_invoiced_with_vat_and_warned_at_the_letters_date():
    """The invoice of April's deliveries cited a letter dated after some of them and sold those
    without VAT too (N3.5), with a warning only: the letter covers only the sales after it (art. 1
    c. 1 lett. c DL 746/83), so the VAT was omitted. The line of 8 April now carries its item's
    22 %, the one of 20 April stays N3.5, and the run says so at the letter's date, naming the
    customer, both days and the amount; a letter dated before the first delivery is clean."""
    sheets = minimal.sheets()
    for cell, value in (("K1", "Natura IVA"), ("K2", "N3.5"), ("L1", "Protocollo dichiarazione d'intento"),
                        ("L2", "26011512345678901-000001"), ("M1", "Data dichiarazione d'intento"),
                        ("M2", date(2026, 4, 9))):
        minimal.set_cell(sheets, "Clienti", cell, value)
    base = check(minimal.workbook(sheets)).master
    master = base.model_copy(update={"customers": (replace(base.customers[0], invoice_terms=T.AFTER_DELIVERY),
                                                   *base.customers[1:])})
    sales = [line(date(2026, 4, 8), rate="0", nature="N3.5"), line(date(2026, 4, 20), rate="0", nature="N3.5")]
    result = plan(master, sales, request())
    [problem] = [p for p in result.problems if p.code == "letter-of-intent-after-sale"]
    assert (problem.sheet, problem.cell, problem.is_error) == ("Clienti", "M2", False)
    assert "C001" in problem.message() and "09/04/2026" in problem.message() and "08/04/2026" in problem.message()
    assert "IVA" in problem.message() and "VAT" in problem.message("en")
    [invoice] = result.invoices
    assert [(x.delivery.day, x.vat_rate, x.vat_nature) for x in invoice.lines] == [
        (date(2026, 4, 8), D(22), None), (date(2026, 4, 20), D(0), "N3.5")]
    assert (invoice.vat, invoice.total) == (D("2.20"), D("22.20"))
    clean = plan(master, sales[1:], request())
    assert not [p for p in clean.problems if p.code == problem.code]
    assert [x.vat_nature for x in clean.invoices[0].lines] == ["N3.5"]


def test_an_order_invoiced_at_the_order_with_more_lines_than_an_e_invoice_numbers_makes_several_invoices():
    """Month end split a long invoice, but an order invoiced at the order (immediate terms, POS)
    stayed one invoice of 10,001 lines, numbered and never sendable."""
    from toolkit.core.invoicing import order_invoices

    master = master_with(invoice_terms=T.IMMEDIATE)
    lines = [line(None, price="1.00", qty="1", order=7) for _ in range(10_001)]
    invoices = order_invoices(master, lines, date(2026, 4, 9))
    assert [len(x.lines) for x in invoices] == [9998, 3]
    assert [ln.order_line_id for x in invoices for ln in x.lines] == [b.order_line_id for b in lines]
