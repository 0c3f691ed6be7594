"""A return's order line is credited at the order once: the database refuses a second line.

The code credits a return at the order only for what no invoice line covers yet
(`toolkit.ledger.invoices.ordered_not_invoiced`), and a return's DDT line once at its DDT
(`schema.invoiced_once_index`); nothing in the ledger held the first. Migration 48 adds the
unique index (`schema.credited_once_index`), the two sides of a letter of intent's ceiling told
apart by `part` as a DDT line's are, and refuses, naming the notes, a ledger that holds such a
second line already, which it leaves as it was.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from older_ledgers import back_to, invoice_lines_of_schema_41
from sqlalchemy import delete, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from toolkit.basics.problems import UnusableInput
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import migrate, reading, version, writing

RETURN_LINE = 41


def _note(conn, number: int, *lines: dict) -> int:
    """A credit note NC-2026-<number> of C001 with `lines` (order line, quantity, and what else
    each gives), stored as any is, its number drawn."""
    conn.execute(delete(schema.counters).where(schema.counters.c.series == "NC"))
    conn.execute(insert(schema.counters).values(series="NC", year=2026, last=number))
    note = conn.execute(insert(schema.invoices).values(
        kind="credit-note", series="NC", year=2026, number=number, invoice_date=date(2026, 4, 30), customer="C001",
        status="final", run_id=f"run-{number}", taxable=Decimal("-10"), vat=Decimal("-2.20"),
        total=Decimal("-12.20"), payment_method="RB", payment_terms="30", created_at=datetime(2026, 4, 30),
        created_by="test")).inserted_primary_key[0]
    for line_no, line in enumerate(lines, start=1):
        conn.execute(insert(schema.invoice_lines).values(
            invoice_id=note, line_no=line_no, item="A001", description="reso", unit="pz",
            **{"quantity": Decimal(-1), "unit_price": Decimal(10), "amount": Decimal(-10), "vat_rate": Decimal(22),
               **line}))
    return note


def test_a_second_line_crediting_a_return_line_at_the_order_is_refused(ledger_url):
    ledger = open_ledger(ledger_url)
    try:
        with writing(ledger) as conn:
            _note(conn, 1, {"order_line_id": RETURN_LINE, "vat_rate": Decimal(0), "vat_nature": "N3.5"},
                  {"order_line_id": RETURN_LINE, "part": 1},
                  {"order_line_id": RETURN_LINE + 1, "delivery_line_id": 7},
                  {"order_line_id": RETURN_LINE + 1, "delivery_line_id": 8})
        with pytest.raises(IntegrityError), writing(ledger) as conn:
            _note(conn, 2, {"order_line_id": RETURN_LINE})
        with reading(ledger) as conn:
            il = schema.invoice_lines.c
            assert conn.execute(select(il.order_line_id, il.part).order_by(il.id)).all() == [
                (RETURN_LINE, 0), (RETURN_LINE, 1), (RETURN_LINE + 1, 0), (RETURN_LINE + 1, 0)]
    finally:
        ledger.engine.dispose()


def _of_schema_47(conn) -> None:
    back_to(conn, 47, indexes=["uq_invoice_lines_order_part", "ix_events_cuts"])


def _of_schema_41(conn) -> None:
    """Invoice lines with no `part`, which migration 42 makes anew on SQLite (`invoice_lines_of_schema_41`)."""
    invoice_lines_of_schema_41(conn)
    back_to(conn, 41, indexes=["ix_events_cuts"])


OLDER = pytest.mark.parametrize("older, found", [(_of_schema_47, 47), (_of_schema_41, 41)],
                                ids=["schema-47", "schema-41"])


@OLDER
def test_a_ledger_crediting_a_return_line_twice_is_not_migrated(ledger_url, older, found):
    ledger = open_ledger(ledger_url)
    try:
        with writing(ledger) as conn:
            older(conn)
            _note(conn, 1, {"order_line_id": RETURN_LINE})
            _note(conn, 2, {"order_line_id": RETURN_LINE + 1}, {"order_line_id": RETURN_LINE})
        file = Path(ledger.engine.url.database) if ledger.is_sqlite else None
        before = file.read_bytes() if file else None
        with pytest.raises(UnusableInput) as refused:
            migrate(ledger)
        assert refused.value.problem.code == "ledger-credited-twice"
        said = refused.value.problem.message("en")
        assert "NC-2026-00001 line 1, NC-2026-00002 line 2" in said and "Nothing was written" in said
        assert "the ledger stays as it was" in said
        with reading(ledger) as conn:
            assert version(conn) == found
            assert "ix_events_cuts" not in {ix["name"] for ix in inspect(conn).get_indexes("events")}
        if file:
            ledger.engine.dispose()
            assert file.read_bytes() == before
    finally:
        ledger.engine.dispose()


@OLDER
def test_a_return_credited_at_the_order_across_a_ceiling_is_migrated_as_two_parts(ledger_url, older, found):
    """Until schema 48 the two sides of a return line credited at the order were both part 0;
    on SQLite migration 42 makes the invoice lines anew, but not schema 48's index, which had
    refused them with a database error before its own migration told them apart."""
    ledger = open_ledger(ledger_url)
    try:
        with writing(ledger) as conn:
            older(conn)
            _note(conn, 1, {"order_line_id": RETURN_LINE, "vat_rate": Decimal(0), "vat_nature": "N3.5"},
                  {"order_line_id": RETURN_LINE})
        assert migrate(ledger) == 48
        with reading(ledger) as conn:
            il = schema.invoice_lines.c
            assert conn.execute(select(il.line_no, il.part).order_by(il.line_no)).all() == [(1, 0), (2, 1)]
            assert "uq_invoice_lines_order_part" in {ix["name"] for ix in inspect(conn).get_indexes("invoice_lines")}
    finally:
        ledger.engine.dispose()


def test_the_sides_of_a_return_credited_at_the_order_are_stored_as_two_parts():
    """`parts` numbers a line billed or credited at the order as it numbers a DDT line's: the side
    with VAT after the side within the ceiling is part 1, any other line 0."""
    from toolkit.core.invoicing import InvoiceLine
    from toolkit.ledger.invoices import parts

    def line(order_line: int | None, nature: str | None, ddt_line: int | None = None) -> InvoiceLine:
        return InvoiceLine("A001", "reso", "pz", Decimal(-1), Decimal(10), Decimal(-10),
                           Decimal(0 if nature else 22), nature, 1, order_line, ddt_line, None, "OC-2026-00001")

    part = parts()
    assert [part(x) for x in (line(RETURN_LINE, "N3.5"), line(RETURN_LINE, None), line(RETURN_LINE + 1, None),
                              line(RETURN_LINE + 2, "N3.5", 9), line(RETURN_LINE + 2, None, 9),
                              line(None, None))] == [0, 1, 0, 0, 1, 0]

