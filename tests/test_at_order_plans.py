"""Invoice lines made at the order, found among a few invoices' lines
(`toolkit.ledger.uninvoiced.cites_no_ddt_line`), are looked up through the invoices' index on
SQLite: the plain `delivery_line_id IS NULL` sends SQLite, which keeps no statistics of the
ledger, to the unique index of DDT lines (and parts, since schema 42), where it walks every line ever invoiced at the order."""

from __future__ import annotations

from sqlalchemy import select, text

from toolkit.ledger import open_ledger, schema, uninvoiced
from toolkit.ledger.db import migrate

il = schema.invoice_lines.c


def test_lines_made_at_the_order_are_found_by_their_invoices(tmp_path):
    ledger = open_ledger(f"sqlite:///{tmp_path / 'plan.sqlite'}")
    migrate(ledger)
    with ledger.engine.connect() as conn:
        def plan(made_at_order) -> str:
            query = select(il.order_line_id).where(il.invoice_id.between(10, 20), made_at_order)
            sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
            return " ".join(row[3] for row in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}")))

        assert "ix_invoice_lines_invoice_id" in plan(uninvoiced.cites_no_ddt_line(il.delivery_line_id))
        assert "uq_invoice_lines_delivery_part" in plan(il.delivery_line_id.is_(None)), "the trap it avoids"
    ledger.engine.dispose()
