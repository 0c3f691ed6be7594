"""`benchmarks.kept_figures` judges each figure the ledger keeps by running a day with that figure
read from the documents instead (`from_documents`): its verdict holds only if those readers give
what the kept ones give. On the sample's ledger after days created and shipped (orders held,
DDTs and invoices issued at once, DDTs still to invoice, a day's orders not shipped yet), each documents' reader gives the kept
reader's figures, for every item or customer and for a few. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from benchmarks.kept_figures import DOCS, from_documents
from toolkit.ledger import exposure, reserved, shipped_by_day
from toolkit.ledger.db import driver_rows, reading
from toolkit.services.orders import create
from toolkit.services.shipping import ship

DAYS = (date(2026, 4, 7), date(2026, 4, 8), date(2026, 4, 9))


def test_the_documents_readers_give_the_kept_figures(sample_master, ledger):
    for day in DAYS:
        create(sample_master, ledger, day, lang="it")
        ship(sample_master, ledger, day, all_open=True, lang="it")
    create(sample_master, ledger, date(2026, 4, 10), lang="it")
    documents = {name: function for _, name, function in from_documents(DOCS)}
    with reading(ledger) as conn:
        every = list(driver_rows(conn, reserved.rows(False), {}))
        assert every, "the sample's days leave no order holding stock"
        assert every == list(driver_rows(conn, documents["rows"](False), {}))
        items = sorted({row[0] for row in every})[::3]
        assert (list(driver_rows(conn, reserved.rows(True), {"items": items}))
                == list(driver_rows(conn, documents["rows"](True), {"items": items})))
        assert (sorted(driver_rows(conn, reserved.totals(False), {}))
                == sorted(driver_rows(conn, documents["totals"](False), {})))
        for kept in (items, sorted({row[0] for row in every})):
            assert (conn.execute(reserved.elsewhere(), {"items": kept}).first() is None) == (
                conn.execute(documents["elsewhere"](), {"items": kept}).first() is None)
        for day in (DAYS[0], DAYS[-1]):
            shipped = sorted(shipped_by_day.shipped_since(conn, day))
            assert shipped and shipped == sorted(documents["shipped_since"](conn, day))
        customers = sorted(c.code for c in sample_master.customers)
        for asked in (None, customers[::2]):
            for kept_read, name in ((exposure._unshipped, "_unshipped"), (exposure._uninvoiced, "_uninvoiced")):
                figures = {c: v for c, v in kept_read(conn, asked).items() if v}
                assert figures or asked, name
                assert figures == {c: v for c, v in documents[name](conn, asked).items() if v}
