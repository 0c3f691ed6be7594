"""Invoicing chosen orders now (`toolkit invoice … --orders`) and shipping with the invoice
(`toolkit ship … --invoice`): just those lines, once, and the series' date order kept."""

from __future__ import annotations

from datetime import date

import pytest

from toolkit.basics.vocab import InvoiceTerms
from toolkit.core.invoicing import Period, Request
from toolkit.ledger import open_ledger
from toolkit.ledger.db import reading
from toolkit.ledger.deliveries import load_notes
from toolkit.ledger.invoices import load_invoices
from toolkit.services.invoicing import run
from toolkit.services.orders import create
from toolkit.services.shipping import ship

APRIL = Period(date(2026, 4, 1), date(2026, 4, 30))
APRIL_9 = date(2026, 4, 9)


@pytest.fixture
def shipped(tmp_path, sample_master):
    """The sample's April 9 ordered and shipped: DDTs waiting for month end."""
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    made = create(sample_master, ledger, APRIL_9, with_catch_up=False, lang="it")
    assert not [p for p in made.problems if p.is_error]
    done = ship(sample_master, ledger, APRIL_9, all_open=True, lang="it")
    assert done.notes
    yield sample_master, ledger, done
    ledger.engine.dispose()


def _deferred(master) -> set[str]:
    return {c.code for c in master.customers
            if c.invoice_terms not in (InvoiceTerms.IMMEDIATE, InvoiceTerms.DO_NOT_INVOICE)}


def _deferred_orders(master, notes) -> list[str]:
    """Orders shipped on DDTs whose customers' lines wait for a run (month end, or their calendar)."""
    monthly = _deferred(master)
    return sorted({o for n in notes if n.customer in monthly for o in n.orders})


def test_an_order_invoiced_alone_is_not_invoiced_again_at_month_end(shipped):
    master, ledger, done = shipped
    chosen = _deferred_orders(master, done.notes)[0]
    alone = run(ledger, master, Request(APRIL, date(2026, 4, 10), date(2026, 4, 10)), orders=[chosen], lang="it")
    assert alone.run_id and not [p for p in alone.problems if p.is_error], [str(p) for p in alone.problems]
    assert {line.order_number for x in alone.invoices for line in x.lines} == {chosen}
    assert {x.invoice_date for x in alone.invoices} == {date(2026, 4, 10)}
    month_end = run(ledger, master, Request(APRIL, date(2026, 5, 4)), lang="it")
    assert month_end.run_id
    assert chosen not in {line.order_number for x in month_end.invoices for line in x.lines}
    with reading(ledger) as conn:
        lines = [(line.delivery_line_id, x.number) for x in load_invoices(conn) for line in x.lines
                 if line.order_number == chosen]
    assert lines and len({d for d, _ in lines}) == len(lines)
    assert {n for _, n in lines} == {x.number for x in alone.invoices}


def test_the_other_orders_wait_for_month_end(shipped):
    master, ledger, done = shipped
    first, *others = _deferred_orders(master, done.notes)
    assert others
    run(ledger, master, Request(APRIL, date(2026, 4, 10), date(2026, 4, 10)), orders=[first], lang="it")
    month_end = run(ledger, master, Request(APRIL, date(2026, 5, 4)), lang="it")
    assert set(others) <= {line.order_number for x in month_end.invoices for line in x.lines}


def test_an_unknown_order_stores_nothing(shipped):
    master, ledger, _ = shipped
    result = run(ledger, master, Request(APRIL, date(2026, 4, 10), date(2026, 4, 10)), orders=["OV-2026-99999"], lang="it")
    assert result.run_id is None
    assert [p.code for p in result.problems] == ["invoice-unknown-order"]


def test_chosen_orders_keep_the_series_date_order(shipped):
    master, ledger, done = shipped
    first, second, *_ = _deferred_orders(master, done.notes)
    assert run(ledger, master, Request(APRIL, date(2026, 4, 20), date(2026, 4, 20)), orders=[first], lang="it").run_id
    earlier = run(ledger, master, Request(APRIL, date(2026, 4, 20), date(2026, 4, 15)), orders=[second], lang="it")
    assert earlier.run_id is None
    assert "invoice-date-out-of-sequence" in [p.code for p in earlier.problems]


def test_ship_and_invoice_in_one_step(tmp_path, sample_master, rome_today):
    master = sample_master
    rome_today(date(2026, 4, 30))
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    create(master, ledger, APRIL_9, with_catch_up=False, lang="it")
    done = ship(master, ledger, APRIL_9, all_open=True, invoice=True, lang="it")
    monthly = _deferred(master)
    assert done.notes and done.invoices
    shipped_lines = {line.id for n in done.notes if n.customer in monthly for line in n.lines}
    invoiced_lines = {line.delivery_line_id for x in done.invoices for line in x.lines}
    assert shipped_lines and shipped_lines <= invoiced_lines
    assert {x.invoice_date for x in done.invoices} == {APRIL_9}
    assert {x.status.value for x in done.invoices if x.status} == {"final"}
    assert "Fatture emesse con i DDT" in done.summary("it")
    month_end = run(ledger, master, Request(APRIL, date(2026, 5, 4)), lang="it")
    assert not shipped_lines & {line.delivery_line_id for x in month_end.invoices for line in x.lines}
    ledger.engine.dispose()


def test_ship_with_an_invoice_out_of_date_order_ships_nothing(tmp_path, sample_master, rome_today):
    master = sample_master
    rome_today(date(2026, 4, 30))
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    create(master, ledger, APRIL_9, with_catch_up=False, lang="it")
    tenth = [row["number"] for row in create(master, ledger, date(2026, 4, 10), with_catch_up=False, lang="it").created]
    later = ship(master, ledger, date(2026, 4, 10), numbers=tenth, lang="it")
    assert later.notes
    assert run(ledger, master, Request(APRIL, date(2026, 4, 20), date(2026, 4, 20)),
               orders=sorted({o for n in later.notes for o in n.orders}), lang="it").run_id
    with reading(ledger) as conn:
        before = {n.number for n in load_notes(conn)}
    refused = ship(master, ledger, date(2026, 4, 10), all_open=True, invoice=True, lang="it")  # the 9th's orders, on the 10th
    assert refused.notes == () and "invoice-date-out-of-sequence" in [p.code for p in refused.problems]
    with reading(ledger) as conn:
        assert {n.number for n in load_notes(conn)} == before
    ledger.engine.dispose()


def _toolkit(args: list[str], capsys) -> tuple[int, dict]:
    import json

    from toolkit.cli import app, output

    app._register()
    output.reset()
    code = app.run([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_the_command_line_invoices_chosen_orders_without_a_month(tmp_path, sample_workbook, rome_today, capsys):
    import shutil

    from tests.test_cli_json import valid

    rome_today(date(2026, 4, 10))
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copy(sample_workbook, workbook)
    assert _toolkit(["orders", "create", str(workbook), "--date", "2026-04-09"], capsys)[0] == 0
    code, shipped = _toolkit(["ship", str(workbook), "--date", "2026-04-09", "--all"], capsys)
    assert code == 0 and valid("ship", shipped)["invoices"] == []
    order = shipped["shipped"][0]["orders"][0]
    code, invoiced = _toolkit(["invoice", str(workbook), "--orders", order, "--out", str(tmp_path / "out")], capsys)
    valid("invoice run", invoiced)
    assert code == 0, invoiced["problems"]
    assert [x["date"] for x in invoiced["invoices"]] == ["2026-04-10"]
    assert invoiced["run_id"].startswith("20260410-"), "named after its invoices' date, not the month's end"
    assert (tmp_path / "out" / f"fatture-{invoiced['run_id']}.xlsx").exists()


def test_the_command_line_ships_and_invoices(tmp_path, sample_workbook, rome_today, capsys):
    import shutil

    from tests.test_cli_json import valid

    rome_today(date(2026, 4, 10))
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copy(sample_workbook, workbook)
    assert _toolkit(["orders", "create", str(workbook), "--date", "2026-04-09"], capsys)[0] == 0
    code, shipped = _toolkit(["ship", str(workbook), "--date", "2026-04-09", "--all", "--invoice",
                              "--out", str(tmp_path / "ddt.xlsx")], capsys)
    assert code == 0, shipped["problems"]
    assert {x["date"] for x in valid("ship", shipped)["invoices"]} == {"2026-04-09"}
    assert {x["status"] for x in shipped["invoices"]} == {"final"}
    import openpyxl

    assert shipped["invoices_workbook"] == str(tmp_path / "ddt-fatture.xlsx")
    printed = openpyxl.load_workbook(shipped["invoices_workbook"]).sheetnames
    assert sorted(printed) == sorted(x["number"] for x in shipped["invoices"])


def test_invoice_needs_a_month_or_orders(tmp_path, sample_workbook, capsys):
    code, answer = _toolkit(["invoice", str(sample_workbook), "--preview"], capsys)
    assert code == 2 and answer["problems"][0]["code"] == "usage-error"


def test_a_do_not_invoice_customer_shipped_with_the_invoice_is_told_the_command_that_releases_it(tmp_path,
                                                                                                 sample_master):
    """`ship --invoice` leaves a *Non fatturare* customer's lines waiting, as month end does, and
    said *usa --release C013*: an option `ship` does not have, which the desk then typed there.
    It names the command whose option it is."""
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    create(sample_master, ledger, APRIL_9, with_catch_up=False, lang="it")
    done = ship(sample_master, ledger, APRIL_9, all_open=True, invoice=True, lang="it")
    said = {p.message("it") for p in done.problems if p.code == "invoice-held"}
    assert said == {"Il cliente C013 ha 3 righe consegnate non fatturate ma è «Non fatturare»: quando dà il via "
                    "libera, fattura con toolkit invoice e --release C013."}
    assert {p.message("en") for p in done.problems if p.code == "invoice-held"} == {
        "Customer C013 has 3 delivered lines not invoiced but is “Do not invoice”: when they give the go-ahead, "
        "invoice with toolkit invoice and --release C013."}
    assert "C013" not in {x.customer for x in done.invoices}
    ledger.engine.dispose()
