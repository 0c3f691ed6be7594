"""Reports (`toolkit report`): every total is the ledger's to the cent, the charts point at
the cells that hold their data, and the PDF page shows the charts."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from desks import copied_desk
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from toolkit.core import stamp_duty
from toolkit.core.lines import line_amount
from toolkit.core.payments import Show, monitor
from toolkit.core.reports import (
    AGING_DIMENSIONS,
    BUCKETS,
    DIMENSIONS,
    Compare,
    Kind,
    Request,
    bucket,
    comparison_period,
)
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading
from toolkit.ledger.invoices import load_invoices
from toolkit.ledger.orders import load_orders
from toolkit.services import check
from toolkit.services.payments import load_receivables
from toolkit.services.reports import build, report
from toolkit.services.session import start

CENT = Decimal("0.01")
SECOND_HALF = (date(2026, 4, 16), date(2026, 4, 30))
FIRST_HALF = (date(2026, 4, 1), date(2026, 4, 15))
AS_OF = date(2026, 7, 15)


@pytest.fixture(scope="module")
def april(tmp_path_factory):
    """April on the sample (the demo's month), with two payments recorded in June."""
    from toolkit.services.demo import month

    out = tmp_path_factory.mktemp("reports")
    from toolkit.services.sample import write_sample

    workbook = write_sample(out)
    session = start(check.check_file(workbook), workbook, None)
    month(session.master, session.ledger, out, "it")
    from toolkit.core.payments import PaymentEntry
    from toolkit.services.payments import record

    unpaid = [r for r in monitor(load_receivables(session.ledger), AS_OF, Show.UNPAID) if r.total > 0]
    entries = [PaymentEntry(unpaid[0].number, date(2026, 6, 10), unpaid[0].total),
               PaymentEntry(unpaid[1].number, date(2026, 6, 12), (unpaid[1].total / 2).quantize(CENT))]
    assert not any(p.is_error for p in record(session.ledger, entries).problems)
    return out, session


def _euro(cents: int | None) -> Decimal:
    assert cents is not None
    return Decimal(int(cents)).scaleb(-2)


def _ledger_sales(ledger, first: date, last: date) -> Decimal:
    with reading(ledger) as conn:
        orders = load_orders(conn)
    return sum((o.amount for o in orders if first <= o.order_date <= last
                and o.status.value not in ("draft", "not-accepted", "voided")
                and o.document_type.value not in ("quotation", "proposal")), Decimal(0))


SERVICES_RENDERED = "SERVIZI"
"""The series of services rendered, which travel on no DDT: no shipment (docs/orders.md,
*Services travel on no DDT*)."""


def _ledger_shipments(ledger, first: date, last: date) -> Decimal:
    d, dl, ol = schema.deliveries.c, schema.delivery_lines.c, schema.order_lines.c
    with reading(ledger) as conn:
        rows = conn.execute(select(dl.quantity, ol.unit_price).select_from(
            schema.delivery_lines.join(schema.deliveries, dl.delivery_id == d.id)
            .join(schema.order_lines, dl.order_line_id == ol.id)).where(
                d.delivery_date.between(first, last), d.series != SERVICES_RENDERED)).all()
    return sum((line_amount(q, p) for q, p in rows), Decimal(0))


def _ledger_invoiced(ledger, first: date, last: date) -> Decimal:
    with reading(ledger) as conn:
        invoices = load_invoices(conn)
    return sum((i.taxable - sum((x.amount for x in i.lines if _stamp_duty(x.order_line_id, x.description)), Decimal(0))
                for i in invoices if first <= i.invoice_date <= last), Decimal(0))


def _stamp_duty(order_line: int | None, description: str) -> bool:
    """The stamp duty charged to a customer, or a credit note's line giving it back: no sale."""
    return order_line is None and description.startswith(stamp_duty.CHARGE_WORDS)


LEDGER_TOTALS = {Kind.SALES: _ledger_sales, Kind.SHIPMENTS: _ledger_shipments, Kind.INVOICES: _ledger_invoiced,
                 Kind.CUSTOMER_PRODUCTS: _ledger_invoiced}


@pytest.mark.parametrize("kind", list(LEDGER_TOTALS))
@pytest.mark.parametrize("by", [(), ("item", "customer"), ("zone", "category", "month")])
def test_every_total_is_the_ledger_s(april, kind, by):
    _, session = april
    made = build(session.master, session.ledger, Request(kind, *SECOND_HALF, by, Compare.PREVIOUS))
    expected = LEDGER_TOTALS[kind](session.ledger, *SECOND_HALF)
    assert expected != 0
    assert _euro(made.total) == expected
    assert _euro(made.compare_total) == LEDGER_TOTALS[kind](session.ledger, *FIRST_HALF)
    assert int(made.table["amount"].sum()) == made.total
    assert int(made.table["compare_amount"].sum()) == made.compare_total
    now = made.data["period"] == "current"
    assert int(made.data.loc[now, "amount"].sum()) == made.total
    assert int(made.timeline["amount"].sum()) == made.total
    assert int(made.timeline["compare_amount"].sum()) == made.compare_total


VOLUME_DISCOUNTS = "Sconti di volume"
"""The row of the volume discounts' credit notes, by item and by category."""


def _ledger_lines(ledger, kind: Kind, first: date, last: date) -> list[tuple[date, str, str, Decimal, Decimal]]:
    """Every line the kind sums, one by one, as the rest of the toolkit reads them (`Decimal`):
    day, customer, item, quantity, amount."""
    o, ol = schema.orders.c, schema.order_lines.c
    d, dl = schema.deliveries.c, schema.delivery_lines.c
    i, il = schema.invoices.c, schema.invoice_lines.c
    with reading(ledger) as conn:
        if kind is Kind.SALES:
            rows = conn.execute(select(o.order_date, o.customer, ol.item, ol.quantity, ol.amount).select_from(
                schema.order_lines.join(schema.orders, ol.order_id == o.id)).where(
                o.order_date.between(first, last), o.status.not_in(("draft", "not-accepted", "voided")),
                o.document_type.not_in(("quotation", "proposal")))).all()
        elif kind is Kind.SHIPMENTS:
            rows = [(day, customer, item, q, line_amount(q, p)) for day, customer, item, q, p in conn.execute(
                select(d.delivery_date, d.customer, ol.item, dl.quantity, ol.unit_price).select_from(
                    schema.delivery_lines.join(schema.deliveries, dl.delivery_id == d.id)
                    .join(schema.order_lines, dl.order_line_id == ol.id))
                .where(d.delivery_date.between(first, last), d.series != SERVICES_RENDERED)).all()]
        else:
            notes = set(conn.execute(select(schema.volume_settlements.c.credit_note_id)).scalars())
            rows = [(day, customer, VOLUME_DISCOUNTS if note in notes else item, Decimal(0) if note in notes else q,
                     amount) for day, customer, item, q, amount, order_line, description, note
                    in conn.execute(select(i.invoice_date, i.customer, il.item, il.quantity, il.amount,
                                           il.order_line_id, il.description, il.invoice_id).select_from(
                        schema.invoice_lines.join(schema.invoices, il.invoice_id == i.id)).where(
                        i.invoice_date.between(first, last))).all()
                    if not _stamp_duty(order_line, description)]
    return [tuple(r) for r in rows]


@pytest.mark.parametrize("kind", [Kind.SALES, Kind.SHIPMENTS, Kind.INVOICES])
@pytest.mark.parametrize("period, compare, expected_grain", [
    ((date(2026, 4, 16), date(2026, 7, 31)), Compare.LAST_YEAR, "month"),
    ((date(2026, 3, 1), date(2026, 5, 31)), Compare.PREVIOUS, "month"),
    ((date(2026, 4, 16), date(2026, 7, 31)), Compare.PREVIOUS, "day"),
    (SECOND_HALF, Compare.PREVIOUS, "day"),
])
def test_the_sums_the_database_makes_are_the_lines_sums(april, kind, period, compare, expected_grain):
    """The query sums the lines to the grain the report shows (by month over a long period):
    every row of the data sheet, both periods', is the sum of its lines read one by one."""
    from toolkit.services.reports import grain

    _, session = april
    request = Request(kind, *period, ("customer", "item", "month"), compare)
    compared = comparison_period(*period, compare)
    assert grain(request, compared) == expected_grain
    made = build(session.master, session.ledger, request)
    expected: dict[tuple[str, str, str, str], list[Decimal]] = {}
    for name, (first, last) in (("current", period), ("compare", compared)):
        for day, customer, item, quantity, amount in _ledger_lines(session.ledger, kind, first, last):
            sums = expected.setdefault((name, f"{day:%Y-%m}", customer, item), [Decimal(0), Decimal(0)])
            sums[0] += quantity
            sums[1] += amount
    found = {(str(r.period), str(r.month), str(r.customer), str(r.item)):
             [Decimal(int(r.quantity)).scaleb(-3), Decimal(int(r.amount)).scaleb(-2)]
             for r in made.data.itertuples()}
    assert found == expected
    assert any(key[0] == "current" for key in found)
    assert _euro(made.total) == sum((v[1] for k, v in expected.items() if k[0] == "current"), Decimal(0))
    assert int(made.timeline["amount"].sum()) == made.total
    assert int(made.timeline["compare_amount"].sum()) == made.compare_total


@pytest.mark.parametrize("kind", [Kind.SALES, Kind.SHIPMENTS, Kind.INVOICES])
def test_a_period_longer_than_a_year_compared_with_last_year_counts_the_shared_months_in_both(april, kind):
    """April 2026 – April 2027 against April 2025 – April 2026: April 2026 is in both, so it is
    the period's total and the comparison's, and the row of April 2027 holds it beside it; read
    in one query it was the period's alone, and the comparison came out 0,00 €."""
    _, session = april
    made = build(session.master, session.ledger, Request(kind, date(2026, 4, 1), date(2027, 4, 30), ("month",),
                                                         Compare.LAST_YEAR))
    april_total = LEDGER_TOTALS[kind](session.ledger, date(2026, 4, 1), date(2026, 4, 30))
    assert april_total != 0
    assert made.compared == (date(2025, 4, 1), date(2026, 4, 30))
    assert (_euro(made.total), _euro(made.compare_total)) == (april_total, april_total)
    rows = {r.month: (_euro(r.amount), _euro(r.compare_amount)) for r in made.table.itertuples()}
    assert rows == {"2026-04": (april_total, Decimal(0)), "2027-04": (Decimal(0), april_total)}
    assert _euro(int(made.timeline["compare_amount"].sum())) == april_total


@pytest.mark.parametrize("kind", [Kind.SALES, Kind.INVOICES])
def test_by_month_each_month_holds_the_comparison_moved_onto_it(april, kind):
    """16 April – 15 May against the 30 days before: April's row compares its second half with
    17–31 March, May's row its first half with 1–15 April, as the timeline lays them; each
    comparison month had a row of its own with nothing beside it ("n.d." change, −100 %)."""
    _, session = april
    period = (date(2026, 4, 16), date(2026, 5, 15))
    made = build(session.master, session.ledger, Request(kind, *period, ("month",), Compare.PREVIOUS))
    total = LEDGER_TOTALS[kind]
    rows = {r.month: (_euro(r.amount), _euro(r.compare_amount)) for r in made.table.itertuples()}
    assert rows == {"2026-04": (total(session.ledger, *SECOND_HALF), total(session.ledger, date(2026, 3, 17),
                                                                          date(2026, 3, 31))),
                    "2026-05": (total(session.ledger, date(2026, 5, 1), period[1]),
                                total(session.ledger, *FIRST_HALF))}
    assert rows["2026-05"][1] > 0


def test_filters_keep_only_the_customers_and_items_asked_for(april):
    _, session = april
    whole = build(session.master, session.ledger, Request(Kind.SALES, *SECOND_HALF, ("customer", "item")))
    first = whole.table.iloc[0]
    only = build(session.master, session.ledger, Request(Kind.SALES, *SECOND_HALF, ("customer", "item"),
                                                         customers=frozenset({first["customer"]}),
                                                         items=frozenset({first["item"]})))
    assert len(only.table) == 1 and only.total == int(first["amount"])


def test_aging_is_what_payment_monitoring_finds_open(april):
    _, session = april
    made = build(session.master, session.ledger, Request(Kind.AGING, date(2026, 1, 1), AS_OF))
    open_now = monitor(load_receivables(session.ledger), AS_OF, Show.UNPAID)
    assert _euro(made.total) == sum((r.outstanding for r in open_now), Decimal(0))
    assert int(made.table[list(BUCKETS)].sum().sum()) == made.total
    by_document = made.data.groupby("document")["amount"].sum()
    assert {n: _euro(a) for n, a in by_document.items()} == {r.number: r.outstanding for r in open_now}
    kinds = {r.number: r.kind for r in open_now}
    for row in made.data.itertuples():
        credit = "credit" if kinds[row.document] == "credit-note" else "overpaid"
        assert row.bucket == (credit if row.amount < 0 else bucket(row.days_past_due))


def test_the_aging_of_a_month_holds_what_earlier_months_left_open(april, desk, tmp_path, capsys):
    """July's aging (`--from 2026-07-01`) holds April's invoices still unpaid on its day, the
    oldest debts: it left out every document dated before `--from`, so it showed nothing owed.
    Its total is the outstanding total of `payments status` that day; the title says the day."""
    import json

    _, session = april
    open_now = monitor(load_receivables(session.ledger), AS_OF, Show.UNPAID)
    assert open_now and all(r.invoice_date < date(2026, 7, 1) for r in open_now)
    target = tmp_path / "aging.xlsx"
    capsys.readouterr()
    assert _run("report", "aging", str(desk), "--from", "2026-07-01", "--to", str(AS_OF), "--out", str(target),
                "--json") == 0
    assert Decimal(json.loads(capsys.readouterr().out)["total"]) == sum((r.outstanding for r in open_now), Decimal(0))
    assert _cells(target, "Report")[1][0] == "Crediti aperti al 15/07/2026"


@pytest.mark.parametrize("start", [None, "2026-08-01"])
def test_the_aging_asks_for_no_first_day_and_holds_none_against_its_day(april, desk, tmp_path, capsys, start):
    """`--from` selects nothing of an aging, yet it was required, and a `--from` after `--to`
    refused with «scambiale», a swap that changed nothing: the aging on `--to` is written
    with or without it, its total the outstanding total of `payments status` that day."""
    import json

    _, session = april
    open_now = monitor(load_receivables(session.ledger), AS_OF, Show.UNPAID)
    target = tmp_path / "aging.xlsx"
    capsys.readouterr()
    assert _run("report", "aging", str(desk), *(("--from", start) if start else ()), "--to", str(AS_OF), "--out",
                str(target), "--json") == 0
    said = json.loads(capsys.readouterr().out)
    assert said["from"] == start and said["to"] == str(AS_OF)
    assert Decimal(said["total"]) == sum((r.outstanding for r in open_now), Decimal(0))
    assert _cells(target, "Report")[1][0] == "Crediti aperti al 15/07/2026"


def test_a_period_report_without_its_first_day_is_refused(april, desk, tmp_path, capsys):
    """`--from` is optional for the aging alone: a sales report without it is refused naming
    it, exit 2, and writes nothing."""
    import json

    target = tmp_path / "vendite.xlsx"
    capsys.readouterr()
    assert _run("report", "vendite", str(desk), "--to", str(SECOND_HALF[1]), "--out", str(target), "--json") == 2
    [problem] = json.loads(capsys.readouterr().out)["problems"]
    assert "--from" in problem["message"] and "primo giorno" in problem["message"]
    assert not target.exists()


def test_an_invoice_due_on_the_report_day_is_not_yet_overdue(april):
    """Due today is not late: 0 days past due is "not yet due", the day after is 1–30."""
    _, session = april
    invoice = next(r for r in load_receivables(session.ledger) if r.kind == "invoice" and r.dues and not r.payments)
    due = invoice.dues[0][0]
    for day, expected in ((due, (0, "not_due")), (due + timedelta(days=1), (1, "d1_30"))):
        made = build(session.master, session.ledger, Request(Kind.AGING, invoice.invoice_date, day))
        row = made.data[made.data["document"] == invoice.number].iloc[0]
        assert (row.days_past_due, row.bucket) == expected


def test_each_instalment_is_aged_by_its_own_due_date(april):
    """An invoice in three instalments (30/60/90), the first two past on the report's day, shows
    each instalment in its own bucket and the third not yet due: aged whole from its first due,
    all of it read as 31–60 days overdue."""
    _, session = april
    invoice = next(r for r in load_receivables(session.ledger)
                   if r.kind == "invoice" and len(r.dues) == 3 and not r.payments and not r.credits)
    (first, a), (second, b), (third, c) = invoice.dues
    day = second + timedelta(days=20)
    assert day < third
    made = build(session.master, session.ledger, Request(Kind.AGING, invoice.invoice_date, day))
    rows = made.data[made.data["document"] == invoice.number]
    assert [(r.due_date, r.days_past_due, r.bucket, _euro(r.amount)) for r in rows.itertuples()] == [
        (first, (day - first).days, bucket((day - first).days), a),
        (second, 20, "d1_30", b),
        (third, (day - third).days, "not_due", c)]
    assert bucket((day - first).days) == "d31_60"


def test_credit_notes_are_credits_that_lower_the_balance_not_overdue_amounts(april):
    """A credit note falls due on no day: it is in the credits' column, with no due date and
    no days, and the customer's open amount is its invoices' less its credit notes', as
    `toolkit payments status` sums them."""
    _, session = april
    made = build(session.master, session.ledger, Request(Kind.AGING, date(2026, 1, 1), AS_OF))
    open_now = monitor(load_receivables(session.ledger), AS_OF, Show.UNPAID)
    notes = {r.number: r for r in open_now if r.kind == "credit-note"}
    assert notes
    credits = made.data[made.data["bucket"] == "credit"]
    assert set(credits["document"]) == set(notes)
    assert credits["days_past_due"].isna().all() and credits["due_date"].isna().all()
    table = made.table.set_index("customer")
    for customer in {r.customer for r in notes.values()}:
        assert _euro(table.loc[customer, "credit"]) == sum(r.outstanding for r in notes.values()
                                                           if r.customer == customer)
        assert _euro(table.loc[customer, "amount"]) == sum(r.outstanding for r in open_now if r.customer == customer)
    assert _euro(int(made.table["credit"].sum())) < 0


def test_aging_leaves_out_payments_after_its_day(april):
    _, session = april
    before = build(session.master, session.ledger, Request(Kind.AGING, date(2026, 1, 1), date(2026, 6, 1)))
    after = build(session.master, session.ledger, Request(Kind.AGING, date(2026, 1, 1), AS_OF))
    assert before.total > after.total


@pytest.mark.parametrize("days, expected", [(-1, "not_due"), (0, "not_due"), (1, "d1_30"), (30, "d1_30"), (31, "d31_60"),
                                             (60, "d31_60"), (61, "d61_90"), (90, "d61_90"), (91, "d90")])
def test_buckets(days, expected):
    assert bucket(days) == expected


@pytest.mark.parametrize("period, compare, expected", [
    ((date(2026, 1, 1), date(2026, 3, 31)), Compare.PREVIOUS, (date(2025, 10, 1), date(2025, 12, 31))),
    ((date(2026, 3, 1), date(2026, 3, 31)), Compare.PREVIOUS, (date(2026, 2, 1), date(2026, 2, 28))),
    ((date(2026, 3, 10), date(2026, 3, 31)), Compare.PREVIOUS, (date(2026, 2, 16), date(2026, 3, 9))),
    ((date(2026, 2, 1), date(2026, 2, 28)), Compare.LAST_YEAR, (date(2025, 2, 1), date(2025, 2, 28))),
    ((date(2024, 2, 29), date(2024, 3, 5)), Compare.LAST_YEAR, (date(2023, 2, 28), date(2023, 3, 5))),
])
def test_comparison_periods(period, compare, expected):
    assert comparison_period(*period, compare) == expected


# --- the workbook -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sales_book(april):
    out, session = april
    return report(session.master, session.ledger, Request(Kind.SALES, *SECOND_HALF, ("customer", "item"),
                                                          Compare.PREVIOUS), out / "report-vendite.xlsx", lang="it")


def _charts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode() for n in sorted(z.namelist()) if n.startswith("xl/charts/chart")}


def _cells(path: Path, sheet: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def _range(ref: str) -> tuple[str, int, int, int, int]:
    """`Riepilogo!$M$2:$M$21` → ("Riepilogo", first row, last row, column), zero-based."""
    m = re.fullmatch(r"'?([^'!]+)'?!\$([A-Z]+)\$(\d+)(?::\$([A-Z]+)\$(\d+))?", ref)
    assert m, ref

    def col(letters: str) -> int:
        n = 0
        for ch in letters:
            n = n * 26 + ord(ch) - 64
        return n - 1

    return m[1], int(m[3]) - 1, int(m[5] or m[3]) - 1, col(m[2]), col(m[4] or m[2])


def test_the_charts_series_point_at_the_top_20_and_the_days(sales_book, april):
    """The column chart's customers are labelled by code and the start of their name."""
    made = sales_book
    charts = list(_charts(made.file).values())
    column, line = charts[0], charts[1]
    assert "<c:barChart>" in column and "<c:lineChart>" in line
    summary = _cells(made.file, "Riepilogo")
    top = (made.table.groupby("customer")["amount"].sum().sort_values(ascending=False, kind="stable").head(20))
    previous = made.table.groupby("customer")["compare_amount"].sum()
    values = re.findall(r"<c:val><c:numRef><c:f>([^<]+)</c:f>", column)
    categories = re.findall(r"<c:cat><c:strRef><c:f>([^<]+)</c:f>", column)
    assert len(values) == 2 and len(categories) == 2
    sheet, first, last, col, _ = _range(values[0])
    assert sheet == "Riepilogo" and last - first + 1 == len(top)
    _, cfirst, clast, ccol, _ = _range(categories[0])
    assert (cfirst, clast) == (first, last)
    shown = {summary[r][ccol]: Decimal(str(summary[r][col])).quantize(CENT) for r in range(first, last + 1)}
    assert list(shown.values()) == [_euro(v) for v in top.values]
    names = {c.code: c.name for c in april[1].master.customers}
    for label, code in zip(shown, top.index):
        whole = f"{code} {names[code]}"
        assert label == whole or (len(label) <= 18 and label.endswith("…") and whole.startswith(label[:-1])), label
    assert any(label.endswith("…") for label in shown)
    _, first2, last2, col2, _ = _range(values[1])
    assert (first2, last2) == (first, last)
    assert [Decimal(str(summary[r][col2])).quantize(CENT) for r in range(first, last + 1)] == \
        [_euro(previous[k]) for k in top.index]
    days = re.findall(r"<c:val><c:numRef><c:f>([^<]+)</c:f>", line)
    _, dfirst, dlast, dcol, _ = _range(days[0])
    assert dlast - dfirst + 1 == 15, "a value per day of the second half of April"
    assert sum(Decimal(str(summary[r][dcol])).quantize(CENT) for r in range(dfirst, dlast + 1)) == _euro(made.total)
    _, _, _, pcol, _ = _range(days[1])
    assert sum(Decimal(str(summary[r][pcol])).quantize(CENT) for r in range(dfirst, dlast + 1)) == \
        _euro(made.compare_total)


@pytest.fixture(scope="module")
def products_book(april):
    out, session = april
    return report(session.master, session.ledger, Request(Kind.CUSTOMER_PRODUCTS, *SECOND_HALF),
                  out / "clienti-articoli.xlsx", lang="it")


def _pies(path: Path) -> list[tuple[str, list[str], Any]]:
    """Each pie's title, its legend's labels (the cells its categories point at) and its values' range."""
    summary = _cells(path, "Riepilogo")
    found = []
    for chart in _charts(path).values():
        if "<c:pieChart>" not in chart:
            continue
        title = "".join(re.findall(r"<a:t>([^<]*)</a:t>", chart.split("</c:title>")[0]))
        (ref,) = re.findall(r"<c:cat><c:strRef><c:f>([^<]+)</c:f>", chart)
        _, first, last, col, _ = _range(ref)
        found.append((title, [str(summary[r][col]) for r in range(first, last + 1)],
                      re.findall(r"<c:val><c:numRef><c:f>([^<]+)</c:f>", chart)[0]))
    return found


def test_customer_products_has_a_pie_per_customer(products_book):
    made = products_book
    pies = _pies(made.file)
    assert 1 <= len(pies) <= 6
    summary = _cells(made.file, "Riepilogo")
    for _, _, ref in pies:
        _, first, last, col, _ = _range(ref)
        customer = summary[first - 1][col - 1]
        expected = made.table[(made.table["customer"] == customer) & (made.table["amount"] > 0)]["amount"].sum()
        assert sum(Decimal(str(summary[r][col])).quantize(CENT) for r in range(first, last + 1)) == _euro(expected)


@pytest.mark.parametrize("lang, words", [("it", "Non nella torta, perché negativi"),
                                         ("en", "Not in the pie, being negative")])
def test_a_negative_item_is_left_out_of_its_pie_and_named_under_it(products_book, april, tmp_path, lang, words):
    """Returns credited beyond an item's sales make it negative: a pie cannot show it, and it
    was left out without a word, the shares read as of the customer's net sales. It is named
    under the pie with its amount, the pie the goods sold. The note is wrapped within the pie's
    six columns, on the two rows below it: on one row it ran past them, the right-hand pie's
    past the printed columns (A–L), cut on paper, the left-hand one's under its neighbour's."""
    from dataclasses import replace

    from openpyxl import load_workbook

    from toolkit.writers.reports import PIE_ROWS, write_report

    made, (_, session) = products_book, april
    data = made.data.copy()
    now = data["period"] == "current"
    largest = data[now].groupby("customer", observed=True)["amount"].sum().sort_values(ascending=False).index[:2]
    returned = {}
    for customer in largest:  # the first pie of a row, and the second
        item = data[now & (data["customer"] == customer)]["item"].astype(str).iloc[-1]
        lines = now & (data["customer"] == customer) & (data["item"].astype(str) == item)
        data.loc[lines, "amount"] = 0
        data.loc[data.index[lines][0], "amount"] = -1250
        returned[customer] = item
    target = write_report(tmp_path / "clienti-articoli.xlsx", session.master, replace(made, data=data), lang)

    if lang == "it":
        for customer, item in returned.items():
            name = str(data.loc[data["customer"] == customer, "customer_name"].iloc[0])
            [legend] = [legend for title, legend, _ in _pies(target) if title.startswith(name[:40])]
            assert legend and item not in {label.split(" ")[0] for label in legend}
    sheet = load_workbook(target)["Riepilogo" if lang == "it" else "Summary"]
    notes = [(c.value, c) for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith(words)]
    with zipfile.ZipFile(target) as z:
        drawing = z.read("xl/drawings/drawing1.xml").decode()
    pies = {(int(col), int(row)): int(bottom) for col, row, bottom in re.findall(
        r"<xdr:from><xdr:col>(\d+)</xdr:col><xdr:colOff>\d+</xdr:colOff><xdr:row>(\d+)</xdr:row>.*?"
        r"<xdr:to><xdr:col>\d+</xdr:col><xdr:colOff>\d+</xdr:colOff><xdr:row>(\d+)</xdr:row>", drawing)}
    merged = {str(r).split(":")[0]: r for r in sheet.merged_cells.ranges}
    for left, item in zip((0, 6), returned.values()):
        note, at = min(((note, at) for note, at in notes if at.column - 1 == left), key=lambda n: n[1].row)
        description = {x.code: x.description for x in session.master.items}[item]
        amount = "-12,50 €" if lang == "it" else "-€12.50"
        assert f": {item} {description[:10]}" in note and f" {amount}" in note, note
        top = at.row - 1 - (PIE_ROWS - 2)
        assert (left, top) in pies, "the note is under its own pie"
        assert pies[(left, top)] < at.row - 1, "the pie ends above its note"
        span = merged[at.coordinate]
        assert (span.min_col, span.max_col, span.max_row) == (left + 1, left + 6, at.row + 1), span
        assert at.alignment.wrap_text, "wrapped within the pie's columns, never past them"
    assert max(span.max_col for span in merged.values()) <= 12, "within the printed columns A–L"


def test_the_pies_legends_name_the_items(products_book, april):
    """A legend reads "A007 Orzo solubile 500 g", not "A007": the code and as much of the
    description as fits 26 characters."""
    _, session = april
    descriptions = {x.code: x.description for x in session.master.items}
    labels = [label for _, legend, _ in _pies(products_book.file) for label in legend if label != "Altri"]
    assert labels
    for label in labels:
        code = label.split(" ")[0]
        whole = f"{code} {descriptions[code]}"
        assert label == whole or (len(label) <= 26 and label.endswith("…") and whole.startswith(label[:-1]))
    assert any(label.endswith("…") for label in labels) and any(not label.endswith("…") for label in labels)


def test_no_pie_straddles_a_page_break(products_book):
    """The pies' summary has manual page breaks (and a print scale, not fit to the page, which
    would make Excel drop them); a break falls above or below every chart, never inside one."""
    from openpyxl import load_workbook

    sheet = load_workbook(products_book.file)["Riepilogo"]
    breaks = [b.id for b in sheet.row_breaks.brk]
    assert breaks and not sheet.sheet_properties.pageSetUpPr.fitToPage and 50 <= sheet.page_setup.scale < 100
    with zipfile.ZipFile(products_book.file) as z:
        drawing = z.read("xl/drawings/drawing1.xml").decode()
    spans = [(int(a), int(b)) for a, b in re.findall(
        r"<xdr:from><xdr:col>\d+</xdr:col><xdr:colOff>\d+</xdr:colOff><xdr:row>(\d+)</xdr:row>.*?"
        r"<xdr:to><xdr:col>\d+</xdr:col><xdr:colOff>\d+</xdr:colOff><xdr:row>(\d+)</xdr:row>", drawing, re.S)]
    assert len(spans) == len(_pies(products_book.file)) + 2
    for top, bottom in spans:
        assert not any(top < b <= bottom for b in breaks), (top, bottom, breaks)


def test_the_data_sheet_is_an_excel_table(sales_book):
    with zipfile.ZipFile(sales_book.file) as z:
        tables = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/tables/")]
    assert len(tables) == 1 and 'name="Dati"' in tables[0]
    rows = _cells(sales_book.file, "Dati")
    header = rows[4]
    assert header[0] == "Periodo" and header[-1] == "Importo"
    body = rows[5:]
    assert {r[0] for r in body} == {"16/04/2026–30/04/2026", "01/04/2026–15/04/2026"}
    for period, total in (("16/04/2026–30/04/2026", sales_book.total), ("01/04/2026–15/04/2026",
                                                                        sales_book.compare_total)):
        assert sum(Decimal(str(r[-1])).quantize(CENT) for r in body if r[0] == period) == _euro(total)


def test_every_chart_prints_its_categories_at_the_foot(sales_book, aging_book):
    """A negative column (a credit) draws below the zero line: categories printed at the
    axis would collide with it and with "-1,000"; every chart puts them low."""
    charts = [*_charts(sales_book.file).values(), *_charts(aging_book.file).values()]
    axes = [axis for chart in charts for axis in re.findall(r"<c:catAx>.*?</c:catAx>", chart, re.S)]
    assert len(axes) == 4
    assert all('<c:tickLblPos val="low"/>' in axis for axis in axes)


@pytest.mark.parametrize("lang, no_base", [("it", "n.d."), ("en", "n/a")])
def test_a_change_against_nothing_reads_not_available(april, tmp_path, lang, no_base):
    """A group with nothing in the comparison period has no change in percent: the table and
    the summary say "n.d." ("n/a"), not an empty cell."""
    _, session = april
    made = report(session.master, session.ledger, Request(Kind.SALES, date(2026, 4, 1), date(2026, 4, 30),
                                                          ("customer",), Compare.PREVIOUS), tmp_path / "r.xlsx", lang=lang)
    assert made.compare_total == 0
    rows = _cells(made.file, "Report")
    header = rows[4]
    column = header.index("Variazione %" if lang == "it" else "Change %")
    body = rows[5:]
    assert body and all(r[column] == no_base for r in body if r[0])
    summary = _cells(made.file, "Riepilogo" if lang == "it" else "Summary")
    assert [r[3] for r in summary if r[0] in ("Variazione %", "Change %")] == [no_base]


@pytest.fixture(scope="module")
def aging_book(april):
    out, session = april
    return report(session.master, session.ledger, Request(Kind.AGING, date(2026, 1, 1), AS_OF),
                  out / "report-scadenze.xlsx", lang="it")


def test_the_headings_rows_are_as_tall_as_their_wrapped_headings(aging_book):
    """"Giorni di ritardo" wraps in its column: its row is two lines tall, or LibreOffice
    prints the second line over the first invoice."""
    from openpyxl import load_workbook

    book = load_workbook(aging_book.file)
    data = book["Dati"]
    assert data.cell(5, 8).value == "Giorni di ritardo"
    assert data.row_dimensions[5].height == 30
    assert book["Report"].row_dimensions[5].height >= 15


def test_the_buckets_chart_colours_not_yet_due_apart_from_the_overdue(aging_book):
    """Not yet due in green, the overdue buckets warmer the later, the credits in blue: one
    colour per column of the buckets chart, in the order of the buckets."""
    from toolkit.writers.reports import BUCKET_COLOURS

    chart = next(x for x in _charts(aging_book.file).values() if "<c:dPt>" in x)
    colours = re.findall(r"<c:dPt><c:idx val=\"(\d+)\"/>.*?<a:srgbClr val=\"([0-9A-F]{6})\"", chart)
    assert [(int(i), c) for i, c in colours] == [(i, BUCKET_COLOURS[b].lstrip("#")) for i, b in enumerate(BUCKETS)]
    assert BUCKET_COLOURS["not_due"] == "#A9D18E"


def _needs_libreoffice() -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) not installed: apt-get install libreoffice-calc-nogui")


@pytest.fixture(scope="module")
def recalculated(sales_book, aging_book) -> dict[str, dict]:
    """The sales and aging reports as LibreOffice recalculates them, both in one LibreOffice run:
    three tests below started it once each, the sales report twice."""
    _needs_libreoffice()
    from toolkit.writers.libreoffice import recalculated_values_of

    return dict(zip(("sales", "aging"), recalculated_values_of([sales_book.file, aging_book.file])))


@pytest.mark.libreoffice
def test_totals_recalculated_by_libreoffice_are_the_ledger_s(sales_book, april, recalculated):
    _, session = april
    sheets = recalculated["sales"]
    table = sheets["Report"]
    total = next(r for r in table if r[0] == "Totale")
    header = table[4]
    amount = Decimal(str(total[header.index("Importo")])).quantize(CENT)
    before = Decimal(str(total[header.index("Confronto")])).quantize(CENT)
    change = Decimal(str(total[header.index("Variazione")])).quantize(CENT)
    assert amount == _ledger_sales(session.ledger, *SECOND_HALF)
    assert before == _ledger_sales(session.ledger, *FIRST_HALF)
    assert change == amount - before
    subtotals = [r for r in table if str(r[0]).startswith("Totale ")]
    assert len(subtotals) == sales_book.table["customer"].nunique()
    assert sum(Decimal(str(r[header.index("Importo")])).quantize(CENT) for r in subtotals) == amount
    summary = sheets["Riepilogo"]
    figures = {r[0]: r[3] for r in summary if r and r[0] in ("Totale del periodo", "Totale del confronto")}
    assert Decimal(str(figures["Totale del periodo"])).quantize(CENT) == amount
    assert Decimal(str(figures["Totale del confronto"])).quantize(CENT) == before


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", ["sales", "aging"])
def test_what_a_reader_sees_before_recalculating_is_what_recalculating_gives(sales_book, aging_book, recalculated,
                                                                             kind):
    """Every formula's result is written with it, so a workbook shows its totals before any
    recalculation: LibreOffice as installed never recalculates on opening (its totals read 0
    when the results were not written), nor do file previews. Every cell of every sheet as
    written equals the cell LibreOffice computes."""
    made = sales_book if kind == "sales" else aging_book
    written = CalamineWorkbook.from_path(str(made.file))
    computed = recalculated[kind]
    differ = []
    for name, rows in computed.items():
        mine = written.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for r, row in enumerate(rows):
            for c, theirs in enumerate(row):
                ours = mine[r][c] if r < len(mine) and c < len(mine[r]) else ""
                same = (ours == theirs if not isinstance(theirs, float) or not isinstance(ours, float)
                        else abs(ours - theirs) <= 1e-9 * max(1.0, abs(theirs)))
                if not same:
                    differ.append((name, r, c, ours, theirs))
    assert not differ, differ[:10]


def _ppm(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    magic, width, height, _maxval, pixels = data.split(maxsplit=4)
    assert magic == b"P6"
    return int(width), int(height), pixels


@pytest.mark.libreoffice
def test_the_pdf_page_shows_the_charts(sales_book, tmp_path):
    _needs_libreoffice()
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) not installed")
    from toolkit.writers.pdf import to_pdf

    pdf = to_pdf(sales_book.file, tmp_path / "report.pdf")
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    (page,) = tmp_path.glob("page*.ppm")
    width, height, pixels = _ppm(page)
    assert width > height, "A4 landscape"
    inked = sum(1 for i in range(0, len(pixels) - 2, 3) if pixels[i] + pixels[i + 1] + pixels[i + 2] < 600)
    assert inked > width * height * 0.02, "the page is not blank"
    blue = 0
    for i in range(0, len(pixels) - 2, 3):
        r, g, b = pixels[i], pixels[i + 1], pixels[i + 2]
        if abs(r - 0x2F) < 25 and abs(g - 0x55) < 25 and abs(b - 0x97) < 25:
            blue += 1
    assert blue > 200, "the charts' columns and line are drawn in the series' colour"
    lower = pixels[len(pixels) // 3:]
    assert sum(1 for i in range(0, len(lower) - 2, 3) if lower[i] + lower[i + 1] + lower[i + 2] < 600) > 1000, \
        "the charts fill the lower part of the page"


@pytest.mark.libreoffice
def test_each_printed_pie_is_whole_on_one_page(products_book, tmp_path):
    """In the PDF each pie's title and its whole legend are on one page, and what is only in
    its legend is on no other page (a pie cut by a page break printed part of its legend on
    each)."""
    _needs_libreoffice()
    from toolkit.writers.pdf import to_pdf

    pdf = to_pdf(products_book.file, tmp_path / "clienti-articoli.pdf")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                           text=True).stdout.split("\f")
    pies = _pies(products_book.file)
    for title, legend, _ in pies:
        words = title.split()
        (page,) = [n for n, text in enumerate(pages) if all(w in text for w in words)]
        assert all(label in pages[page] for label in legend), (title, legend)
        others = {label for other, labels, _ in pies if other != title for label in labels}
        for label in set(legend) - others:
            assert [n for n, text in enumerate(pages) if label in text] == [page], label
    assert not all(w in pages[0] for w in pies[0][0].split()), "the pies start on a page of their own"


def test_the_command_writes_the_workbook_and_answers(april, tmp_path, capsys):
    out, _ = april
    workbook = copied_desk(out, tmp_path)
    from toolkit.cli import app, output

    app._register()
    output.reset()
    assert app.run(["report", "aging", str(workbook), "--from", "2026-01-01", "--to", str(AS_OF),
                    "--out", str(tmp_path / "aging.xlsx")]) == 0
    said = capsys.readouterr().out
    assert re.search(r"^Totale: \d{1,3}(\.\d{3})*,\d{2} €$", said, re.M), said
    cells = _cells(tmp_path / "aging.xlsx", "Report")
    assert cells[4][:2] == ["Cliente", "Ragione sociale"]
    assert open_ledger(None, workbook) is not None


@pytest.fixture(scope="module")
def desk(april, tmp_path_factory):
    """A copy of April's workbook and ledger for the command to read."""
    out, _ = april
    return copied_desk(out, tmp_path_factory.mktemp("desk"))


@pytest.mark.parametrize("kind", ["invoices", "aging"])
def test_a_customer_taken_off_the_sheet_is_named_as_its_documents_printed_it(april, tmp_path, kind):
    """Deleted from *Clienti* with its invoices still in the period, or still owing: its row on
    Report and Dati bears the name its invoices printed, where it bore its bare code."""
    from desks import without_customer

    out, session = april
    workbook = copied_desk(out, tmp_path)
    gone = next(r for r in monitor(load_receivables(session.ledger), AS_OF, Show.UNPAID) if r.kind == "invoice")
    name = next(c.name for c in session.master.customers if c.code == gone.customer)
    without_customer(workbook, gone.customer)
    target = tmp_path / f"{kind}.xlsx"
    assert _run("report", kind, str(workbook), "--from", "2026-04-01", "--to", str(AS_OF), "--out", str(target)) == 0
    [row] = [r for r in _cells(target, "Report") if r[0] == gone.customer]
    assert row[1] == name
    data = _cells(target, "Dati")
    at = data[4].index("Cliente")
    assert {r[at + 1] for r in data[5:] if r[at] == gone.customer} == {name}


def test_a_customer_taken_off_the_sheet_may_still_be_asked_for_by_code(april, tmp_path, capsys):
    """Its invoices still open, `report aging --customer` and `payments status --customer` name
    it, where both refused the code as not on *Clienti* (exit 2): what it owes could not be
    asked for alone. A code neither on the sheet nor in the ledger is still refused."""
    import json

    from desks import without_customer

    out, session = april
    workbook = copied_desk(out, tmp_path)
    open_now = monitor(load_receivables(session.ledger), AS_OF, Show.UNPAID)
    gone = next(r for r in open_now if r.kind == "invoice").customer
    owed = sum((r.outstanding for r in open_now if r.customer == gone), Decimal(0))
    without_customer(workbook, gone)
    capsys.readouterr()
    assert _run("report", "aging", str(workbook), "--from", "2026-01-01", "--to", str(AS_OF),
                "--customer", gone.lower(), "--out", str(tmp_path / "aging.xlsx"), "--json") == 0
    assert Decimal(json.loads(capsys.readouterr().out)["total"]) == owed
    assert _run("payments", "status", str(workbook), "--as-of", str(AS_OF), "--customer", gone, "--unpaid",
                "--json") == 0
    rows = json.loads(capsys.readouterr().out)["invoices"]
    assert {r["customer"] for r in rows} == {gone} and sum((Decimal(r["outstanding"]) for r in rows), Decimal(0)) == owed
    assert _run("payments", "status", str(workbook), "--customer", "C999", "--json") == 2


@pytest.mark.parametrize("by", ["item", "category"])
def test_an_item_taken_off_the_sheet_is_warned_of_and_described_as_its_lines_printed(april, tmp_path, capsys, by):
    """Deleted from *Articoli* with its sales still in the period: by item its row bore its code
    beside no description, by category it fell under «(nessuno)», and nothing said why. Its
    description is the one its invoice lines printed, and a warning names it, exit 0."""
    import json

    from desks import without_item

    out, session = april
    lines = _ledger_lines(session.ledger, Kind.INVOICES, *SECOND_HALF)
    items = {x.code: x for x in session.master.items}
    gone = next(i for _, _, i, _, _ in lines if i in items and items[i].category)
    workbook = copied_desk(out, tmp_path)
    without_item(workbook, gone)
    target = tmp_path / "fatturato.xlsx"
    capsys.readouterr()
    assert _run("report", "fatturato", str(workbook), "--from", str(SECOND_HALF[0]), "--to", str(SECOND_HALF[1]),
                "--by", by, "--out", str(target), "--json") == 0
    [warning] = [p for p in json.loads(capsys.readouterr().out)["problems"]
                 if p["code"] == "report-items-off-the-sheet"]
    assert warning["message"].startswith(f"L'articolo {gone} non è più nel foglio Articoli")
    amount = sum((a for _, _, i, _, a in lines if i == gone), Decimal(0))
    rows = _report_rows(target, "Importo")
    if by == "item":
        [row] = [r for r in _cells(target, "Report") if r[0] == gone]
        assert row[1] == items[gone].description and rows[gone] == amount
    else:
        assert rows["(nessuno)"] == amount
    data = _cells(target, "Dati")
    at = data[4].index("Articolo")
    assert {r[at + 1] for r in data[5:] if r[at] == gone} == {items[gone].description}


@pytest.mark.parametrize("kind", [Kind.INVOICES, Kind.SHIPMENTS])
def test_an_item_off_the_sheet_is_described_from_the_report_s_days_alone(april, tmp_path, kind):
    """The description of an item taken off *Articoli* was looked up by item alone, which no
    index keys: every report that held it read every invoice line of the ledger's history (and
    every order line), at L millions, whatever its period. It is read from the lines of the
    report's days, by their dates' indexes (sqlite3's plan of each statement run), and still
    the one those lines printed."""
    import sqlite3

    from desks import without_item
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    out, session = april
    items = {x.code: x for x in session.master.items}
    shipped = {i for _, _, i, _, _ in _ledger_lines(session.ledger, Kind.SHIPMENTS, *SECOND_HALF)}
    gone = next(i for _, _, i, _, _ in _ledger_lines(session.ledger, Kind.INVOICES, *SECOND_HALF)
                if i in items and i in shipped)
    workbook = copied_desk(out, tmp_path)
    without_item(workbook, gone)
    seen: list[str] = []

    def trace(dbapi, _record):
        dbapi.set_trace_callback(seen.append)

    event.listen(Engine, "connect", trace)
    try:
        assert _run("report", kind.value, str(workbook), "--from", str(SECOND_HALF[0]), "--to", str(SECOND_HALF[1]),
                    "--by", "item", "--out", str(tmp_path / "articoli.xlsx")) == 0
    finally:
        event.remove(Engine, "connect", trace)
    described = [sql for sql in seen if sql.startswith("SELECT") and ".description" in sql and "max(" in sql]
    assert described
    raw = sqlite3.connect(f"{workbook}.ledger.sqlite")
    plans = [step for sql in described for *_, step in raw.execute(f"EXPLAIN QUERY PLAN {sql}")]
    raw.close()
    assert not [step for step in plans if re.match(r"SCAN (invoice_lines|order_lines|delivery_lines)\b", step)], described
    [row] = [r for r in _cells(tmp_path / "articoli.xlsx", "Report") if r[0] == gone]
    assert row[1] == items[gone].description


@pytest.mark.parametrize("kind, sheets", [("fatturato", ("Report", "Dati")), ("scadenziario", ("Report", "Dati"))])
def test_a_long_name_widens_its_column_and_wraps_past_the_widest(april, tmp_path, kind, sheets):
    """A customer's name over 48 characters was cut at 48 in print: its column grows with it, up
    to `LABEL_WIDTH`, and a name longer still wraps in its cell, its row two lines tall (which
    LibreOffice does not work out itself), rather than being cut."""
    import openpyxl
    from desks import customer_cells

    from toolkit.writers.printable import PADDING, text_width

    out, session = april
    workbook = copied_desk(out, tmp_path)
    owing = next(r.customer for r in monitor(load_receivables(session.ledger), AS_OF, Show.UNPAID)
                 if r.kind == "invoice" and r.invoice_date >= SECOND_HALF[0])
    medium = "Cooperativa Agricola e Zootecnica delle Valli Orobiche"
    long = "Consorzio per la Distribuzione di Prodotti Alimentari e Bevande delle Valli Bergamasche e Bresciane"
    other = next(c.code for c in session.master.customers if c.code != owing)
    customer_cells(workbook, owing, {"Ragione sociale": long})
    customer_cells(workbook, other, {"Ragione sociale": medium})
    target = tmp_path / f"{kind}.xlsx"
    assert _run("report", kind, str(workbook), "--from", str(SECOND_HALF[0]), "--to", str(AS_OF),
                "--out", str(target)) == 0
    book = openpyxl.load_workbook(target)
    for name in sheets:
        sheet = book[name]
        heads = [c.value for c in sheet[5]]
        letter = openpyxl.utils.get_column_letter(heads.index("Ragione sociale") + 1)
        assert text_width(medium) + PADDING > 48
        assert 60 < sheet.column_dimensions[letter].width < 70, name
        [cell] = [c for c in sheet[letter] if c.value == long][:1]
        assert cell.alignment.wrap_text, name
        assert sheet.row_dimensions[cell.row].height == 30, name


def test_the_payments_status_workbook_names_a_customer_taken_off_the_sheet(april, tmp_path):
    """Its *Ragione sociale* on the Scadenzario sheet is the name its invoices printed, where it
    was empty beside the bare code."""
    from desks import without_customer

    out, session = april
    workbook = copied_desk(out, tmp_path)
    gone = next(r for r in monitor(load_receivables(session.ledger), AS_OF, Show.UNPAID) if r.kind == "invoice")
    name = next(c.name for c in session.master.customers if c.code == gone.customer)
    without_customer(workbook, gone.customer)
    target = tmp_path / "scadenzario.xlsx"
    assert _run("payments", "status", str(workbook), "--as-of", str(AS_OF), "--out", str(target)) == 0
    rows = [r for r in _cells(target, "Scadenzario") if r[3] == gone.customer]
    assert rows and {r[4] for r in rows} == {name}


def _run(*args: str) -> int:
    from toolkit.cli import app, output

    app._register()
    output.reset()
    return app.run(list(args))


def _expected_groups(session, kind: Kind, by: str) -> dict[str, Decimal]:
    """The amounts of each group of `by` from the ledger's lines one by one, grouped through
    the master data as the report says it groups them."""
    from toolkit.services.reports import agent_names

    master = session.master
    customers = {c.code: c for c in master.customers}
    items = {x.code: x for x in master.items}
    agents = agent_names(master)
    label = {"customer": lambda day, c, i: c, "item": lambda day, c, i: i or "(nessuno)",
             "category": lambda day, c, i: (VOLUME_DISCOUNTS if i == VOLUME_DISCOUNTS else
                                            items[i].category if i in items else None) or "(nessuno)",
             "agent": lambda day, c, i: agents.get(c) or "(nessuno)",
             "zone": lambda day, c, i: customers[c].area or "(nessuno)",
             "month": lambda day, c, i: f"{day:%Y-%m}"}[by]
    lines = _ledger_lines(session.ledger, Kind.INVOICES if kind is Kind.CUSTOMER_PRODUCTS else kind, *SECOND_HALF)
    groups: dict[str, Decimal] = {}
    for day, customer, item, _quantity, amount in lines:
        key = label(day, customer, item)
        groups[key] = groups.get(key, Decimal(0)) + amount
    return groups


def _report_rows(path: Path, amount_heading: str) -> dict[str, Decimal]:
    """The Report sheet's groups: the first column's label and the amount of each row between
    the headings and the total."""
    rows = _cells(path, "Report")
    header = rows[4]
    column = header.index(amount_heading)
    body = rows[5:next(n for n, r in enumerate(rows) if r[0] == "Totale")]
    return {f"{r[0]:%Y-%m}" if isinstance(r[0], date) else str(r[0]): Decimal(str(r[column])).quantize(CENT)
            for r in body}


@pytest.mark.parametrize("kind", [k for k in Kind if k is not Kind.AGING])
@pytest.mark.parametrize("by", DIMENSIONS)
def test_every_grouping_of_every_kind_through_the_command(april, desk, tmp_path, kind, by):
    """`toolkit report KIND --by X` for every X: exit 0, a workbook whose every sheet opens,
    and a row per group with the ledger's amount (customer-products by customer alone crashed
    on its pies, which wanted both customer and item in the table)."""
    _, session = april
    out = tmp_path / f"{kind.value}-{by}.xlsx"
    assert _run("report", kind.value, str(desk), "--from", str(SECOND_HALF[0]), "--to", str(SECOND_HALF[1]),
                "--by", by, "--out", str(out)) == 0
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == ["Riepilogo", "Report", "Dati"]
    for name in book.sheet_names:
        assert book.get_sheet_by_name(name).to_python()
    assert _report_rows(out, "Importo") == _expected_groups(session, kind, by)


def _subtotals(rows: list[list[object]]) -> Iterator[tuple[list[object], list[list[object]]]]:
    """Each subtotal row of a *Report* sheet's table (its headings on row 5) with the rows it
    adds up, and the total with every row."""
    block: list[list[object]] = []
    every: list[list[object]] = []
    for row in rows[5:]:
        if not str(row[0]).startswith("Totale"):
            block.append(row)
            every.append(row)
            continue
        yield row, every if row[0] == "Totale" else block
        block = []


def test_quantities_are_subtotalled_only_within_one_unit(april, desk, tmp_path):
    """By category and item, *LATTE*'s subtotal added litres and kilograms, and the total every
    unit: a subtotal whose items share a unit is their quantities' sum, one of several units is
    left empty, never a sum of kilograms and cartons."""
    _, session = april
    units = {x.code: x.unit for x in session.master.items}
    out = tmp_path / "categorie.xlsx"
    assert _run("report", "fatturato", str(desk), "--from", str(SECOND_HALF[0]), "--to", str(SECOND_HALF[1]),
                "--by", "categoria,articolo", "--out", str(out)) == 0
    rows = _cells(out, "Report")
    at = rows[4].index("Quantità")
    mixed = single = 0
    for row, summed in _subtotals(rows):
        shown = {units.get(str(r[1])) for r in summed if units.get(str(r[1])) or r[at]}
        if len(shown) > 1:
            mixed += 1
            assert row[at] == "", row
        else:
            single += 1
            assert Decimal(str(row[at])) == sum((Decimal(str(r[at])) for r in summed), Decimal(0)), row
    assert mixed and single
    assert rows[-1][0] == "Totale" and rows[-1][at] == ""


def test_a_unit_spelt_two_ways_is_one_unit_in_a_subtotal(april, tmp_path):
    """*DETERSIVI*'s items sold are all pieces, typed «Nr.» and «Pezzi» on *Articoli*: the
    subtotal compared the spellings and was left empty, as if they were kilograms and cartons.
    Spellings of one unit (`unit_key`) add up: the subtotal is the category's quantities."""
    import openpyxl

    out, _ = april
    workbook = copied_desk(out, tmp_path)
    book = openpyxl.load_workbook(workbook)
    sheet = book["Articoli"]
    heads = [c.value for c in sheet[1]]
    retyped = {"A056": "Nr.", "A057": "Pezzi"}
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in retyped:
            row[heads.index("Unità di misura")].value = retyped[row[0].value]
    book.save(workbook)
    target = tmp_path / "categorie.xlsx"
    assert _run("report", "fatturato", str(workbook), "--from", str(SECOND_HALF[0]), "--to", str(SECOND_HALF[1]),
                "--by", "categoria,articolo", "--out", str(target)) == 0
    rows = _cells(target, "Report")
    at = rows[4].index("Quantità")
    block = [r for r in rows[5:] if r[0] == "DETERSIVI"]
    assert {r[1] for r in block} == set(retyped), block
    [subtotal] = [r for r in rows if r[0] == "Totale DETERSIVI"]
    assert Decimal(str(subtotal[at])) == sum((Decimal(str(r[at])) for r in block), Decimal(0)) > 0


def test_an_item_taken_off_the_sheet_is_subtotalled_in_the_unit_its_lines_were_sold_in(april, tmp_path):
    """Every item in pieces, one taken off *Articoli*: it had no unit, as if in another one, so
    its customers' subtotals and the total were left empty. The ledger's lines say it was sold
    in pieces: they add up."""
    import openpyxl
    from desks import without_item

    out, session = april
    items = {x.code: x for x in session.master.items}
    lines = _ledger_lines(session.ledger, Kind.INVOICES, *SECOND_HALF)
    gone = next(i for _, _, i, q, _ in lines if i in items and q)
    workbook = copied_desk(out, tmp_path)
    book = openpyxl.load_workbook(workbook)
    sheet = book["Articoli"]
    at = [c.value for c in sheet[1]].index("Unità di misura")
    for row in sheet.iter_rows(min_row=2):
        row[at].value = items[gone].unit
    book.save(workbook)
    without_item(workbook, gone)
    target = tmp_path / "clienti-articoli.xlsx"
    assert _run("report", "fatturato", str(workbook), "--from", str(SECOND_HALF[0]), "--to", str(SECOND_HALF[1]),
                "--by", "cliente,articolo", "--out", str(target)) == 0
    rows = _cells(target, "Report")
    at = rows[4].index("Quantità")
    holding = 0
    for row, summed in _subtotals(rows):
        holding += any(r[2] == gone for r in summed)
        assert row[at] != "" and Decimal(str(row[at])) == sum((Decimal(str(r[at])) for r in summed), Decimal(0)), row
    assert holding >= 2, "a customer's subtotal and the total hold the item taken off"


@pytest.mark.parametrize("kind", [Kind.INVOICES, Kind.CUSTOMER_PRODUCTS])
@pytest.mark.parametrize("by", ["item", "category"])
def test_volume_discounts_are_a_row_of_their_own_and_no_item_s_sales(april, desk, tmp_path, kind, by):
    """April's volume discounts (credit notes of no item, dated the 30th) are the row «Sconti di
    volume» by item and by category, its amount the notes' own: they were under «(nessuno)»,
    read as sales of no item; each category's amount is its goods' net, and the table's total is
    the report by customer's, the invoices' taxable less the stamp duty."""
    _, session = april
    with reading(session.ledger) as conn:
        vs, i = schema.volume_settlements.c, schema.invoices.c
        settled = conn.execute(select(vs.amount).join(schema.invoices, i.id == vs.credit_note_id)
                               .where(i.invoice_date.between(*SECOND_HALF))).scalars().all()
    assert settled
    out = tmp_path / f"{by}.xlsx"
    assert _run("report", kind.value, str(desk), "--from", str(SECOND_HALF[0]), "--to", str(SECOND_HALF[1]),
                "--by", by, "--out", str(out)) == 0
    rows = _report_rows(out, "Importo")
    assert rows[VOLUME_DISCOUNTS] == -sum(settled, Decimal(0))
    assert "(nessuno)" not in rows
    if by == "category":
        items = {x.code: x.category for x in session.master.items}
        goods = [(items[item], amount) for _, _, item, _, amount in _ledger_lines(
            session.ledger, Kind.INVOICES, *SECOND_HALF) if item in items]
        for category, amount in rows.items():
            if category != VOLUME_DISCOUNTS:
                assert amount == sum((a for c, a in goods if c == category), Decimal(0))
    total = next(r for r in _cells(out, "Report") if r[0] == "Totale")
    assert Decimal(str(total[-1])).quantize(CENT) == sum(rows.values()) == _ledger_invoiced(session.ledger,
                                                                                            *SECOND_HALF)


@pytest.mark.parametrize("by", ["item", "category"])
def test_a_debit_note_is_a_row_of_its_own_and_no_item_s_sales(april, tmp_path, capsys, by):
    """A debit note (`invoice debit`: 100 € more on an invoice, a line of no item) stood under
    «(nessuno)» by item and by category, read as a sale of no item with no word why, as the
    volume discounts did: it is the row «Note di debito», its amount the note's, quantity 0,
    and the total is still the invoices' own."""
    import json

    out, _ = april
    workbook = copied_desk(out, tmp_path)
    ledger = open_ledger(f"sqlite:///{workbook}.ledger.sqlite")
    i, il = schema.invoices.c, schema.invoice_lines.c
    with reading(ledger) as conn:
        invoice = conn.execute(select(i.series, i.year, i.number).join(schema.invoice_lines, il.invoice_id == i.id)
                               .where(i.kind == "invoice", i.status == "final", i.invoice_date == SECOND_HALF[1],
                                      il.vat_rate == Decimal(22)).limit(1)).one()
    number = f"{invoice[0]}-{invoice[1]}-{invoice[2]:05d}"
    assert _run("invoice", "debit", str(workbook), "--invoice", number, "--amount", "100", "--reason",
                "Prezzo rivisto", "--rate", "22", "--date", str(SECOND_HALF[1])) == 0
    target = tmp_path / f"{by}.xlsx"
    capsys.readouterr()
    assert _run("report", "fatturato", str(workbook), "--from", str(SECOND_HALF[0]), "--to", str(SECOND_HALF[1]),
                "--by", by, "--out", str(target), "--json") == 0
    said = json.loads(capsys.readouterr().out)
    rows = _report_rows(target, "Importo")
    assert rows["Note di debito"] == Decimal(100) and "(nessuno)" not in rows
    assert Decimal(said["total"]) == sum(rows.values()) == _ledger_invoiced(ledger, *SECOND_HALF)
    if by == "item":
        [row] = [r for r in _cells(target, "Report") if r[0] == "Note di debito"]
        assert row[1:] == ["Addebiti delle note di debito", 0.0, 100.0]


@pytest.mark.parametrize("by", AGING_DIMENSIONS)
def test_every_grouping_of_the_aging_report_through_the_command(april, desk, tmp_path, by):
    _, session = april
    out = tmp_path / f"aging-{by}.xlsx"
    assert _run("report", "aging", str(desk), "--from", "2026-01-01", "--to", str(AS_OF), "--by", by,
                "--out", str(out)) == 0
    from toolkit.services.reports import agent_names

    customers = {c.code: c for c in session.master.customers}
    label = {"customer": lambda c: c, "agent": lambda c: agent_names(session.master).get(c) or "(nessuno)",
             "zone": lambda c: customers[c].area or "(nessuno)"}[by]
    expected: dict[str, Decimal] = {}
    for r in monitor(load_receivables(session.ledger), AS_OF, Show.UNPAID):
        expected[label(r.customer)] = expected.get(label(r.customer), Decimal(0)) + r.outstanding
    assert _report_rows(out, "Aperto") == expected


def test_reports_read_the_same_on_sqlite_and_postgresql(sample_master, ledger, tmp_path):
    """The rows come from the driver's cursor as they are (dates as text on SQLite, as dates
    on PostgreSQL): the totals are the ledger's on both."""
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    eighth, ninth = date(2026, 4, 8), date(2026, 4, 9)
    for day in (eighth, ninth):
        create(sample_master, ledger, day, with_catch_up=False, lang="it")
        ship(sample_master, ledger, day, all_open=True, lang="it")
    for kind in (Kind.SALES, Kind.SHIPMENTS, Kind.INVOICES):
        made = report(sample_master, ledger, Request(kind, ninth, ninth, ("customer", "month"), Compare.PREVIOUS),
                      tmp_path / f"{kind.value}.xlsx", lang="it")
        assert _euro(made.total) == LEDGER_TOTALS[kind](ledger, ninth, ninth)
        assert _euro(made.compare_total) == LEDGER_TOTALS[kind](ledger, eighth, eighth)
        assert list(made.timeline["label"]) == ["2026-04-09"]
        spring = build(sample_master, ledger, Request(kind, date(2026, 3, 1), date(2026, 5, 31), ("customer", "month"),
                                                      Compare.PREVIOUS))
        assert _euro(spring.total) == LEDGER_TOTALS[kind](ledger, eighth, ninth)
        assert list(spring.timeline["label"]) == ["2026-03", "2026-04", "2026-05"]
        assert set(spring.data["month"].astype(str)) == {"2026-04"}
        longer = build(sample_master, ledger, Request(kind, date(2026, 4, 1), date(2027, 4, 30), ("month",),
                                                      Compare.LAST_YEAR))
        assert longer.compare_total == longer.total == spring.total
    assert _euro(build(sample_master, ledger, Request(Kind.SALES, ninth, ninth)).total) != 0


def test_part_shipped_lines_are_worth_quantity_times_price(sample_master, ledger, tmp_path):
    """A DDT line that ships part of its order line comes from the query alone, to be rounded
    in `Decimal`; the lines shipped whole are summed by the database: by day and by month,
    on SQLite and PostgreSQL, the total is the lines' one by one."""
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    tenth = date(2026, 4, 10)
    create(sample_master, ledger, tenth, with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        number, item = next((order.number, line.item) for order in load_orders(conn) if order.order_date == tenth
                            and order.document_type.value == "standard" for line in order.lines if line.quantity > 1)
    ol = schema.order_lines.c
    (tmp_path / "q.csv").write_text(f"Ordine;Articolo;Quantità\n{number};{item};0,337\n", encoding="utf-8")
    shipped = ship(sample_master, ledger, tenth, quantities=tmp_path / "q.csv", lang="it")
    assert not any(p.is_error for p in shipped.problems), shipped.problems
    ship(sample_master, ledger, tenth, all_open=True, lang="it")
    d, dl = schema.deliveries.c, schema.delivery_lines.c
    with reading(ledger) as conn:
        part = conn.execute(select(dl.quantity).select_from(
            schema.delivery_lines.join(schema.deliveries, dl.delivery_id == d.id)
            .join(schema.order_lines, dl.order_line_id == ol.id)).where(
            d.delivery_date == tenth, dl.quantity != ol.quantity)).scalars().all()
    assert part
    expected = LEDGER_TOTALS[Kind.SHIPMENTS](ledger, tenth, tenth)
    for period in ((tenth, tenth), (date(2026, 2, 1), date(2026, 4, 30))):
        made = build(sample_master, ledger, Request(Kind.SHIPMENTS, *period, ("customer", "item")))
        assert _euro(made.total) == expected
        assert int(made.data["amount"].sum()) == made.total


def test_by_agent_groups_customers_under_their_agents(april):
    """The sample gives most customers one *Agente* and its first customer two agents sharing
    it (*Agenti clienti*): `--by agent` groups under those names, and the groups add up to the
    whole."""
    _, session = april
    by_agent = build(session.master, session.ledger, Request(Kind.SALES, *SECOND_HALF, ("agent",)))
    whole = build(session.master, session.ledger, Request(Kind.SALES, *SECOND_HALF, ("customer",)))
    agents = set(by_agent.table["agent"])
    assert {c.sales_rep for c in session.master.customers if c.sales_rep} & agents
    shared = {f"{a.agent} {a.share.normalize():f} %" for a in session.master.customer_agents}
    assert any(all(part in shared for part in name.split(", ")) for name in agents if "," in name)
    assert sum(int(x) for x in by_agent.table["amount"]) == by_agent.total == whole.total


def test_the_data_sheets_month_is_a_date_shown_as_its_month(sales_book):
    """*Mese* was the text `2026-04`: a filter listed it as text and a pivot table could not
    group it by quarter or year. It is the month's first day, a date cell shown `04/2026`."""
    from openpyxl import load_workbook

    data = load_workbook(sales_book.file)["Dati"]
    assert data.cell(5, 2).value == "Mese"
    months = [data.cell(row, 2) for row in range(6, data.max_row + 1)]
    assert months and {c.value for c in months} == {datetime(2026, 4, 1)}
    assert all(c.is_date and c.number_format.startswith("mm/yyyy") for c in months)


def test_the_report_sheets_month_is_a_date_shown_as_its_month(april, tmp_path):
    """Grouped by month, the *Report* sheet's *Mese* was the text `2026-04`, as the data
    sheet's was: a filter listed it as text and sorted `2026-10` before `2026-4`. Each row's is
    the month's first day, a date cell shown `04/2026`, and its subtotal says *Totale 04/2026*."""
    from openpyxl import load_workbook

    _, session = april
    made = report(session.master, session.ledger, Request(Kind.SALES, date(2026, 4, 16), date(2026, 5, 15),
                                                          ("month", "customer")), tmp_path / "months.xlsx", lang="it")
    sheet = load_workbook(made.file)["Report"]
    assert sheet.cell(5, 1).value == "Mese"
    rows = [(sheet.cell(row, 1), sheet.cell(row, 2).value) for row in range(6, sheet.max_row + 1)]
    months = [cell for cell, customer in rows if customer]
    assert {c.value for c in months} == {datetime(2026, 4, 1)}
    assert all(c.is_date and c.number_format.startswith("mm/yyyy") for c in months)
    assert [cell.value for cell, customer in rows if not customer] == ["Totale 04/2026", "Totale"]


@pytest.mark.parametrize("kind", [Kind.INVOICES, Kind.AGING])
def test_a_shared_customer_s_agents_print_whole_in_the_report_table(april, tmp_path, kind):
    """By agent, the *Report* sheet's column was 12 characters wide whatever it held: a shared
    customer's label, "Marco Bianchi 60 %, Laura Colombo 40 %", printed as "Marco Bianchi 6",
    which reads as Marco Bianchi's own row a second time. The column is as wide as its longest
    label."""
    from openpyxl import load_workbook

    from toolkit.writers.printable import text_width

    _, session = april
    made = report(session.master, session.ledger, Request(kind, date(2026, 4, 1), AS_OF if kind is Kind.AGING
                                                          else date(2026, 4, 30), ("agent",)), tmp_path / "a.xlsx", lang="it")
    sheet = load_workbook(made.file)["Report"]
    labels = [sheet.cell(row, 1).value for row in range(6, sheet.max_row)]
    shared = [label for label in labels if "%" in label]
    assert shared and all(", " in label for label in shared)
    assert sheet.column_dimensions["A"].width >= max(text_width(label) for label in labels)


def test_the_summary_s_charts_name_a_month_as_the_table_shows_it(april, tmp_path):
    """The charts' months read `2026-04` beside a table showing `04/2026`: both say `04/2026`."""
    from openpyxl import load_workbook

    _, session = april
    made = report(session.master, session.ledger, Request(Kind.INVOICES, date(2026, 3, 1), date(2026, 5, 31),
                                                          ("month",)), tmp_path / "quarter.xlsx", lang="it")
    summary = load_workbook(made.file)["Riepilogo"]
    found = {(summary.cell(1, col).value, tuple(summary.cell(row, col).value for row in range(2, 5)))
             for col in range(13, summary.max_column + 1) if summary.cell(1, col).value == "Mese"}
    assert found == {("Mese", ("04/2026", None, None)), ("Mese", ("03/2026", "04/2026", "05/2026"))}


def test_the_aging_report_refuses_an_item_filter_it_cannot_apply(april, desk, tmp_path, capsys):
    """`report aging --item A001` wrote every customer's open invoices, whatever items they
    sold, under a command that asked for one item's: an open invoice is a whole document, not
    items. A slip in the arguments, exit 2, nothing written."""
    out = tmp_path / "aging-A001.xlsx"
    code = _run("report", "scadenziario", str(desk), "--from", "2026-04-01", "--to", str(AS_OF), "--item", "A001",
                "--out", str(out))
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.splitlines()[0] == ("Errore: Valore non valido per --item: lo scadenziario somma quanto resta aperto di "
                                   "fatture e note intere, non di articoli: togli --item (con --customer sceglie i "
                                   "clienti)")
    assert not out.exists()


@pytest.mark.parametrize("kind", ["invoices", "aging"])
def test_a_report_by_agent_warns_of_customers_off_the_sheet_under_none(april, tmp_path, capsys, kind):
    """By agent, a customer taken off *Clienti* has no agent to be counted under: its amount went
    to «(nessuno)» without a word, read as sales no agent made. It still goes there, and a warning
    names the customer and the fix; by customer nothing is said, its row is its own."""
    import json

    from desks import without_customer

    out, session = april
    workbook = copied_desk(out, tmp_path)
    gone = next(r for r in monitor(load_receivables(session.ledger), AS_OF, Show.UNPAID) if r.kind == "invoice")
    without_customer(workbook, gone.customer)
    capsys.readouterr()
    assert _run("report", kind, str(workbook), "--from", "2026-04-01", "--to", str(AS_OF), "--by", "agente",
                "--out", str(tmp_path / "agenti.xlsx"), "--json") == 0
    said = json.loads(capsys.readouterr().out)
    assert [(p["severity"], p["message"]) for p in said["problems"] if p["code"] == "report-customers-off-the-sheet"
            ] == [("warning", f"Il cliente {gone.customer} non è più nel foglio Clienti, da cui il report prende "
                   "l'agente: i suoi importi sono sotto «(nessuno)». Per contarli dove vanno, rimetti la sua riga nel "
                   "foglio Clienti.")]
    assert "(nessuno)" in {r[0] for r in _cells(tmp_path / "agenti.xlsx", "Report")}
    assert _run("report", kind, str(workbook), "--from", "2026-04-01", "--to", str(AS_OF), "--by", "cliente",
                "--out", str(tmp_path / "clienti.xlsx"), "--json") == 0
    assert "report-customers-off-the-sheet" not in {p["code"] for p in json.loads(capsys.readouterr().out)["problems"]}


def test_an_aging_on_a_day_after_today_says_it_is_a_forecast(april, desk, tmp_path, capsys, rome_today):
    """The month's aging asked on the 1st of July for the 15th (the panel's *Al*, a period's
    end): dues of the coming days showed as overdue, read as today's position, with no word. The
    report is the same, warned as a forecast; asked for today, nothing is said."""
    import json

    rome_today(date(2026, 7, 1))
    capsys.readouterr()
    args = ["report", "aging", str(desk), "--from", "2026-04-01", "--to", str(AS_OF), "--json"]
    assert _run(*args, "--out", str(tmp_path / "ahead.xlsx")) == 0
    said = json.loads(capsys.readouterr().out)
    assert [p["message"] for p in said["problems"] if p["code"] == "report-aging-ahead"] == [
        "Lo scadenziario è al 15/07/2026, dopo oggi (01/07/2026): le rate che scadono fino a quel giorno vi risultano "
        "già scadute e gli incassi di quei giorni non ci sono ancora. È una previsione, non la situazione di oggi: per "
        "quella metti in --to la data di oggi."]
    rome_today(AS_OF)
    assert _run(*args, "--out", str(tmp_path / "today.xlsx")) == 0
    again = json.loads(capsys.readouterr().out)
    assert "report-aging-ahead" not in {p["code"] for p in again["problems"]}
    assert again["total"] == said["total"]


def _pdf_by(path: Path, author: str) -> bytes:
    """A one-page PDF whose document information names `author`, as a user's own PDF does."""
    from pypdf import PdfWriter

    made = PdfWriter()
    made.add_blank_page(200, 200)
    made.add_metadata({"/Author": author})
    with path.open("wb") as out:
        made.write(out)
    return path.read_bytes()


def test_report_pdf_refuses_a_users_own_pdf_of_its_name(april, tmp_path, capsys):
    """`report --pdf` wrote `vendite.pdf` over the desk's own `vendite.pdf` (a scan, a
    colleague's printout) without a word. A PDF the toolkit did not print is kept, the run is
    refused before anything is written, exit 2, and the message says whose file it is."""
    out, _ = april
    workbook = copied_desk(out, tmp_path)
    own = _pdf_by(tmp_path / "vendite.pdf", "Mario Rossi")
    code = _run("report", "vendite", str(workbook), "--from", "2026-04-01", "--to", "2026-04-30",
                "--out", str(tmp_path / "vendite.xlsx"), "--pdf")
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.strip() == (f"toolkit: Il file {tmp_path / 'vendite.pdf'} esiste già e non è un file «PDF» scritto da "
                           "toolkit (il suo autore è «Mario Rossi»): non lo sostituisco. Scegli un altro nome per "
                           "--out, oppure sposta o cancella quel file.")
    assert (tmp_path / "vendite.pdf").read_bytes() == own and not (tmp_path / "vendite.xlsx").exists()


@pytest.mark.libreoffice
def test_report_pdf_replaces_its_own_earlier_pdf(april, tmp_path, capsys):
    _needs_libreoffice()
    out, _ = april
    workbook = copied_desk(out, tmp_path)
    args = ("report", "vendite", str(workbook), "--from", "2026-04-01", "--to", "2026-04-30",
            "--out", str(tmp_path / "vendite.xlsx"), "--pdf")
    assert _run(*args) == 0
    first = (tmp_path / "vendite.pdf").stat().st_mtime_ns
    assert _run(*args) == 0, capsys.readouterr().err
    assert (tmp_path / "vendite.pdf").stat().st_mtime_ns != first


def _cached_formula_values(path: Path) -> list[tuple[str, str, str, str]]:
    """(sheet file, cell, formula, cached value) of every formula of a workbook, as its XML stores them."""
    with zipfile.ZipFile(path) as z:
        return [(name, *cell) for name in z.namelist() if name.startswith("xl/worksheets/sheet")
                for cell in re.findall(r'<c r="([A-Z]+\d+)"[^>]*><f>([^<]*)</f><v>([^<]*)</v>', z.read(name).decode())]


@pytest.mark.parametrize("kind", ["sales", "aging"])
def test_every_total_is_cached_to_the_cent_not_as_a_sum_of_floats(sales_book, aging_book, kind):
    """A total row's cached value is the exact sum of its rows, `8852.64`, never the float sum
    `8852.640000000001` an accountant's tool reads back as more than the cents it shows (money
    is counted in cents, then written). Quantities have at most three decimals, percents are
    ratios and left out (and the summary's copy of the total's)."""
    made = sales_book if kind == "sales" else aging_book
    every = _cached_formula_values(made.file)
    ratios = {c[3] for c in every if "ABS(" in c[2]}
    cells = [c for c in every if c[3] not in ratios]
    assert any("SUBTOTAL" in c[2] for c in cells)
    inexact = [c for c in cells if re.fullmatch(r"-?\d+(\.\d{1,3})?", c[3]) is None]
    assert inexact == []
