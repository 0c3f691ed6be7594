"""A final document numbered after a draft run's numbers in its series leaves that run no undo
(its numbers would leave a gap), only its finalization (`after_draft_runs`). The desk's daily
flows issue their invoices all the same, warned (`numbered-after-draft-run`): refusing them
stopped the sales desk and the warehouse while the accountant checked a month end. The
accountant's own acts, a credit note in the invoices' series and a run issued `--final`, are
refused (exit 2, nothing stored), naming the run and the two ways out. `invoice undo` of a run
followed by final documents says it can only be made final, naming them."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
from sqlalchemy import func, select
from test_held_invoices_and_credit_notes import share_the_invoice_series
from test_printing import cli

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading

RUN = ("invoice", "--orders", "OC-2026-00001", "--date", "2026-11-09")


@pytest.fixture
def drafted(tmp_path, sample_workbook, ledger_url, rome_today, capsys):
    """9 November's orders created and shipped, their POS and prepay invoices FT-2026-00001…00003
    final, and a draft run invoicing OC-2026-00001 alone: FT-2026-00004, a draft."""
    rome_today(date(2026, 11, 20))
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    for args in (("orders", "create", workbook, "--date", "2026-11-09"), ("ship", workbook, "--date", "2026-11-09",
                 "--all"), (*RUN[:1], workbook, *RUN[1:], "--out", tmp_path / "fatture")):
        assert cli(capsys, *args, "--ledger", ledger_url)[0] == 0, args
    return workbook, ledger_url


def _json(capsys, desk, verb: str, *args) -> tuple[int, dict]:
    """`toolkit VERB WORKBOOK ARGS --json` (VERB may be two words, `invoice list`): exit code and JSON."""
    workbook, url = desk
    code, said = cli(capsys, *verb.split(), workbook, *args, "--ledger", url, "--json")
    return code, json.JSONDecoder().raw_decode(said[said.index("{"):])[0]


def _count(url: str, table) -> int:
    with reading(open_ledger(url)) as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _draft_run(capsys, desk) -> str:
    return next(r["run_id"] for r in _json(capsys, desk, "invoice list")[1]["runs"] if r["status"] == "draft")


def _refused(said: dict, run: str) -> None:
    assert [p["code"] for p in said["problems"]] == ["issued-after-draft-run"]
    message = said["problems"][0]["message"]
    assert "FT-2026-00004–FT-2026-00004" in message and "toolkit invoice undo " in message
    assert f"anagrafiche.xlsx {run}»" in message


def test_orders_invoiced_at_once_are_issued_with_a_warning_and_the_run_can_then_only_be_made_final(capsys, drafted):
    run = _draft_run(capsys, drafted)
    orders, invoices = _count(drafted[1], schema.orders), _count(drafted[1], schema.invoices)
    code, said = _json(capsys, drafted, "orders create", "--date", "2026-11-16")
    assert code in (0, 1) and _count(drafted[1], schema.orders) > orders
    issued = _count(drafted[1], schema.invoices) - invoices
    assert issued > 0 and not [p for p in said["problems"] if p["severity"] == "error"]
    [warned] = [p for p in said["problems"] if p["code"] == "numbered-after-draft-run"]  # once, at the first
    assert warned["severity"] == "warning"
    assert (f"L'emissione {run} è ancora in bozza nella serie FT 2026 (FT-2026-00004–FT-2026-00004) e le fatture "
            "emesse con gli ordini (ordine OC-2026-") in warned["message"]
    assert f"solo rendere definitiva (toolkit invoice finalize anagrafiche.xlsx {run})" in warned["message"]
    assert "nota di credito" in warned["message"]

    before = _count(drafted[1], schema.invoices)
    code, said = _json(capsys, drafted, "invoice undo", run)
    assert (code, said["undone"], [p["code"] for p in said["problems"]]) == (
        2, 0, ["invoice-run-followed-by-final"])  # refused as the accountant's acts are, exit 2
    message = said["problems"][0]["message"]
    assert f"ci sono già {issued} documenti definitivi (il primo FT-2026-00005)" in message, message
    assert f"toolkit invoice finalize anagrafiche.xlsx {run}" in message and "annulla prima" not in message
    assert _count(drafted[1], schema.invoices) == before
    assert cli(capsys, "invoice", "finalize", drafted[0], run, "--ledger", drafted[1])[0] == 0


def test_a_draft_run_followed_by_drafts_only_is_undone_from_the_latest(capsys, drafted, tmp_path):
    """Later draft runs are undone first, as the refusal says: no final document follows."""
    first = _draft_run(capsys, drafted)
    assert _json(capsys, drafted, "invoice", "--month", "2026-11", "--date", "2026-11-09", "--out",
                 tmp_path / "again")[0] == 0
    code, said = _json(capsys, drafted, "invoice undo", first)
    assert (code, [p["code"] for p in said["problems"]]) == (2, ["invoice-run-not-latest"])
    runs = _json(capsys, drafted, "invoice list")[1]["runs"]
    latest = next(r["run_id"] for r in runs if r["status"] == "draft" and r["run_id"] != first)
    assert _json(capsys, drafted, "invoice undo", latest)[1]["undone"] > 0
    assert _json(capsys, drafted, "invoice undo", first)[1]["undone"] == 1


def test_a_credit_note_in_the_invoices_series_waits_for_the_draft_run(capsys, drafted):
    share_the_invoice_series(drafted[0])
    run = _draft_run(capsys, drafted)
    before = _count(drafted[1], schema.invoices)
    code, said = _json(capsys, drafted, "invoice credit", "--invoice", "FT-2026-00001", "--reason", "Reso")
    assert code == 2 and said["credit_note"] is None
    _refused(said, run)
    assert _count(drafted[1], schema.invoices) == before


def test_a_final_run_waits_for_the_draft_run(capsys, drafted, tmp_path):
    run = _draft_run(capsys, drafted)
    before = _count(drafted[1], schema.invoices)
    code, said = _json(capsys, drafted, "invoice", "--month", "2026-11", "--date", "2026-11-09", "--final", "--out",
                       tmp_path / "definitive")
    assert code == 2
    _refused(said, run)
    assert _count(drafted[1], schema.invoices) == before
    assert cli(capsys, "invoice", "finalize", drafted[0], run, "--ledger", drafted[1])[0] == 0
    assert _json(capsys, drafted, "invoice", "--month", "2026-11", "--date", "2026-11-09", "--final", "--out",
                 tmp_path / "definitive")[0] == 0
    assert _count(drafted[1], schema.invoices) > before


def test_an_order_form_of_a_customer_invoiced_at_once_is_converted_and_warned_on_its_own_line(capsys, drafted,
                                                                                             tmp_path):
    """`convert --to orders` was refused whole while the draft run stood: the form is converted,
    its invoice issued, and the warning names its order, so it is on that form's line."""
    from command_line import in_process as toolkit
    from test_convert import by_name

    from tests.foreign_inputs import order_form

    workbook, url = drafted
    run = _draft_run(capsys, drafted)
    forms = tmp_path / "moduli"
    order_form(forms / "subito.xlsx", "C004", date(2026, 11, 16), [("A001", 1)])
    mapping = tmp_path / "moduli.toml"
    mapping.write_text('[orders]\ncustomer = "Cliente:"\ndate = "B4"\nreference = "Vs. riferimento"\n'
                       '[orders.lines]\nitem = "Codice articolo"\nquantity = "Q.tà"\n', encoding="utf-8")
    invoices = _count(url, schema.invoices)
    code, document = toolkit(["convert", str(forms), "--to", "orders", "--master", str(workbook), "--map",
                              str(mapping), "--out", str(tmp_path / "out"), "--jobs", "1", "--ledger", url], capsys)
    form = by_name(document)["subito.xlsx"]
    assert (code, form["status"]) == (0, "converted") and _count(url, schema.invoices) == invoices + 1
    [told] = [p for p in form["problems"] if p["code"] == "numbered-after-draft-run"]
    assert run in told["message"] and f"(ordine {form['orders'][0]})" in told["message"]
