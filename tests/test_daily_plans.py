"""No statement of a desk's day reads the ledger's history, but those named here.

SQLite keeps no statistics of a ledger, so it plans a statement the same way on a small ledger
as after a year at L: a plan that scans a table of documents (orders, their lines, DDTs,
invoices, payments, events) reads more every day the ledger lives, on every shipping day. Here
the statements of a few days' previews, orders, `ship --all` (holds kept between days,
payments in between) and distribution lists are traced by sqlite3 as they run and explained afterwards; the scans of
documents found are exactly those of `KNOWN`, each with why it stays. The holds' own read once
went through every order by its number's index (`toolkit.ledger.holds._KEPT`), and every
customer's latest order through every order's entry in the customers' index
(`toolkit.ledger.exposure._last_orders`), and the distribution list's cuts through the whole event
log (`toolkit.ledger.orders.cuts_logged`, `schema.cuts_index`).
"""

from __future__ import annotations

import random
import re
import sqlite3
from contextlib import nullcontext
from dataclasses import replace
from datetime import timedelta
from unittest import mock

from sqlalchemy import event
from test_shipping_setbased import START, master_of, pay_some, randomized

from toolkit.basics import dates
from toolkit.core.workdays import working_calendar
from toolkit.ledger import exposure, open_ledger
from toolkit.services.lists import distribution
from toolkit.services.orders import create, preview
from toolkit.services.shipping import ship

DOCUMENTS = ("orders", "order_lines", "deliveries", "delivery_lines", "invoices", "invoice_lines", "invoice_dues",
             "payments", "events", "shipped_by_day")
"""The tables that grow with every day the ledger lives (the kept holds and reservations grow
only with the orders still open)."""

KNOWN = {
    r"^SELECT shipped_by_day\.item, sum\(shipped_by_day\.quantity\) .* WHERE shipped_by_day\.delivery_date >=":
        "the stock on hand: what shipped of each item since the stock sheet's count date, read in one pass in "
        "the key's order (item, date); an index by date would read only the days since the count, but sort them",
    r"^SELECT invoices\.customer, sum\(CASE WHEN invoices\.split_payment THEN .* GROUP BY invoices\.customer":
        "every customer's invoiced total (net of VAT under split payment), when a day asks for most customers' "
        "figures (what is invoiced and not paid); a kept open figure per customer would bound it",
    r"^SELECT invoices\.customer, sum\(payments\.amount\) .* GROUP BY invoices\.customer":
        "every customer's payments, the other half of the same figure",
    r"^SELECT shipped_by_day\.item, shipped_by_day\.quantity FROM shipped_by_day WHERE shipped_by_day\.delivery_date = N":
        "what today's DDTs shipped of each item, for the warning of a count dated today that today's DDTs came "
        "before: read once per count, by the first ship run to meet it (the runs after it find it noted), in one "
        "pass over the kept sums per item and date, whose key is the item's",
    r"^SELECT deliveries\.customer, sum\(deliveries\.uninvoiced_euros\) .* GROUP BY deliveries\.customer":
        "every customer's goods shipped and not yet on a final invoice, when a day asks for most customers: "
        "the partial index of the DDTs still to invoice alone, a month's at most, not the DDTs' history",
}
"""The scans of documents a day still makes, each with what it reads: the growth of each is
named in docs/performance.md (*What grows with the ledger's history*)."""


def _traced_day_statements(tmp_path) -> dict[str, str]:
    """Each distinct statement (numbers and quoted values folded) → its SQL as run. The
    customers' figures are asked in batches of one (`exposure.BATCH`), so that the days take
    both ways of reading them: a batch at a time, and every customer in one pass when most are
    asked, as at L. The second day's goods are counted that morning, the day being today: its
    ship run asks whether a run met the count already (`toolkit.ledger.stock_counts.seen`)."""
    rng = random.Random(11)
    master = randomized(master_of(tmp_path, 11), rng)
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    seen: dict[str, str] = {}

    @event.listens_for(ledger.engine, "connect")
    def _trace(dbapi, _record):
        dbapi.set_trace_callback(lambda sql: seen.setdefault(_folded(sql), sql))

    ledger.engine.dispose()
    calendar, day, done, counter = working_calendar(master.settings, master.closures), START, 0, [0]
    while done < 4:
        if calendar.is_working(day):
            if done == 1:
                master = master.model_copy(update={"settings": replace(master.settings, stock_date=day)})
            with mock.patch.object(dates, "today_rome", lambda day=day: day) if done == 1 else nullcontext():
                preview(master, ledger, day)
                create(master, ledger, day, lang="it")
                pay_some(ledger, rng, counter)
                ship(master, ledger, day, all_open=True, lang="it")
                distribution(master, ledger, day, day, tmp_path / "distribuzione.xlsx", "it")
            done += 1
        day += timedelta(1)
    ledger.engine.dispose()
    return seen


def _folded(sql: str) -> str:
    return re.sub(r"'[^']*'|\b\d+\b", "N", " ".join(sql.split()))


def test_a_day_reads_no_history_but_what_is_known(tmp_path, monkeypatch):
    monkeypatch.setattr(exposure, "BATCH", 1)
    statements = _traced_day_statements(tmp_path)
    raw = sqlite3.connect(tmp_path / "ledger.sqlite")
    scans: dict[str, list[str]] = {}
    for folded, sql in statements.items():
        if not folded.startswith(("SELECT", "WITH", "UPDATE", "DELETE", "INSERT")):
            continue
        plan = [row[-1] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}")]
        read = [step for step in plan if re.match(rf"SCAN ({'|'.join(DOCUMENTS)})\b", step)]
        if read:
            scans[folded] = read
    raw.close()
    unknown = {sql: read for sql, read in scans.items() if not any(re.search(k, sql) for k in KNOWN)}
    assert not unknown, "\n".join(f"{read}: {sql[:300]}" for sql, read in unknown.items())
    assert all(any(re.search(k, sql) for sql in scans) for k in KNOWN), "a known scan is gone: drop it from KNOWN"
    assert any("FROM holds LEFT OUTER JOIN orders" in sql for sql in statements), "the holds were read"
    assert any("'stock-count-seen'" in sql for sql in statements.values()), "the count met was looked for"
