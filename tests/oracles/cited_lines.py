"""Every line that cites another document's line finds it: what the foreign keys of schema 20
enforced (a DDT line's order line, an invoice line's DDT line and order line), asked of the rows
themselves, one outer join per citing column, written here apart from `schema.CITED_LINES`."""

from __future__ import annotations

from sqlalchemy import Connection, text

CITATIONS = (("delivery_lines", "order_line_id", "order_lines"),
             ("invoice_lines", "delivery_line_id", "delivery_lines"),
             ("invoice_lines", "order_line_id", "order_lines"))


def citations(conn: Connection) -> dict[str, tuple[int, int]]:
    """Per citing column ("table.column"): how many rows cite a line, and how many of those
    cite a line that is not there."""
    found = {}
    for table, column, cited in CITATIONS:
        total, missing = conn.execute(text(
            f"SELECT count(t.{column}), count(t.{column}) - count(c.id) "
            f"FROM {table} AS t LEFT JOIN {cited} AS c ON c.id = t.{column}")).one()
        found[f"{table}.{column}"] = (total, missing)
    return found
