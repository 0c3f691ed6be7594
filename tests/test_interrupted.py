"""Ctrl+C and kill -9 between storing documents and printing them: the documents stay in the
ledger, so the desk is told which ones and how to print them, never left to run the command
again and issue them twice (audit 54c)."""

from __future__ import annotations

import pytest
import test_printing
from test_printing import cli, numbers, stored

from toolkit.ledger import schema

desk = test_printing.desk


def interrupt(*args, **kwargs):
    raise KeyboardInterrupt


def invoiced_and_shipped(capsys, workbook, url) -> str:
    """An invoice issued with its DDT (`ship --invoice`): its lines may be credited one by one."""
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    assert cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--invoice", "--ledger", url)[0] == 0
    return "FT-2026-00003"


def test_ctrl_c_while_the_ddts_are_written_ends_as_a_file_not_written(capsys, tmp_path, desk, monkeypatch):
    import toolkit.writers.ddt

    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    before = stored(url)["deliveries"]
    monkeypatch.setattr(toolkit.writers.ddt, "write_delivery_notes", interrupt)
    out = tmp_path / "ddt.xlsx"
    code, said = cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--out", out, "--ledger", url)
    issued = numbers(url, schema.deliveries)[before:]
    assert code == 4 and issued, said
    assert "interrotto con Ctrl+C prima di scriverlo" in said and ", ".join(issued) in said
    assert f"toolkit print ddt {workbook} --numbers {','.join(issued)} --out {out}" in said
    assert not out.exists() and list(tmp_path.glob(".*ddt*")) == []


def test_ctrl_c_while_orders_create_prints_names_every_file_left(capsys, tmp_path, desk, monkeypatch):
    """The orders' file is interrupted: the DDTs' and invoices' files are not tried, and named."""
    import toolkit.writers.orders_book

    workbook, url = desk
    monkeypatch.setattr(toolkit.writers.orders_book, "write_order_documents", interrupt)
    out = tmp_path / "ordini.xlsx"
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--out", out, "--ledger", url)
    ddts, invoices = numbers(url, schema.deliveries), numbers(url, schema.invoices)
    assert code == 4 and ddts and invoices, said
    assert said.count("interrotto con Ctrl+C prima di scriverlo") == 3
    assert f"toolkit print ddt {workbook} --numbers {','.join(ddts)} --out {tmp_path / 'ordini-ddt.xlsx'}" in said
    assert (f"toolkit print invoices {workbook} --numbers {','.join(invoices)} "
            f"--out {tmp_path / 'ordini-fatture.xlsx'}") in said
    assert list(tmp_path.glob("ordini*")) == []


def test_ctrl_c_while_a_credit_note_is_printed_names_it(capsys, tmp_path, desk, monkeypatch):
    import toolkit.writers.accountants

    workbook, url = desk
    invoice = invoiced_and_shipped(capsys, workbook, url)
    monkeypatch.setattr(toolkit.writers.accountants, "write_copies", interrupt)
    out = tmp_path / "nc.xlsx"
    code, said = cli(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--lines", "1:1", "--reason",
                     "merce rotta", "--date", "2026-04-20", "--out", out, "--ledger", url)
    note = numbers(url, schema.invoices)[-1]
    assert code == 4 and note.startswith("NC-"), said
    assert f"toolkit print invoices {workbook} --numbers {note} --out {out}" in said
    assert not out.exists()


def test_ctrl_c_before_the_commit_says_nothing_was_stored(capsys, tmp_path, desk, monkeypatch):
    import toolkit.services.shipping

    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    before = stored(url)
    monkeypatch.setattr(toolkit.services.shipping, "store_drafts", interrupt)
    code, said = cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--out", tmp_path / "ddt.xlsx",
                     "--ledger", url)
    assert code == 130
    assert "Interrotto prima di registrare: nel registro non è cambiato nulla" in said
    assert stored(url) == before and not (tmp_path / "ddt.xlsx").exists()


@pytest.mark.parametrize("json", [False, True])
def test_ctrl_c_after_a_commit_keeps_the_general_words(capsys, tmp_path, desk, monkeypatch, json):
    """A verb that stored something and is interrupted after (marking documents printed, say)
    does not claim nothing changed."""
    import toolkit.services.printing

    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    monkeypatch.setattr(toolkit.services.printing, "mark", interrupt)
    code, said = cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--out", tmp_path / "ddt.xlsx",
                     "--ledger", url, *(["--json"] if json else []))
    assert code == 130, said
    assert "ogni azione già confermata resta nel registro" in said and "non è cambiato nulla" not in said
    assert (tmp_path / "ddt.xlsx").exists()
