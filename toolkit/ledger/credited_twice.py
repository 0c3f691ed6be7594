"""The return lines a ledger credited at the order twice, which migration 48 refuses to take over.

Schema 48 holds a return's order line to one credit at the order (`schema.credited_once_index`).
A ledger of before may hold a second already (a hand edit, a copy put back, a bug since gone): the
index cannot be made on it, and a database error naming an index tells the desk nothing. The
migration looks for them first and refuses naming each return line and the notes' lines that
credit it, nothing written. Before looking, the two sides of a letter of intent's ceiling credited
at the order, stored as part 0 both until schema 48, are told apart as `toolkit.ledger.invoices.
parts` now stores them (`part_beyond_the_ceiling`): they are one credit, not two.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection, exists, literal_column, select, tuple_, update

from toolkit.basics.problems import Problem, define
from toolkit.ledger import schema

CREDITED_TWICE = define(
    "ledger-credited-twice", "error",
    it="Il registro {ledger} accredita all'ordine due volte la stessa riga di un reso: {lines_it}. Non ho scritto "
       "nulla e il registro resta com'era: questo toolkit non lo apre finché una nota di credito paga "
       "al cliente merce già accreditata. Ripristina il registro da una copia di sicurezza, o fai togliere la riga "
       "di troppo a chi cura il toolkit, poi ripeti il comando.",
    en="The ledger {ledger} credits the same line of a return at the order twice: {lines_en}. Nothing was written "
       "and the ledger stays as it was: this toolkit does not open it while a credit note pays the "
       "customer back goods credited already. Restore the ledger from a backup, or have whoever looks after the "
       "toolkit take out the line too many, then run the command again.")


def part_beyond_the_ceiling(conn: Connection) -> None:
    """Mark part 1 each line billed or credited at the order after its order line's part within a
    letter of intent's ceiling (N3.5) on the same document, as `parts` marks it from schema 48."""
    il, within = schema.invoice_lines.c, schema.invoice_lines.alias("within").c
    conn.execute(update(schema.invoice_lines).where(
        il.delivery_line_id.is_(None), il.order_line_id.is_not(None), il.part == 0,
        il.vat_nature.is_(None) | (il.vat_nature != literal_column("'N3.5'")),
        exists().where(within.invoice_id == il.invoice_id, within.order_line_id == il.order_line_id,
                       within.delivery_line_id.is_(None), within.vat_nature == literal_column("'N3.5'"),
                       within.line_no < il.line_no)).values(part=1))


@dataclass(frozen=True, slots=True)
class CreditedTwice:
    """A return's order line (its order's number and line number, None if the order is gone) and
    the lines of the notes crediting it at the order (note number, line number)."""

    order_line_id: int
    order_line: tuple[str, int] | None
    credits: tuple[tuple[str, int], ...]

    def shown(self, lang: str) -> str:
        line = "riga" if lang == "it" else "line"
        where = (f"{self.order_line[0]} {line} {self.order_line[1]}" if self.order_line
                 else f"order_lines id {self.order_line_id}")
        return f"{where} ({', '.join(f'{note} {line} {no}' for note, no in self.credits)})"


def credited_twice(conn: Connection) -> list[CreditedTwice]:
    """Every return line credited at the order by more than one line of the same part, by id."""
    from toolkit.ledger.db import document_number

    il, i, o, ol = schema.invoice_lines.c, schema.invoices.c, schema.orders.c, schema.order_lines.c
    twice = (select(il.order_line_id, il.part).where(schema.credited_at_order)
             .group_by(il.order_line_id, il.part).having(literal_column("count(*)") > 1))
    credits: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for order_line_id, series, year, number, line_no in conn.execute(
            select(il.order_line_id, i.series, i.year, i.number, il.line_no)
            .join(schema.invoices, i.id == il.invoice_id)
            .where(schema.credited_at_order, tuple_(il.order_line_id, il.part).in_(twice))
            .order_by(il.order_line_id, i.series, i.year, i.number, il.line_no)):
        credits[order_line_id].append((document_number(series, year, number), line_no))
    if not credits:
        return []
    orders = {r.id: (document_number(r.series, r.year, r.number), r.line_no) for r in conn.execute(
        select(ol.id, ol.line_no, o.series, o.year, o.number).join(schema.orders, o.id == ol.order_id)
        .where(ol.id.in_(sorted(credits))))}
    return [CreditedTwice(line_id, orders.get(line_id), tuple(found)) for line_id, found in sorted(credits.items())]


def told(found: list[CreditedTwice], ledger: str) -> Problem:
    return CREDITED_TWICE(None, ledger=ledger, lines_it="; ".join(f.shown("it") for f in found),
                          lines_en="; ".join(f.shown("en") for f in found))
