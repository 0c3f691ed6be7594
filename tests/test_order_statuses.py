"""The seed's statuses (draft, booked, in progress, shipped, invoiced, closed, voided) as the
ledger keeps them: only the chart's steps, each logged with who and when (issue 16, point 7)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from toolkit.core.orders import TRANSITIONS, OrderStatus, can_change
from toolkit.ledger import schema
from toolkit.ledger.db import reading, user
from toolkit.ledger.orders import load_orders, order_by_number
from toolkit.services.order_status import change_status
from toolkit.services.orders import create
from toolkit.services.shipping import ship

MAY_15 = date(2026, 5, 15)


@pytest.fixture
def desk(tmp_path, sample_workbook, capsys):
    """A copy of the sample with 15 May's orders created, and the command line to run on it:
    `toolkit(*args)` gives the exit code and what was printed."""
    import shutil

    from toolkit.cli import app, output

    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copy(sample_workbook, workbook)

    def toolkit(*args):
        app._register()
        output.reset()
        code = app.run([*map(str, args)])
        return code, capsys.readouterr()

    assert toolkit("orders", "create", workbook, "--date", "2026-05-15", "--no-catch-up")[0] == 0
    return workbook, toolkit


@pytest.fixture
def orders(sample_master, ledger):
    create(sample_master, ledger, MAY_15, with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        found = load_orders(conn)
    return {o.document_type.value: o for o in found}


def events(ledger, number):
    e = schema.events.c
    with reading(ledger) as conn:
        return conn.execute(select(e.action, e.by, e.at, e.detail).where(e.number == number).order_by(e.id)).all()


def status(ledger, number):
    with reading(ledger) as conn:
        return order_by_number(conn, number).status


def test_every_change_is_logged_with_who_and_when(ledger, orders):
    quotation = orders["quotation"].number
    assert change_status(ledger, quotation, OrderStatus.NOT_ACCEPTED).problems == []
    assert change_status(ledger, quotation, OrderStatus.DRAFT).problems == []
    assert change_status(ledger, quotation, OrderStatus.VOIDED).problems == []
    logged = events(ledger, quotation)
    assert [(a, d) for a, _, _, d in logged] == [
        ("generated", logged[0].detail), ("rejected", "draft -> not-accepted"), ("reopened", "not-accepted -> draft"),
        ("voided", "draft -> voided")]
    assert {by for _, by, _, _ in logged} == {user()} and all(at is not None for _, _, at, _ in logged)


def test_shipped_is_reached_by_shipping_never_by_hand(sample_master, ledger, orders):
    standard = orders["standard"]
    problems = change_status(ledger, standard.number, OrderStatus.COMPLETED).problems
    assert [p.code for p in problems] == ["order-not-all-shipped"]
    assert standard.number in problems[0].message("en")
    assert status(ledger, standard.number) is OrderStatus.IN_PROGRESS
    assert [a for a, *_ in events(ledger, standard.number)] == ["generated"]
    shipped = ship(sample_master, ledger, MAY_15, numbers=[standard.number], force=True, lang="it")
    if status(ledger, standard.number) is not OrderStatus.COMPLETED:
        pytest.skip(f"the sample's stock holds {standard.number}: {[str(p) for p in shipped.problems]}")
    assert [a for a, *_ in events(ledger, standard.number)] == ["generated", "completed"]
    assert change_status(ledger, standard.number, OrderStatus.CLOSED).problems == []
    assert [p.code for p in change_status(ledger, standard.number, OrderStatus.VOIDED).problems] == ["bad-status-transition"]
    assert [a for a, *_ in events(ledger, standard.number)] == ["generated", "completed", "closed"]


def test_the_command_refuses_a_step_off_the_chart(desk):
    workbook, toolkit = desk
    code, said = toolkit("orders", "status", workbook, "OC-2026-00001", "--to", "completed")
    assert code == 1 and "OC-2026-00001" in said.out + said.err
    code, said = toolkit("orders", "status", workbook, "OC-2026-00001", "--to", "draft")
    assert code == 1 and "OC-2026-00001" in said.out + said.err


@pytest.mark.parametrize("start,wanted", [
    (s, w) for s in OrderStatus for w in OrderStatus if s is not w])
def test_the_chart(start, wanted):
    """Terminal statuses stay; nothing goes back to a draft but a refusal; completion only after progress."""
    allowed = can_change(start, wanted)
    if start in (OrderStatus.CLOSED, OrderStatus.VOIDED):
        assert not allowed
    if wanted is OrderStatus.COMPLETED:
        assert allowed is (start is OrderStatus.IN_PROGRESS)
    if wanted is OrderStatus.DRAFT:
        assert allowed is (start is OrderStatus.NOT_ACCEPTED)
    assert allowed is (wanted in TRANSITIONS[start])


def test_the_command_takes_the_status_as_the_desk_reads_it(desk):
    """`--to chiuso`, `--status "in corso"`: the words the panel and the documents print, in any
    case; the English codes still work; a wrong word lists both."""
    import json

    workbook, toolkit = desk
    code, said = toolkit("orders", "status", workbook, "OC-2026-00001", "--to", "Chiuso")
    assert code == 0 and "«Chiuso»" in said.out
    code, said = toolkit("orders", "list", workbook, "--status", "CHIUSO", "--json")
    assert code == 0 and [o["number"] for o in json.loads(said.out)["orders"]] == ["OC-2026-00001"]
    code, said = toolkit("orders", "list", workbook, "--status", "in corso", "--json")
    in_progress = {o["status"] for o in json.loads(said.out)["orders"]}
    assert code == 0 and in_progress == {"in-progress"}
    assert toolkit("orders", "list", workbook, "--status", "closed")[0] == 0

    code, said = toolkit("orders", "status", workbook, "OC-2026-00002", "--to", "spedito")
    both = ("Bozza, Non accettato, In corso, Completato, Chiuso, Annullato / "
            "draft, not-accepted, in-progress, completed, closed, voided")
    assert code == 2
    assert f"«spedito»: {both}" in said.err
    assert "Errore: Valore non valido per --to: «spedito»: Bozza, Non accettato, In corso, Completato, Chiuso, " \
           "Annullato\n" in said.err
    code, said = toolkit("orders", "status", "--help")
    assert code == 0 and "Chiuso" in said.out and "closed" in said.out
