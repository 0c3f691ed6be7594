"""Quotations and proposals: confirmed once into a standard order that cites them, printed as
offers, never shipped themselves (issue 16, point 1)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select, text

from toolkit.cli import app, output
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading, writing

MAY_15 = "2026-05-15"
"""The sample's quotation template (plan 4, the 15th of each month) is due; April's is skipped."""


def toolkit(capsys, *args) -> tuple[int, dict]:
    app._register()
    output.reset()
    capsys.readouterr()
    code = app.run([*map(str, args), "--json"])
    return code, json.loads(capsys.readouterr().out)


def plain(capsys, *args) -> int:
    """A verb without --json (`orders status`): its exit code."""
    app._register()
    output.reset()
    code = app.run([*map(str, args)])
    capsys.readouterr()
    return code


@pytest.fixture
def desk(tmp_path, sample_workbook, capsys) -> tuple[Path, str]:
    """The sample with May 15's orders created; returns the workbook and its quotation's number."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copy(sample_workbook, workbook)
    code, made = toolkit(capsys, "orders", "create", workbook, "--date", MAY_15, "--no-catch-up")
    assert code == 0, made["problems"]
    code, listed = toolkit(capsys, "orders", "list", workbook)
    [quotation] = [o["number"] for o in listed["orders"] if o["document_type"] == "quotation"]
    return workbook, quotation


def orders_by_number(capsys, workbook) -> dict[str, dict]:
    return {o["number"]: o for o in toolkit(capsys, "orders", "list", workbook)[1]["orders"]}


def test_a_confirmed_quotation_ships_and_is_invoiced(desk, capsys):
    workbook, quotation = desk
    code, confirmed = toolkit(capsys, "orders", "confirm", workbook, quotation, "--date", MAY_15)
    assert (code, confirmed["ok"], confirmed["quotation"]) == (0, True, quotation)
    order = confirmed["order"]
    listed = orders_by_number(capsys, workbook)
    assert (listed[quotation]["document_type"], listed[quotation]["status"]) == ("quotation", "closed")
    made = listed[order]
    assert (made["document_type"], made["status"], made["customer"]) == ("standard", "in-progress",
                                                                        listed[quotation]["customer"])
    assert (made["quantity"], made["amount"]) == (listed[quotation]["quantity"], listed[quotation]["amount"])
    assert made["date"] == MAY_15 and (made["template"], made["origin"]) == (None, f"quotation:{quotation}")

    code, status = toolkit(capsys, "payments", "status", workbook, "--as-of", MAY_15)
    for invoice in (i for i in status["invoices"] if i["number"] in confirmed["invoices"]):
        assert toolkit(capsys, "payments", "record", workbook, "--invoice", invoice["number"], "--date", MAY_15,
                       "--amount", invoice["outstanding"])[0] == 0, "invoiced at once, its goods may wait for it"
    code, shipped = toolkit(capsys, "ship", workbook, "--date", MAY_15, "--orders", order)
    assert code == 0 and [s["orders"] for s in shipped["shipped"]] == [[order]]
    assert shipped["completed"] == [order]
    code, run = toolkit(capsys, "invoice", "run", workbook, "--month", "2026-05", "--date", "2026-05-31",
                        "--preview")
    assert code == 0
    month_end = [i["number"] for i in run["invoices"] if i["customer"] == made["customer"]]
    assert len(confirmed["invoices"] + month_end) == 1, "invoiced once: at once (Immediato) or at month end"
    ledger = open_ledger(None, workbook)
    with reading(ledger) as conn:
        found = conn.execute(text(
            "SELECT count(*) FROM invoice_lines il JOIN order_lines ol ON il.order_line_id = ol.id "
            "JOIN orders o ON ol.order_id = o.id WHERE o.confirms IS NOT NULL")).scalar()
        cited = conn.execute(select(schema.orders.c.confirms).where(schema.orders.c.confirms.is_not(None))).scalar()
        quoted_id = conn.execute(select(schema.orders.c.id).where(
            schema.orders.c.number == int(quotation[-5:]))).scalar()
        events = conn.execute(select(schema.events.c.action, schema.events.c.number, schema.events.c.by)
                              .where(schema.events.c.action.in_(["confirmed", "closed"]))).all()
    ledger.engine.dispose()
    assert found == made["lines"]
    assert cited == quoted_id
    assert {(a, n) for a, n, _ in events} == {("confirmed", order), ("closed", quotation)}
    assert all(by for _, _, by in events)


def test_confirming_twice_names_the_order_made_the_first_time(desk, capsys):
    workbook, quotation = desk
    code, first = toolkit(capsys, "orders", "confirm", workbook, quotation, "--date", MAY_15)
    assert code == 0
    code, again = toolkit(capsys, "orders", "confirm", workbook, quotation, "--date", MAY_15)
    assert (code, again["ok"], again["order"]) == (1, False, None)
    [problem] = again["problems"]
    assert problem["code"] == "quotation-already-confirmed"
    assert first["order"] in problem["message"] and quotation in problem["message"]
    assert sum(o["origin"] == f"quotation:{quotation}" for o in orders_by_number(capsys, workbook).values()) == 1


def test_only_open_quotations_and_proposals_are_confirmed(desk, capsys):
    workbook, quotation = desk
    listed = orders_by_number(capsys, workbook)
    standard = next(n for n, o in listed.items() if o["document_type"] == "standard")
    code, refused = toolkit(capsys, "orders", "confirm", workbook, standard)
    assert code == 1 and [p["code"] for p in refused["problems"]] == ["not-a-quotation"]
    code, refused = toolkit(capsys, "orders", "confirm", workbook, "OC-2026-00999")
    assert code == 2 and [p["code"] for p in refused["problems"]] == ["unknown-order"]
    assert plain(capsys, "orders", "status", workbook, quotation, "--to", "voided") == 0
    code, refused = toolkit(capsys, "orders", "confirm", workbook, quotation)
    assert code == 1 and [p["code"] for p in refused["problems"]] == ["quotation-not-open"]
    assert len(orders_by_number(capsys, workbook)) == len(listed)


def test_a_proposal_is_confirmed_too(tmp_path, sample_workbook, capsys):
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copy(sample_workbook, workbook)
    assert toolkit(capsys, "orders", "create", workbook, "--date", "2026-04-30", "--no-catch-up")[0] == 0
    proposal = next(n for n, o in orders_by_number(capsys, workbook).items() if o["document_type"] == "proposal")
    code, confirmed = toolkit(capsys, "orders", "confirm", workbook, proposal, "--date", "2026-04-30")
    assert code == 0
    listed = orders_by_number(capsys, workbook)
    assert listed[proposal]["status"] == "closed" and listed[confirmed["order"]]["document_type"] == "standard"
    assert listed[confirmed["order"]]["origin"] == f"proposal:{proposal}"
    from toolkit.ledger.orders import order_by_number, reservations

    ledger = open_ledger(None, workbook)
    with reading(ledger) as conn:
        made = order_by_number(conn, confirmed["order"])
        held = reservations(conn)
    ledger.engine.dispose()
    assert made is not None and made.place == proposal, "the order keeps the proposal's place for stock"
    item = made.lines[0].item
    assert made.number in held.holders_ahead(item, made.number), "ranked at the proposal's, before its own number"
    assert held.ahead(item, made) == held.ahead(item, proposal)


def test_orders_list_shows_what_a_confirmed_order_confirms_where_a_template_would_be(desk, capsys):
    from toolkit.cli.tables import print_orders
    from toolkit.ledger.orders import load_orders

    workbook, quotation = desk
    order = toolkit(capsys, "orders", "confirm", workbook, quotation, "--date", MAY_15)[1]["order"]
    ledger = open_ledger(None, workbook)
    with reading(ledger) as conn:
        found = {o.number: o for o in load_orders(conn)}
    ledger.engine.dispose()
    made = found[order]
    assert (made.template, made.confirms, str(made.origin)) == (None, quotation, f"quotation:{quotation}")
    for lang, shown in (("it", f"Conferma di {quotation}"), ("en", f"Confirms {quotation}")):
        print_orders([made], lang)
        assert shown in capsys.readouterr().out
    template_made = next(o for o in found.values() if o.template is not None)
    assert template_made.origin.shown("it") == template_made.template


def test_quotations_never_ship(desk, capsys):
    workbook, quotation = desk
    code, shipped = toolkit(capsys, "ship", workbook, "--date", MAY_15, "--orders", quotation)
    assert shipped["shipped"] == [] and [p["code"] for p in shipped["problems"]] == ["order-does-not-ship"]
    code, shipped = toolkit(capsys, "ship", workbook, "--date", MAY_15, "--all")
    assert quotation not in {n for s in shipped["shipped"] for n in s["orders"]}


def test_quotations_print_as_offers_and_the_order_cites_them(desk, capsys, tmp_path):
    workbook, quotation = desk
    order = toolkit(capsys, "orders", "confirm", workbook, quotation, "--date", MAY_15)[1]["order"]
    out = tmp_path / "ordini.xlsx"
    code, printed = toolkit(capsys, "print", "orders", workbook, "--numbers", f"{quotation},{order}", "--out", out)
    assert code == 0, printed["problems"]
    book = openpyxl.load_workbook(out)
    cells = {name: [c for row in book[name].iter_rows(values_only=True) for c in row if c is not None]
             for name in book.sheetnames}
    assert f"OFFERTA {quotation}" in cells[quotation]
    assert f"ORDINE CLIENTE {order}" in cells[order]
    at = cells[order].index("Conferma di")
    assert cells[order][at + 1] == quotation


def test_a_version_7_ledger_moves_the_quotation_out_of_the_template(tmp_path, minimal_master):
    """A confirmed order of a version 7 ledger held its quotation's number in `template`: the
    upgrade empties it (the citation is in `confirms`), leaves the orders of templates as they
    were, and the column then takes NULL on SQLite too."""
    from older_ledgers import back_to, older_ledger
    from sqlalchemy import inspect

    url = older_ledger(tmp_path, minimal_master, 7)
    ledger = open_ledger(url)
    with writing(ledger) as conn:
        conn.execute(text("PRAGMA writable_schema = ON"))
        version = conn.execute(text("PRAGMA schema_version")).scalar_one()
        conn.execute(text("UPDATE sqlite_master SET sql = replace(sql, 'template VARCHAR(60),', "
                          "'template VARCHAR(60) NOT NULL,') WHERE name = 'orders'"))
        conn.execute(text(f"PRAGMA schema_version = {version + 1}"))
        conn.execute(text("PRAGMA writable_schema = OFF"))
        conn.execute(text("INSERT INTO orders (series, year, number, template, occurrence, order_date, customer, "
                          "document_type, status, price_list, price_version, price_type, confirms, created_at, "
                          "created_by) SELECT series, year, 99, 'OC-2026-00001', occurrence, order_date, customer, "
                          "'standard', 'in-progress', price_list, price_version, price_type, id, created_at, "
                          "created_by FROM orders WHERE number = 1"))
        back_to(conn, 7)
        lines = conn.execute(text("SELECT count(*) FROM order_lines")).scalar_one()
    ledger.engine.dispose()
    upgraded = open_ledger(url)
    with reading(upgraded) as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION
        assert next(c for c in inspect(conn).get_columns("orders") if c["name"] == "template")["nullable"]
        assert conn.execute(text("SELECT number, template FROM orders ORDER BY number")).all() == [
            (1, "T001"), (99, None)]
        assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        assert conn.execute(text("SELECT count(*) FROM order_lines")).scalar_one() == lines > 0
    upgraded.engine.dispose()


def test_a_version_6_ledger_gains_the_citation(tmp_path, minimal_master):
    from older_ledgers import older_ledger
    from sqlalchemy import inspect

    url = older_ledger(tmp_path, minimal_master, 6, columns={"orders": ["confirms"]})
    upgraded = open_ledger(url)
    with reading(upgraded) as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION
        found = inspect(conn)
        assert "confirms" in {c["name"] for c in found.get_columns("orders")}
        assert {"name": "uq_order_confirms", "unique": 1}.items() <= {
            k: v for i in found.get_indexes("orders") if i["name"] == "uq_order_confirms" for k, v in i.items()}.items()
        assert conn.execute(text("SELECT count(*), count(confirms) FROM orders")).one() == (1, 0)
    upgraded.engine.dispose()


def test_a_confirmation_dated_after_today_is_refused_and_stores_nothing(desk, capsys, rome_today):
    """A customer accepts today at the latest: a confirmation typed months ahead made an order,
    and for a customer invoiced *Immediato* an invoice dated then, the first number of a year
    that had not begun."""
    from datetime import date

    workbook, quotation = desk
    rome_today(date(2026, 5, 20))
    before = orders_by_number(capsys, workbook)
    code, refused = toolkit(capsys, "orders", "confirm", workbook, quotation, "--date", "2027-03-20")
    assert (code, refused["order"], refused["invoices"]) == (1, None, [])
    [problem] = refused["problems"]
    assert problem["code"] == "confirm-date-in-future"
    assert problem["message"].startswith(
        f"La conferma di {quotation} sarebbe datata 20/03/2027, dopo oggi (20/05/2026)"), problem["message"]
    assert orders_by_number(capsys, workbook) == before
    assert before[quotation]["status"] == "draft"


def test_a_wrong_number_with_a_future_date_is_told_the_number_first(desk, capsys, rome_today):
    """Both typed wrong: the date error came first, the desk fixed the date and only then learnt
    the number was wrong. The number is checked first, as a slip (exit 2)."""
    from datetime import date

    workbook, _ = desk
    rome_today(date(2026, 5, 20))
    code, refused = toolkit(capsys, "orders", "confirm", workbook, "OC-2026-00999", "--date", "2027-03-20")
    assert code == 2 and [p["code"] for p in refused["problems"]] == ["unknown-order"]


def test_a_confirmation_whose_invoice_would_break_the_numbering_asks_for_a_later_date(desk, capsys, rome_today):
    """The quotation's customer is invoiced *Immediato*; an invoice of 20/05 is out already, so
    one dated 16/05 is refused: in the confirmation's words, not `orders create`'s (a template
    to leave out with --exclude)."""
    from datetime import date

    workbook, quotation = desk
    rome_today(date(2026, 5, 20))
    code, made = toolkit(capsys, "orders", "create", workbook, "--date", "2026-05-20", "--no-catch-up")
    assert code == 0 and made["invoices"], made
    latest = made["invoices"][-1]
    code, refused = toolkit(capsys, "orders", "confirm", workbook, quotation, "--date", "2026-05-16")
    assert (code, refused["order"]) == (1, None)
    [problem] = refused["problems"]
    assert problem["code"] == "confirm-invoice-out-of-sequence"
    assert problem["message"].startswith(f"La conferma di {quotation} del 16/05/2026 emetterebbe la fattura immediata")
    assert problem["message"].endswith(f"{latest} del 20/05/2026 già emessa (serie FT 2026, dove i numeri seguono "
                                       "le date): nulla è stato registrato. Conferma con --date dal 20/05/2026 in poi.")
    assert orders_by_number(capsys, workbook)[quotation]["status"] == "draft"
    code, confirmed = toolkit(capsys, "orders", "confirm", workbook, quotation, "--date", "2026-05-20")
    assert code == 0 and confirmed["order"] and confirmed["invoices"]


def test_a_quotation_of_a_customer_taken_off_the_sheet_is_not_confirmed(desk, capsys):
    """The customer's terms decide what the order does (an *Immediato* one is invoiced with it):
    off the sheet, the order was made as a plain one and its invoice never issued."""
    workbook, quotation = desk
    customer = orders_by_number(capsys, workbook)[quotation]["customer"]
    book = openpyxl.load_workbook(workbook)
    templates = [row[0].value for row in book["Modelli ordine"].iter_rows(min_row=2) if row[1].value == customer]
    for sheet in book.worksheets:
        for row in range(sheet.max_row, 1, -1):
            if any(cell.value == customer or cell.value in templates for cell in sheet[row]):
                sheet.delete_rows(row)
    book.save(workbook)
    code, refused = toolkit(capsys, "orders", "confirm", workbook, quotation)
    assert (code, refused["order"], refused["invoices"]) == (1, None, [])
    assert [p["code"] for p in refused["problems"] if p["severity"] == "error"] == ["confirm-customer-not-in-workbook"]
    listed = orders_by_number(capsys, workbook)
    assert listed[quotation]["status"] == "draft"
    assert not [o for o in listed.values() if o["origin"] == f"quotation:{quotation}"]


def test_a_quotation_turned_down_says_how_to_confirm_it_when_the_customer_changes_mind(desk, capsys):
    """*Non accettato* may go back to draft: the refusal says so, where it said only that it
    cannot be confirmed; back to draft, it is confirmed."""
    workbook, quotation = desk
    assert plain(capsys, "orders", "status", workbook, quotation, "--to", "non accettato") == 0
    code, refused = toolkit(capsys, "orders", "confirm", workbook, quotation)
    assert code == 1 and [p["code"] for p in refused["problems"]] == ["quotation-not-accepted"]
    assert refused["problems"][0]["message"].endswith(
        f"riportalo in «Bozza» (toolkit orders status {quotation} --to bozza) e confermalo.")
    assert orders_by_number(capsys, workbook)[quotation]["status"] == "not-accepted"
    assert plain(capsys, "orders", "status", workbook, quotation, "--to", "bozza") == 0
    code, confirmed = toolkit(capsys, "orders", "confirm", workbook, quotation)
    assert code == 0 and confirmed["order"]
