"""A final document is not numbered after a draft run's numbers in its series (`after_draft_runs`):
the run could no longer be undone, its numbers leaving a gap below a final one. The POS and
prepay invoices of `orders create`, a credit note in the invoices' series and a run issued
`--final` are refused as the debit note is (exit 2, nothing stored), naming the run and the
two ways out; once it is undone, they are issued with the numbers it gave back."""

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


def test_orders_invoiced_at_once_wait_for_the_draft_run_to_be_undone_or_made_final(capsys, drafted):
    run = _draft_run(capsys, drafted)
    orders, invoices = _count(drafted[1], schema.orders), _count(drafted[1], schema.invoices)
    code, said = _json(capsys, drafted, "orders create", "--date", "2026-11-16")
    assert code == 2
    _refused(said, run)
    assert (_count(drafted[1], schema.orders), _count(drafted[1], schema.invoices)) == (orders, invoices)
    assert cli(capsys, "invoice", "undo", drafted[0], run, "--ledger", drafted[1])[0] == 0
    code, said = _json(capsys, drafted, "orders create", "--date", "2026-11-16")
    assert code in (0, 1) and _count(drafted[1], schema.orders) > orders
    assert "FT-2026-00004" in [i["number"] for i in _json(capsys, drafted, "payments status")[1]["invoices"]]


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
