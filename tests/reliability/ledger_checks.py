"""What a consistent ledger looks like after races and kills: every series' numbers run from 1
without a gap or a repeat and match their counter, each order (template, date) exists once, no
line ships more than was ordered (and each line's kept `shipped`, and what shipped per item and
day, `shipped_by_day`, are their DDT lines' sums), and no DDT line is invoiced twice."""

from __future__ import annotations

from collections import Counter

from oracles import stock_summed
from sqlalchemy import func, select

from toolkit.ledger import schema
from toolkit.ledger.db import reading


def numbering(ledger) -> dict[str, tuple[int, int, int]]:
    """Per document table: (documents, duplicate numbers, missing numbers)."""
    found = {}
    with reading(ledger) as conn:
        for name, table in (("orders", schema.orders), ("ddts", schema.deliveries), ("invoices", schema.invoices)):
            rows = conn.execute(select(table.c.series, table.c.year, table.c.number)).all()
            counts = Counter(rows)
            duplicates = sum(n - 1 for n in counts.values())
            missing = 0
            for series, year in {(s, y) for s, y, _ in rows}:
                numbers = {n for s, y, n in rows if (s, y) == (series, year)}
                missing += max(numbers) - len(numbers)
                last = conn.execute(select(schema.counters.c.last).where(schema.counters.c.series == series,
                                                                        schema.counters.c.year == year)).scalar()
                assert last == max(numbers), f"{name} {series}-{year}: counter {last}, last number {max(numbers)}"
            found[name] = (len(rows), duplicates, missing)
    return found


def consistent(ledger) -> dict[str, tuple[int, int, int]]:
    """`numbering`, after checking the documents' links hold."""
    with reading(ledger) as conn:
        keys = conn.execute(select(schema.orders.c.template, schema.orders.c.occurrence)).all()
        assert len(keys) == len(set(keys)), "an order created twice"
        ordered = dict(conn.execute(select(schema.order_lines.c.id, schema.order_lines.c.quantity)).all())
        shipped = conn.execute(select(schema.delivery_lines.c.order_line_id, func.sum(schema.delivery_lines.c.quantity))
                               .group_by(schema.delivery_lines.c.order_line_id)).all()
        assert all(abs(total) <= abs(ordered[line]) for line, total in shipped), "a line shipped past its order"
        kept = dict(conn.execute(select(schema.order_lines.c.id, schema.order_lines.c.shipped)).all())
        assert kept == {line: dict(shipped).get(line, 0) for line in kept}, "a line's kept shipped is not its DDTs' sum"
        sb = schema.shipped_by_day.c
        by_day = {(r.item, r.delivery_date): r.quantity for r in conn.execute(select(sb.item, sb.delivery_date, sb.quantity))}
        assert by_day == stock_summed.shipped_by_day(conn), "what shipped per item and day is not its DDT lines' sum"
        invoiced = conn.execute(select(schema.invoice_lines.c.delivery_line_id)
                                .where(schema.invoice_lines.c.delivery_line_id.is_not(None))).scalars().all()
        assert len(invoiced) == len(set(invoiced)), "a DDT line invoiced twice"
    return numbering(ledger)
