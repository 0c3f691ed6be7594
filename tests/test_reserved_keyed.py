"""The kept reservations have no index but their key (schema 37): the rows a day's DDTs ship, an
order's status moves and a voided DDT gives back are deleted by their full key, found from the
order lines, and stay what the lines sum to. SQLite and PostgreSQL; the plans on SQLite."""

from __future__ import annotations

import random
import sqlite3
from datetime import date
from decimal import Decimal

from older_ledgers import back_to, older_ledger
from sqlalchemy import event, inspect, select, text
from test_shipping_setbased import master_of, randomized

from toolkit.core.orders import OrderStatus
from toolkit.ledger import open_ledger, reserved, schema
from toolkit.ledger.db import reading, writing
from toolkit.ledger.deliveries import load_notes
from toolkit.ledger.orders import load_orders
from toolkit.services.ddt_void import void_ddt
from toolkit.services.order_status import change_status
from toolkit.services.orders import create
from toolkit.services.shipping import ship

DAY = date(2026, 4, 9)
OLD_INDEX = "ix_reserved_order"
FULL_KEY = "USING PRIMARY KEY (item=? AND place_year=? AND place_series=? AND place_number=? AND order_id=?)"


def kept_and_summed(ledger) -> tuple[list[tuple], list[tuple]]:
    """The rows kept, and the rows `recount` sums again from every line (rolled back)."""
    with ledger.engine.connect() as conn:
        transaction = conn.begin()
        kept = [tuple(r) for r in conn.execute(select(schema.reserved).order_by(*reserved.KEY))]
        reserved.recount(conn)
        summed = [tuple(r) for r in conn.execute(select(schema.reserved).order_by(*reserved.KEY))]
        transaction.rollback()
    return kept, summed


def test_a_day_deletes_the_reserved_rows_by_their_full_key(ledger, tmp_path):
    master = randomized(master_of(tmp_path, 11), random.Random(11))
    deletes: list[tuple[str, object]] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("DELETE FROM RESERVED"):
            deletes.append((statement, parameters))

    create(master, ledger, DAY, lang="it")
    event.listen(ledger.engine, "before_cursor_execute", seen)
    try:
        shipped = ship(master, ledger, DAY, all_open=True, lang="it")
        assert shipped.notes
        with reading(ledger) as conn:
            open_orders = [o.number for o in load_orders(conn) if o.status is OrderStatus.IN_PROGRESS and o.to_ship]
        assert open_orders, "an order left to ship, to close"
        assert change_status(ledger, open_orders[0], OrderStatus.CLOSED).problems == []
        assert void_ddt(master, ledger, shipped.notes[0].number, None).voided
    finally:
        event.remove(ledger.engine, "before_cursor_execute", seen)
    kept, summed = kept_and_summed(ledger)
    assert kept == summed
    assert len(deletes) >= 3, "the DDTs shipped, the order closed, the DDT voided"
    with reading(ledger) as conn:
        assert OLD_INDEX not in {i["name"] for i in inspect(conn).get_indexes("reserved")}
        if conn.dialect.name != "sqlite":
            return
        for statement, parameters in deletes:
            plan = [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
            assert any(FULL_KEY in step for step in plan), plan
            assert not any(step.startswith("SCAN reserved") for step in plan), plan


def test_migration_37_drops_the_order_index_and_keeps_the_rows(tmp_path):
    master = master_of(tmp_path, 5)
    url = older_ledger(tmp_path, master, 36, f"CREATE INDEX {OLD_INDEX} ON reserved (order_id)", shipped=True)
    with sqlite3.connect(url.removeprefix("sqlite:///")) as raw:
        before = raw.execute("SELECT * FROM reserved ORDER BY item, place_year, place_series, place_number, "
                             "order_id").fetchall()
        assert raw.execute("SELECT count(*) FROM sqlite_master WHERE name = ?", (OLD_INDEX,)).fetchone() == (1,)
    assert before
    migrated = open_ledger(url)
    with reading(migrated) as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION == 48
        assert OLD_INDEX not in {i["name"] for i in inspect(conn).get_indexes("reserved")}
    with writing(migrated) as conn:
        holding = [o.id for o in load_orders(conn) if o.status is OrderStatus.IN_PROGRESS and o.to_ship][::2]
        reserved.recount(conn, holding)
    assert holding
    kept, summed = kept_and_summed(migrated)
    assert kept == summed and [row[:5] for row in kept] == [tuple(row[:5]) for row in before]
    migrated.engine.dispose()


def same_as_summed(ledger) -> list[tuple]:
    """The rows kept, asserted equal to those every line sums to; returned to say something holds."""
    kept, summed = kept_and_summed(ledger)
    assert kept == summed
    return kept


def held_by(ledger, number: str) -> list[tuple]:
    """The kept rows of the order `number`: (item, quantity)."""
    with reading(ledger) as conn:
        [order] = [o for o in load_orders(conn) if o.number == number]
        return [(row.item, row.quantity) for row in conn.execute(
            select(schema.reserved).where(schema.reserved.c.order_id == order.id).order_by(schema.reserved.c.item))]


def test_every_status_move_and_void_keeps_the_rows_the_lines_sum_to(ledger, tmp_path):
    """A day shipped in part (orders held for stock), then orders closed and voided, shipped in part or not; an
    order completed reopened by its DDT voided; one closed since its DDT voided, which stays closed and
    holds nothing (`ddt-void-order-kept-closed`); the day shipped again, which wakes the held orders."""
    master = randomized(master_of(tmp_path, 3), random.Random(3))
    create(master, ledger, DAY, lang="it")
    first = ship(master, ledger, DAY, all_open=True, lang="it")
    assert first.notes and first.held
    same_as_summed(ledger)
    with reading(ledger) as conn:
        orders = load_orders(conn)
    partly = [o for o in orders if o.status is OrderStatus.IN_PROGRESS and o.to_ship and any(x.shipped for x in o.lines)]
    waiting = [o for o in orders if o.status is OrderStatus.IN_PROGRESS and o.to_ship and o not in partly]
    moved = []
    for among, status in ((partly, OrderStatus.CLOSED), (waiting, OrderStatus.VOIDED), (waiting, OrderStatus.CLOSED),
                          (partly, OrderStatus.CLOSED)):
        for order in among:  # an order invoiced at the order is not closed
            if order not in moved and held_by(ledger, order.number) and \
                    not change_status(ledger, order.number, status).problems:
                moved.append(order)
                assert held_by(ledger, order.number) == []
                assert same_as_summed(ledger)
                break
    assert len(moved) == 4, "two orders shipped in part closed, one not shipped voided and one closed"
    partly = [moved[0], moved[3]]
    [note] = [n for n in first.notes if partly[1].number in {x.order_number for x in n.lines}][:1]
    completed = {x.order_number for x in note.lines} - {partly[1].number}
    voided = void_ddt(master, ledger, note.number, None)
    assert voided.voided and partly[1].number in voided.kept_closed and partly[1].number not in voided.reopened
    assert [p.code for p in voided.problems] == ["ddt-void-order-kept-closed"]
    same_as_summed(ledger)
    assert held_by(ledger, partly[1].number) == []
    assert all(held_by(ledger, number) for number in completed & set(voided.reopened))
    again = ship(master, ledger, DAY, all_open=True, replan=True, lang="it")
    assert partly[1].number not in {x.order_number for n in again.notes for x in n.lines}
    same_as_summed(ledger)


def test_a_line_cut_at_a_vat_rate_change_and_its_ddts_voided_keep_the_rows_the_lines_sum_to(ledger, rome_today):
    """A001 of the 4 January order shipped 6 on 30 December, 2 on 4 January at the new rate (line 1
    cut at 6, the rest a line 3), then 3 more by a quantities row naming the item; each DDT voided,
    the latest first; the order closed."""
    from test_vat_rate_of_delivery_day import _cut_on_first_new

    from toolkit.core.shipping import ChosenRow

    order, books = _cut_on_first_new(ledger, rome_today, "A001")
    assert dict(held_by(ledger, order.number))["A001"] == 4
    same_as_summed(ledger)
    done = ship(books, ledger, date(2027, 1, 5), chosen=[ChosenRow(order.number, "A001", Decimal(3))], future=True, lang="it")
    assert done.notes
    assert dict(held_by(ledger, order.number))["A001"] == 1
    same_as_summed(ledger)
    with reading(ledger) as conn:
        numbers = [n.number for n in load_notes(conn) if order.number in {x.order_number for x in n.lines}]
    assert len(numbers) == 3
    for number, left in zip(reversed(numbers), (4, 6, 12)):
        assert void_ddt(books, ledger, number, None).voided
        assert dict(held_by(ledger, order.number))["A001"] == left
        same_as_summed(ledger)
    assert change_status(ledger, order.number, OrderStatus.CLOSED).problems == []
    assert held_by(ledger, order.number) == []
    same_as_summed(ledger)


def test_a_proposal_confirmed_and_a_day_created_again_keep_the_rows_the_lines_sum_to(ledger, sample_master,
                                                                                    rome_today):
    """The sample's proposal of 30 April holds, not accepted holds nothing, a draft again holds;
    confirmed, it is closed and its order holds at its place; the order ships in part by a
    quantities row and is closed; the day created again, and with one template only, makes
    nothing and moves no row; the day's return (credited at the order) ships back."""
    from toolkit.core.shipping import ChosenRow
    from toolkit.services.order_confirm import confirm

    day = rome_today(date(2026, 4, 30))
    assert create(sample_master, ledger, day, with_catch_up=False, lang="it").created
    with reading(ledger) as conn:
        [proposal] = [o for o in load_orders(conn) if o.document_type.value == "proposal"]
    held = held_by(ledger, proposal.number)
    assert held
    before = same_as_summed(ledger)
    assert change_status(ledger, proposal.number, OrderStatus.NOT_ACCEPTED).problems == []
    assert held_by(ledger, proposal.number) == []
    same_as_summed(ledger)
    assert change_status(ledger, proposal.number, OrderStatus.DRAFT).problems == []
    assert held_by(ledger, proposal.number) == held
    assert same_as_summed(ledger) == before
    made = confirm(sample_master, ledger, proposal.number, day, lang="it")
    assert made.order and not [p for p in made.problems if p.is_error]
    assert held_by(ledger, proposal.number) == []
    assert held_by(ledger, made.order) == held
    same_as_summed(ledger)
    line = proposal.lines[0]
    done = ship(sample_master, ledger, day, chosen=[ChosenRow(made.order, line.item, line.quantity / 2)], force=True, lang="it")
    assert done.notes, [str(p) for p in done.problems]
    assert held_by(ledger, made.order)
    same_as_summed(ledger)
    assert change_status(ledger, made.order, OrderStatus.CLOSED).problems == []
    assert held_by(ledger, made.order) == []
    after = same_as_summed(ledger)
    for only in (None, [proposal.template]):
        assert not create(sample_master, ledger, day, only=only, with_catch_up=False, lang="it").created
        assert same_as_summed(ledger) == after
    assert len(after) == len(before) - len(held)
    with reading(ledger) as conn:
        [given_back] = [o for o in load_orders(conn) if o.document_type.value == "return"]
    notes = ship(sample_master, ledger, day, all_open=True, force=True, lang="it").notes
    assert given_back.number in {x.order_number for n in notes for x in n.lines}
    same_as_summed(ledger)


def test_migration_37_on_a_ledger_with_closed_orders_keeps_their_rows_away(ledger_url, tmp_path):
    """A ledger of schema 36 with an order shipped in part and closed, and one never shipped
    voided: migrated, they hold nothing; the DDT of the closed one voided leaves it closed
    (`ddt-void-order-kept-closed`), still holding nothing, as the voided one."""
    master = randomized(master_of(tmp_path, 3), random.Random(3))
    old = open_ledger(ledger_url)
    create(master, old, DAY, lang="it")
    shipped = ship(master, old, DAY, all_open=True, lang="it")
    with reading(old) as conn:
        orders = [o for o in load_orders(conn) if o.status is OrderStatus.IN_PROGRESS and o.to_ship]
    closed = next(o for o in orders if any(x.shipped for x in o.lines)
                  and not change_status(old, o.number, OrderStatus.CLOSED).problems)
    voided = next(o for o in orders if not any(x.shipped for x in o.lines)
                  and not change_status(old, o.number, OrderStatus.VOIDED).problems)
    with writing(old) as conn:
        conn.execute(text(f"CREATE INDEX {OLD_INDEX} ON reserved (order_id)"))
        back_to(conn, 36)
    old.engine.dispose()
    migrated = open_ledger(ledger_url)
    with reading(migrated) as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION == 48
        assert OLD_INDEX not in {i["name"] for i in inspect(conn).get_indexes("reserved")}
    assert held_by(migrated, closed.number) == held_by(migrated, voided.number) == []
    same_as_summed(migrated)
    [note] = [n for n in shipped.notes if closed.number in {x.order_number for x in n.lines}][:1]
    done = void_ddt(master, migrated, note.number, None)
    assert closed.number in done.kept_closed and [p.code for p in done.problems] == ["ddt-void-order-kept-closed"]
    assert held_by(migrated, closed.number) == held_by(migrated, voided.number) == []
    assert same_as_summed(migrated)
    migrated.engine.dispose()
