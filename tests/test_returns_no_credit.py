"""A return whose goods were credited already: `toolkit returns no-credit` closes it for good,
and `ship --invoice` leaves it out as month end does, on SQLite and PostgreSQL.

The scene is `test_credit_returns`': C002 buys 3 kg of coffee on 10 April, invoiced at April's
month end; the desk credits the whole invoice on 5 May; C002 then sends 1 kg back on 20 May
(return template T002), which month end refuses to credit a second time.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from test_credit_returns import (
    CREDITED,
    MAY,
    MAY_RUN,
    REASON,
    RETURNED,
    april_invoice,
    master,
    may_run,
    sheets,
)
from test_printing import cli
from test_shipping import write_book

from toolkit.core.invoicing import InvoiceStatus, Request
from toolkit.core.orders import OrderStatus
from toolkit.core.shipping import ChosenRow
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading, user
from toolkit.ledger.exposure import exposures
from toolkit.services.credit_notes import credit
from toolkit.services.invoicing import run
from toolkit.services.orders import create, list_orders
from toolkit.services.returns import no_credit, no_credit_given
from toolkit.services.shipping import ship

WHY = "Già rimborsato con la nota di credito di maggio"


def refused_return(ledger):
    """The scene up to May's month end, which leaves the return out: (books, its order number, its DDT)."""
    books = master(returned=1)
    invoice = april_invoice(books, ledger)
    assert credit(ledger, books, invoice.number, (), REASON, CREDITED, CREDITED, lang="it").note is not None
    [refused] = may_run(books, ledger).returns_refused
    return books, refused.line.order_number, refused.line.delivery.number


def rows(ledger, table) -> int:
    with reading(ledger) as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_return_closed_with_no_credit_leaves_month_end_for_good(ledger):
    books, number, ddt = refused_return(ledger)
    [problem] = [p for p in run(ledger, books, Request(MAY, MAY_RUN), preview=True, lang="it").problems if p.is_error]
    assert f"toolkit returns no-credit anagrafiche.xlsx --order {number} --reason" in problem.render("it")
    assert f"toolkit returns no-credit anagrafiche.xlsx --order {number} --reason" in problem.render("en")
    with reading(ledger) as conn:
        assert exposures(conn, ["C002"])["C002"].uninvoiced < 0, "the return's DDT waits, its value with it"

    done = no_credit(ledger, number, WHY)
    assert (done.problems, done.status, done.ddts) == ([], OrderStatus.COMPLETED, (ddt,))
    assert done.summary("it") == (f"Reso {number}: nessun accredito dovuto, registrato; i DDT {ddt} non attendono "
                                  "più la fattura; ora «Completato».")

    preview = run(ledger, books, Request(MAY, MAY_RUN), preview=True, lang="it")
    assert (preview.invoices, preview.problems, preview.pending) == ([], [], [])
    again = run(ledger, books, Request(MAY, MAY_RUN), status=InvoiceStatus.FINAL, lang="it")
    assert (again.run_id, again.problems, again.returns_refused) == (None, [], [])
    assert again.latest is not None and again.latest.run_id.startswith("20260531-")
    assert again.summary("it") == (f"Niente da fatturare: l'ultima emissione del periodo è {again.latest.run_id} di "
                                   f"{user()} (1 documento, definitiva).")
    with reading(ledger) as conn:
        assert exposures(conn, ["C002"])["C002"].uninvoiced == 0, "nothing of the return waits to be invoiced"
        e = schema.events.c
        [(by, detail)] = conn.execute(select(e.by, e.detail).where(e.action == "no-credit", e.number == number)).all()
    assert detail == WHY and by
    [order] = [o for o in list_orders(ledger) if o.number == number]
    shown = no_credit_given(ledger, [order])[number]
    assert shown.reason == WHY and shown.shown("it").startswith("nessun accredito dovuto (")


def test_a_return_shipped_in_part_is_closed_giving_up_the_rest(ledger):
    """2 kg to come back, 1 shipped so far: closed with no credit, the rest never ships."""
    books = master(returned=2)
    invoice = april_invoice(books, ledger)
    assert credit(ledger, books, invoice.number, (), REASON, CREDITED, CREDITED, lang="it").note is not None
    [order] = [o for o in create(books, ledger, RETURNED, with_catch_up=False, lang="it").created]
    part = ship(books, ledger, RETURNED, chosen=[ChosenRow(order["number"], "A001", 1)], lang="it")
    assert part.notes and not part.completed
    done = no_credit(ledger, order["number"], WHY)
    assert (done.problems, done.status, done.ddts) == ([], OrderStatus.CLOSED, (part.notes[0].number,))
    [closed] = [o for o in list_orders(ledger) if o.number == order["number"]]
    assert closed.status is OrderStatus.CLOSED
    assert ship(books, ledger, date(2026, 5, 22), all_open=True, lang="it").notes == (), "the rest never ships"
    result = run(ledger, books, Request(MAY, MAY_RUN), status=InvoiceStatus.FINAL, lang="it")
    assert result.returns_refused == [] and not [p for p in result.problems if p.is_error]


def test_refusals_store_nothing(ledger):
    books = master(returned=1)
    april_invoice(books, ledger)
    result = may_run(books, ledger)
    credited = next(line.order_number for x in result.invoices for line in x.lines if line.quantity < 0)
    sold = next(o.number for o in list_orders(ledger) if o.customer == "C002" and o.order_date.month == 4)
    before = rows(ledger, schema.events)
    assert [p.code for p in no_credit(ledger, credited, WHY).problems] == ["no-credit-return-credited"]
    assert "dalla nota di credito NC-" in no_credit(ledger, credited, WHY).problems[0].render("it")
    assert [p.code for p in no_credit(ledger, sold, WHY).problems] == ["no-credit-not-a-return"]
    assert "è di tipo «Ordine standard», non un reso" in no_credit(ledger, sold, WHY).problems[0].render("it")
    assert [p.code for p in no_credit(ledger, "OC-2026-99999", WHY).problems] == ["unknown-order"]
    assert (rows(ledger, schema.uncredited_returns), rows(ledger, schema.events)) == (0, before)


def test_a_return_closed_once_is_refused_the_second_time(ledger):
    _, number, _ = refused_return(ledger)
    assert no_credit(ledger, number, WHY).problems == []
    before = rows(ledger, schema.events)
    [problem] = no_credit(ledger, number, "Altro motivo").problems
    assert problem.code == "no-credit-recorded-already" and f"«{WHY}»" in problem.render("it")
    assert (rows(ledger, schema.uncredited_returns), rows(ledger, schema.events)) == (1, before)


# ---- through the command line


def errors(said: dict) -> list[str]:
    """The codes of the errors a JSON answer holds (the minimal workbook's warnings aside)."""
    return [p["code"] for p in said["problems"] if p["severity"] == "error"]


@pytest.fixture
def desk(tmp_path, ledger_url, rome_today, capsys):
    """The scene's workbook on disk, today 10 June; April invoiced and credited in full."""
    rome_today(date(2026, 6, 10))
    workbook = write_book(tmp_path / "anagrafiche.xlsx", sheets(returned=1))

    def toolkit(verb: str, *args, json_out: bool = True) -> tuple[int, Any]:
        code, said = cli(capsys, *verb.split(), workbook, *args, "--ledger", ledger_url,
                         *(["--json"] if json_out else []))
        return code, (json.JSONDecoder().raw_decode(said)[0] if json_out else said)  # stderr's line after it

    for day in ("2026-04-10",):
        assert toolkit("orders create", "--date", day, "--no-catch-up")[0] == 0
        assert toolkit("ship", "--date", day, "--all")[0] == 0
    assert toolkit("invoice run", "--month", "2026-04", "--date", "2026-05-04", "--final",
                   "--out", str(tmp_path / "fatture"))[0] == 0
    code, done = toolkit("invoice credit", "--invoice", "FT-2026-00001", "--date", "2026-05-05",
                         "--reason", REASON)
    assert code == 0, done
    return toolkit, ledger_url


def test_ship_invoice_leaves_a_credited_return_out_and_ships_and_invoices_the_rest(desk):
    toolkit, url = desk
    for day in ("2026-05-20", "2026-05-21"):
        assert toolkit("orders create", "--date", day, "--no-catch-up")[0] == 0
    code, listed = toolkit("orders list")
    [returned] = [o["number"] for o in listed["orders"] if o["document_type"] == "return"]
    [other] = [o["number"] for o in listed["orders"] if o["customer"] == "C001" and o["date"] == "2026-05-21"]

    code, shipped = toolkit("ship", "--date", "2026-05-21", "--orders", f"{returned},{other}", "--invoice")
    assert (code, shipped["exit_code"]) == (1, 1)
    assert sorted(o for n in shipped["shipped"] for o in n["orders"]) == sorted([returned, other])
    assert [(x["customer"], x["kind"]) for x in shipped["invoices"]] == [("C001", "invoice")]
    [problem] = [p for p in shipped["problems"] if p["severity"] == "error"]
    assert problem["code"] == "return-credited-already" and problem["message"].startswith(f"Il reso {returned} (DDT ")
    [ddt] = [n["ddt"] for n in shipped["shipped"] if returned in n["orders"]]
    assert f"(DDT {ddt})" in problem["message"]

    code, said = toolkit("invoice run", "--month", "2026-05", "--date", "2026-06-03", "--preview")
    assert code == 1 and errors(said) == ["return-credited-already"], "its DDT waits"

    code, closed = toolkit("returns no-credit", "--order", returned, "--reason", WHY)
    assert (code, closed["status"], closed["ddts"], closed["reason"]) == (0, "completed", [ddt], WHY)
    code, said = toolkit("invoice run", "--month", "2026-05", "--date", "2026-06-03", "--preview")
    assert (code, errors(said), said["invoices"]) == (0, [], [])
    code, listed = toolkit("orders list")
    [shown] = [o["no_credit"] for o in listed["orders"] if o["number"] == returned]
    assert shown["reason"] == WHY and shown["at"].endswith("Z")
    assert all(o["no_credit"] is None for o in listed["orders"] if o["number"] != returned)
    code, text = toolkit("orders list", json_out=False)
    assert f"{returned}: nessun accredito dovuto (" in text and text.rstrip().endswith(WHY)


def test_ship_invoice_says_which_return_it_left_out(desk):
    toolkit, _ = desk
    assert toolkit("orders create", "--date", "2026-05-20", "--no-catch-up")[0] == 0
    code, text = toolkit("ship", "--date", "2026-05-20", "--all", "--invoice", json_out=False)
    assert code == 1
    assert "Resi non accreditati, perché la merce è già stata accreditata: " in text
    assert "DDT emessi: 1" in text


def test_the_command_refuses_with_exit_2_and_stores_nothing(desk):
    toolkit, url = desk
    code, said = toolkit("returns no-credit", "--order", "OC-2026-99999", "--reason", WHY)
    assert (code, said["exit_code"], [p["code"] for p in said["problems"]]) == (2, 2, ["unknown-order"])
    code, text = toolkit("returns no-credit", "--order", "OC-2026-00001", "--reason", WHY, json_out=False)
    assert code == 2 and "non un reso" in text and "Nulla è stato registrato" in text
    code, text = toolkit("returns no-credit", "--order", "OC-2026-00001", "--reason", "  ", json_out=False)
    assert code == 2 and "--reason" in text
    with reading(open_ledger(url)) as conn:
        assert conn.execute(select(func.count()).select_from(schema.uncredited_returns)).scalar_one() == 0
