"""Ctrl+C and kill -9 between storing documents and printing them: the documents stay in the
ledger, so the desk is told which ones and how to print them, never left to run the command
again and issue them twice (audit 54c)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import test_printing
from test_printing import cli, numbers, stored

from toolkit.ledger import schema

desk = test_printing.desk


@pytest.fixture
def any_desk(tmp_path, sample_workbook, ledger_url) -> tuple[Path, str]:
    """The sample master workbook in a folder of its own, and a ledger on SQLite or PostgreSQL."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    return workbook, ledger_url


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


def test_ctrl_c_during_a_statement_says_nothing_was_stored_with_no_internal_error(capsys, tmp_path, any_desk):
    """Ctrl+C while the server runs one of the ship's statements (drawing the DDT numbers):
    SQLAlchemy invalidates a connection a KeyboardInterrupt leaves mid-statement, and on
    PostgreSQL the write transaction's cleanup (`copy_in.statistics_kept`) asked it again, so
    the command ended in an internal error, *PendingRollbackError: Can't reconnect until invalid
    transaction is rolled back*, exit 3. It is the interrupt it was: exit 130, nothing stored."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    workbook, url = any_desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    before = stored(url)

    def at_the_counters(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE COUNTERS"):
            raise KeyboardInterrupt

    event.listen(Engine, "before_cursor_execute", at_the_counters)
    try:
        code, said = cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--ledger", url)
    finally:
        event.remove(Engine, "before_cursor_execute", at_the_counters)
    assert code == 130 and "Interrotto prima di registrare: nel registro non è cambiato nulla" in said, said
    assert stored(url) == before
    assert cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--ledger", url)[0] in (0, 1)
    assert stored(url) != before


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


def killed(*args, **kwargs):
    """kill -9 after the commit, before the file: nothing caught, nothing said, nothing printed."""
    raise SystemExit(137)


def advised(said: str) -> list[str]:
    """The `toolkit print` commands a message advises, as arguments."""
    return [re.split(r"Stampa(?:lo|la|li|le) con: ", line)[1].split() for line in said.splitlines()
            if re.search(r"Stampa(?:lo|la|li|le) con: toolkit print", line)]


def test_the_run_after_a_killed_ship_names_the_ddts_never_printed(capsys, tmp_path, any_desk, monkeypatch):
    import openpyxl

    import toolkit.writers.ddt

    workbook, url = any_desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--out", tmp_path / "ordini.xlsx",
               "--ledger", url)[0] == 0
    printed = stored(url)["deliveries"]
    real = toolkit.writers.ddt.write_delivery_notes
    monkeypatch.setattr(toolkit.writers.ddt, "write_delivery_notes", killed)
    ship = ["ship", workbook, "--date", "2026-04-10", "--all", "--out", tmp_path / "ddt1.xlsx", "--ledger", url]
    assert cli(capsys, *ship)[0] == 137
    issued = numbers(url, schema.deliveries)[printed:]
    monkeypatch.setattr(toolkit.writers.ddt, "write_delivery_notes", real)
    code, said = cli(capsys, *ship)
    assert code == 0, said
    assert f"DDT registrati e mai stampati: {', '.join(issued)}." in said
    [command] = advised(said)
    assert command == ["toolkit", "print", "ddt", str(workbook), "--unprinted", "--date", "2026-04-10", "--out",
                       str(tmp_path / "ddt1-ddt-non-stampati.xlsx")]
    assert cli(capsys, *command[1:], "--ledger", url)[0] == 0
    assert openpyxl.load_workbook(tmp_path / "ddt1-ddt-non-stampati.xlsx").sheetnames == issued
    code, said = cli(capsys, *ship[:-4], "--out", tmp_path / "ddt2.xlsx", "--ledger", url, "--json")
    assert code == 0 and "documents-never-printed" not in said


def test_the_run_after_a_killed_orders_create_names_its_ddts_and_invoices(capsys, tmp_path, any_desk, monkeypatch):
    import json

    import openpyxl

    import toolkit.writers.orders_book

    workbook, url = any_desk
    create = ["orders", "create", workbook, "--date", "2026-04-09", "--out", tmp_path / "ordini.xlsx", "--ledger", url]
    real = toolkit.writers.orders_book.write_order_documents
    monkeypatch.setattr(toolkit.writers.orders_book, "write_order_documents", killed)
    assert cli(capsys, *create)[0] == 137
    ddts, invoices = numbers(url, schema.deliveries), numbers(url, schema.invoices)
    monkeypatch.setattr(toolkit.writers.orders_book, "write_order_documents", real)
    code, said = cli(capsys, *create, "--json")
    assert code == 0, said
    warned = [p for p in json.loads(said)["problems"] if p["code"] == "documents-never-printed"]
    assert [p["severity"] for p in warned] == ["warning", "warning"]
    assert ", ".join(ddts) in warned[0]["message"] and ", ".join(invoices) in warned[1]["message"]
    code, said = cli(capsys, *create[:-4], "--out", tmp_path / "ordini.xlsx", "--ledger", url)
    ddt_command, invoice_command = advised(said)
    assert invoice_command[-2:] == ["--out", str(tmp_path / "ordini-fatture-non-stampate.xlsx")]
    for command in (ddt_command, invoice_command):
        assert cli(capsys, *command[1:], "--ledger", url)[0] == 0
    assert openpyxl.load_workbook(tmp_path / "ordini-ddt-non-stampati.xlsx").sheetnames == ddts
    assert openpyxl.load_workbook(tmp_path / "ordini-fatture-non-stampate.xlsx").sheetnames == invoices


def test_a_credit_note_killed_before_its_file_is_not_issued_twice(capsys, tmp_path, any_desk, monkeypatch):
    import toolkit.writers.accountants

    workbook, url = any_desk
    invoice = invoiced_and_shipped(capsys, workbook, url)
    credit = ["invoice", "credit", workbook, "--invoice", invoice, "--lines", "1:1", "--reason", "merce rotta",
              "--date", "2026-04-20", "--out", tmp_path / "nc.xlsx", "--ledger", url]
    real = toolkit.writers.accountants.write_copies
    monkeypatch.setattr(toolkit.writers.accountants, "write_copies", killed)
    assert cli(capsys, *credit)[0] == 137
    monkeypatch.setattr(toolkit.writers.accountants, "write_copies", real)
    before = numbers(url, schema.invoices)
    assert before[-1] == "NC-2026-00001"
    code, said = cli(capsys, *credit)
    assert code == 2, said
    assert (f"La fattura {invoice} ha già la nota di credito NC-2026-00001 del 20/04/2026 per le stesse righe (1), "
            "registrata e mai stampata") in said
    assert (f"Stampala con: toolkit print invoices {workbook} --unprinted --numbers NC-2026-00001 "
            f"--out {tmp_path / 'nc.xlsx'} — ") in said and "--again" in said
    assert "mai stampati" not in said
    assert numbers(url, schema.invoices) == before and not (tmp_path / "nc.xlsx").exists()
    code, said = cli(capsys, *credit[:-4], "--out", tmp_path / "nc2.xlsx", "--ledger", url, "--lines", "2:1")
    assert code == 0 and "NC-2026-00002" in said, said
    assert "Nota di credito o di debito registrata e mai stampata: NC-2026-00001." in said
    code, said = cli(capsys, *credit, "--again")
    assert code == 0 and "NC-2026-00003" in said and (tmp_path / "nc.xlsx").exists(), said


def test_notes_not_printed_by_the_toolkit_are_not_taken_for_a_killed_run(capsys, tmp_path, desk):
    """Without --out a desk prints its notes another way, and credits a line in parts by the same
    command (docs/credit-notes.md, *The notes add up to the invoice*): nothing refused, nothing warned."""
    workbook, url = desk
    invoice = invoiced_and_shipped(capsys, workbook, url)
    credit = ["invoice", "credit", workbook, "--invoice", invoice, "--lines", "1:1", "--reason", "merce rotta",
              "--date", "2026-04-20", "--ledger", url]
    assert cli(capsys, *credit)[0] == 0
    code, said = cli(capsys, *credit, "--json")
    assert code == 0 and '"problems": []' in said and "NC-2026-00002" in said, said


def test_a_month_end_run_s_invoices_dated_as_their_ddts_are_not_named_as_issued_with_the_order(
        capsys, tmp_path, any_desk):
    """A month end shipped on its last day: the run's invoices bill DDTs of their own date, so
    they are immediate (TD01) as `ship --invoice`'s are, and the next `orders create --out` named
    them *Fatture emesse con l'ordine o il DDT, registrate e mai stampate*, with a command to
    print them, where a month end's invoices are printed with `--copies` or not at all."""
    import json

    workbook, url = any_desk
    day = ["--ledger", url]
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-30", "--out", tmp_path / "o.xlsx", *day)[0] == 0
    assert cli(capsys, "ship", workbook, "--date", "2026-04-30", "--all", "--out", tmp_path / "d.xlsx", *day)[0] == 0
    code, said = cli(capsys, "invoice", workbook, "--month", "2026-04", "--out", tmp_path / "f", "--final", "--json",
                     *day)
    assert code == 0, said
    month_end = [x["number"] for x in json.loads(said)["invoices"] if x["kind"] == "invoice"]
    assert month_end
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-05-04", "--out", tmp_path / "o2.xlsx",
                     "--json", *day)
    assert code == 0, said
    named = " ".join(p["message"] for p in json.loads(said)["problems"] if p["code"] == "documents-never-printed")
    assert not [number for number in month_end if number in named], named


@contextmanager
def immutable(path: Path) -> Iterator[None]:
    """`chattr +i`: not even root writes it (the audit's read-only ledger and folder); skipped
    where the file system or the user cannot."""
    import subprocess

    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
        pytest.skip("chattr +i is not available here")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


READ_ONLY = "Il registro non si può scrivere: il file del registro, la sua cartella o il disco sono di sola lettura"


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_ledger_is_an_unusable_ledger_and_nothing_is_written(capsys, tmp_path, sample_workbook, what):
    """No «errore interno» (exit 3), and `print` no longer writes its file before it fails."""
    folder = tmp_path / "desk"
    folder.mkdir()
    workbook = folder / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    invoice = invoiced_and_shipped(capsys, workbook, f"sqlite:///{folder / 'anagrafiche.xlsx.ledger.sqlite'}")
    before = stored(f"sqlite:///{folder / 'anagrafiche.xlsx.ledger.sqlite'}")
    commands = [("print", "ddt", workbook, "--numbers", "DDT-2026-00002", "--out", tmp_path / "p.xlsx"),
                ("ship", workbook, "--date", "2026-04-14", "--all", "--out", tmp_path / "ddt.xlsx"),
                ("invoice", "credit", workbook, "--invoice", invoice, "--lines", "1:1", "--reason", "merce rotta",
                 "--date", "2026-04-20", "--out", tmp_path / "nc.xlsx")]
    with immutable(folder / "anagrafiche.xlsx.ledger.sqlite" if what == "file" else folder):
        for command in commands:
            code, said = cli(capsys, *command)
            assert code == 2 and READ_ONLY in said and "errore interno" not in said, said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["desk"]
    assert stored(f"sqlite:///{folder / 'anagrafiche.xlsx.ledger.sqlite'}") == before


def test_many_invoices_never_printed_are_named_by_their_run_not_one_by_one(capsys, tmp_path, any_desk, monkeypatch):
    """Past `NUMBERED_AT_MOST` the advised command names the run that issued them all: at L a
    desk that printed another way was advised a command of 46,000 numbers (640,000 characters,
    more than a command line takes), read in full at every `ship --out`."""
    import openpyxl

    import toolkit.services.printing
    import toolkit.writers.orders_book

    workbook, url = any_desk
    create = ["orders", "create", workbook, "--date", "2026-04-09", "--out", tmp_path / "ordini.xlsx", "--ledger", url]
    real = toolkit.writers.orders_book.write_order_documents
    monkeypatch.setattr(toolkit.writers.orders_book, "write_order_documents", killed)
    assert cli(capsys, *create)[0] == 137
    invoices = numbers(url, schema.invoices)
    assert len(invoices) > 1
    monkeypatch.setattr(toolkit.writers.orders_book, "write_order_documents", real)
    monkeypatch.setattr(toolkit.services.printing, "NUMBERED_AT_MOST", 1, raising=False)
    code, said = cli(capsys, *create[:-4], "--out", tmp_path / "ordini.xlsx", "--ledger", url)
    assert code == 0, said
    assert f"Fatture emesse con l'ordine o il DDT, registrate e mai stampate: {', '.join(invoices)}." in said
    _, invoice_command = advised(said)
    assert invoice_command[:6] == ["toolkit", "print", "invoices", str(workbook), "--unprinted", "--run"]
    assert cli(capsys, *invoice_command[1:], "--ledger", url)[0] == 0
    assert openpyxl.load_workbook(tmp_path / "ordini-fatture-non-stampate.xlsx").sheetnames == invoices


def test_a_warning_counts_every_document_never_printed_and_reads_the_first(capsys, tmp_path, any_desk):
    """The ledger counts the documents never printed and reads only the first few, in number
    order, with their first and last day."""
    from datetime import date

    from toolkit.ledger import open_ledger
    from toolkit.ledger.db import reading
    from toolkit.ledger.printings import ddts_never_printed

    workbook, url = any_desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    assert cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--ledger", url)[0] == 0
    ddts = numbers(url, schema.deliveries)
    assert len(ddts) > 2
    ledger = open_ledger(url)
    with reading(ledger) as conn:
        found = ddts_never_printed(conn, 2)
    ledger.engine.dispose()
    assert found.total == len(ddts) and [r.number for r in found.first] == ddts[:2]
    assert found.days == (date(2026, 4, 9), date(2026, 4, 10))


def test_the_days_to_print_again_are_those_read_else_every_day_from_first_to_last() -> None:
    """*Ristampa DDT* prints a day a time: the days of the DDTs never printed when all were read,
    else each day between the first and the last, so no day holding one is left out."""
    from datetime import date

    from toolkit.ledger.printings import NeverPrinted, Unprinted
    from toolkit.services.printing import unprinted_days

    read = [Unprinted(1, "DDT-2026-00001", date(2026, 4, 9)), Unprinted(2, "DDT-2026-00002", date(2026, 4, 14))]
    assert unprinted_days(NeverPrinted(2, read, (date(2026, 4, 9), date(2026, 4, 14)))) == [date(2026, 4, 9),
                                                                                           date(2026, 4, 14)]
    assert unprinted_days(NeverPrinted(300, read, (date(2026, 4, 9), date(2026, 4, 11)))) == [
        date(2026, 4, 9), date(2026, 4, 10), date(2026, 4, 11)]


@pytest.mark.parametrize("json", [False, True])
def test_ctrl_c_while_the_command_starts_says_nothing_was_stored_with_no_traceback(json, capsys, monkeypatch):
    """The verbs' modules take seconds to import on a busy PC: Ctrl+C then, a desk stopping a
    command typed with the wrong date, printed Python's traceback of the import under way and
    ended killed by the signal, where a moment later it says what the ledger kept, exit 130."""
    import json as json_module
    import sys

    from toolkit.cli import app

    monkeypatch.setattr(app, "_register", interrupt)
    monkeypatch.setattr(sys, "argv", ["toolkit", "ship", "anagrafiche.xlsx", "--date", "2026-04-10", "--all",
                                      *(["--json"] if json else [])])
    with pytest.raises(SystemExit) as ended:
        app.main()
    said = capsys.readouterr()
    assert ended.value.code == 130 and "Traceback" not in said.err
    if json:
        answer = json_module.loads(said.out)
        assert (answer["exit_code"], [p["code"] for p in answer["problems"]]) == (130, ["interrupted-nothing-stored"])
    else:
        assert said.err.strip() == ("toolkit: Interrotto prima di registrare: nel registro non è cambiato nulla, il "
                                    "comando si può ripetere.")


INTERRUPTED_IMPORT = """
import runpy, sys

class Interrupting:
    '''Ctrl+C pressed while `module` is first imported.'''
    pressed = False

    def find_spec(self, name, path=None, target=None):
        if name == module and not Interrupting.pressed:
            Interrupting.pressed = True
            raise KeyboardInterrupt
        return None

sys.meta_path.insert(0, Interrupting())
module, entry, sys.argv = sys.argv[1], sys.argv[2], ["toolkit", *sys.argv[3:]]
if entry == "-m":
    runpy.run_module("toolkit", run_name="__main__", alter_sys=True)
else:
    script, _, function = entry.partition(":")
    getattr(__import__(script, fromlist=[function]), function)()
"""


def _console_script() -> str:
    import tomllib

    return tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]["scripts"]["toolkit"]


@pytest.mark.parametrize("module", ["typer", "toolkit.cli.output"])
@pytest.mark.parametrize("entry", ["-m", "console script"])
@pytest.mark.parametrize("json", [False, True])
def test_ctrl_c_while_the_command_line_itself_is_imported_says_nothing_was_stored(module, entry, json, tmp_path):
    """Ctrl+C in the first quarter of a second, while `toolkit.cli.app` itself was imported
    (typer, the problems' catalogue), before its `main` could answer: Python's traceback of
    the import and exit 1. Through `python -m toolkit` and the installed `toolkit` alike it is
    exit 130 with the usual line, in JSON with --json."""
    import json as json_module
    import os
    import subprocess
    import sys

    argv = ["ship", "anagrafiche.xlsx", "--date", "2026-04-10", "--all", *(["--json"] if json else [])]
    ran = subprocess.run([sys.executable, "-c", INTERRUPTED_IMPORT, module,
                          "-m" if entry == "-m" else _console_script(), *argv],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert ran.returncode == 130 and "Traceback" not in ran.stderr, ran.stderr
    if json:
        answer = json_module.loads(ran.stdout)
        assert (answer["exit_code"], [p["code"] for p in answer["problems"]]) == (130, ["interrupted-nothing-stored"])
    else:
        assert ran.stderr.strip() == ("toolkit: Interrotto prima di registrare: nel registro non è cambiato nulla, il "
                                      "comando si può ripetere.")


def test_ctrl_c_while_another_ending_is_told_ends_130_and_then_ctrl_c_is_ignored(capsys, monkeypatch, tmp_path):
    """Ctrl+C while a refusal's lines are printed escaped `run`'s answers: Python's traceback, the
    process killed by the signal (exit -2 to the program that ran it). It is answered as any
    Ctrl+C, exit 130 saying nothing was stored; a Ctrl+C after the answer is ignored."""
    import signal
    import sys

    from toolkit.cli import app, output

    told = output.fail

    def pressed_while_told(problem):
        monkeypatch.setattr(output, "fail", told)
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "fail", pressed_while_told)
    monkeypatch.setattr(sys, "argv", ["toolkit", "orders", "list", str(tmp_path / "none.xlsx")])
    with pytest.raises(SystemExit) as ended:
        app.main()
    said = capsys.readouterr().err
    assert ended.value.code == 130 and "Traceback" not in said, said
    assert said.strip().endswith("Interrotto prima di registrare: nel registro non è cambiato nulla, il comando si "
                                 "può ripetere.")
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN


IN_A_FINALIZER = """
import os, sys, time
import pydantic.plugin._schema_validator as schema_validator
from pydantic._internal import _dataclasses, _model_construction

after, mark = sys.argv[1], sys.argv[2]
built = schema_validator.create_schema_validator


class Collected:
    def __del__(self):
        open(mark, "w").close()
        time.sleep(60)  # until Ctrl+C


def building(*args, **kwargs):
    if after in sys.modules and not os.path.exists(mark):
        Collected()  # dropped at once: its __del__ runs here, as a collection's finalizers do
    return built(*args, **kwargs)


for module in (schema_validator, _dataclasses, _model_construction):
    module.create_schema_validator = building
sys.argv = ["toolkit", *sys.argv[3:]]
from toolkit.cli.start import main
main()
"""


def _as_a_terminal() -> None:
    """Ctrl+C as a terminal's command gets it: a suite run in the background (`nohup … &`, as a
    CI script may) hands its children SIGINT ignored, and Python keeps it ignored until the
    command sets its own, after the import this test interrupts."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("after", ["toolkit.basics.problems", "toolkit.cli.session"])
def test_ctrl_c_in_a_finalizer_while_pydantic_builds_a_validator_ends_130(after, tmp_path, sample_workbook):
    """A Ctrl+C that lands in a finalizer (a `__del__`, a weak reference's callback) run by the
    garbage collection of pydantic building a validator: Python printed it as ignored, with a
    traceback, and the command went on to exit 0. Here in the command line's own import and in
    the verb's."""
    import os
    import signal
    import subprocess
    import sys
    import time

    mark = tmp_path / "in-the-finalizer"
    ran = subprocess.Popen([sys.executable, "-c", IN_A_FINALIZER, after, str(mark), "check", str(sample_workbook)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                           env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}, preexec_fn=_as_a_terminal)
    waited = time.monotonic()
    while not mark.exists() and ran.poll() is None and time.monotonic() - waited < 60:
        time.sleep(0.02)
    assert mark.exists(), ran.communicate()
    ran.send_signal(signal.SIGINT)
    out, err = ran.communicate(timeout=120)
    assert ran.returncode == 130 and "Traceback" not in err, err
    assert err.strip() == ("toolkit: Interrotto prima di registrare: nel registro non è cambiato nulla, il comando si "
                           "può ripetere.")


def test_a_command_ending_before_a_ctrl_c_in_a_finalizer_is_raised_again_ends_130(capsys, monkeypatch, tmp_path):
    """The Ctrl+C a finalizer swallowed is raised again 50 ms later (`start._again`): a command
    answering meanwhile is interrupted all the same, not exit 2 (here) or 0."""
    import sys

    from toolkit.cli import app, start

    monkeypatch.setattr(start, "_pending", True)
    monkeypatch.setattr(sys, "argv", ["toolkit", "orders", "list", str(tmp_path / "none.xlsx")])
    with pytest.raises(SystemExit) as ended:
        app.main()
    assert ended.value.code == 130
    assert capsys.readouterr().err.strip().endswith("il comando si può ripetere.")


def test_the_first_module_of_the_command_loads_nothing_python_has_not_loaded_at_start(tmp_path):
    """Ctrl+C while `toolkit.cli.start` itself was imported, before its `main` could answer: its
    `typing` (a tenth of a second on a busy PC, `collections.abc` with it) ended in Python's
    traceback and the process killed by the signal, exit -2 (Python ends so on a Ctrl+C it was
    not told to answer). It imports only what Python's start-up loaded and `signal`, a few lines."""
    import subprocess
    import sys

    ran = subprocess.run([sys.executable, "-c", "import sys; before = set(sys.modules); import toolkit.cli.start; "
                          "print(' '.join(sorted(set(sys.modules) - before)))"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=60,
                         env={**__import__("os").environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert ran.stdout.split() == ["signal", "toolkit", "toolkit.cli", "toolkit.cli.start"], ran.stdout + ran.stderr


def test_the_retries_of_a_ctrl_c_from_a_finalizer_stop_before_the_command_answers_it(capsys, monkeypatch, tmp_path):
    """`start._again` raises the Ctrl+C a finalizer swallowed every 50 ms until the command takes
    it. A command that ended meanwhile answers it (`start.pending`), and a retry raised as it set
    out to (its thread given the interpreter between the two) landed in the answer itself,
    outside any handler: a traceback and the process killed by the signal, exit -2. The retries
    are stopped first: Ctrl+C is ignored (`answered`) by the time the answer begins."""
    import signal
    import sys

    from toolkit.cli import app, start

    at_answer = []
    answer = app._interrupted

    def interrupted(stored_before: int) -> int:
        at_answer.append(signal.getsignal(signal.SIGINT))
        return answer(stored_before)

    monkeypatch.setattr(start, "_pending", True)
    monkeypatch.setattr(app, "_interrupted", interrupted)
    monkeypatch.setattr(sys, "argv", ["toolkit", "orders", "list", str(tmp_path / "none.xlsx")])
    before = signal.signal(signal.SIGINT, start._raised)  # as `start._unraisable` leaves it
    try:
        with pytest.raises(SystemExit) as ended:
            app.main()
    finally:
        signal.signal(signal.SIGINT, before)
    assert ended.value.code == 130
    assert at_answer == [signal.SIG_IGN]
    assert capsys.readouterr().err.strip().endswith("il comando si può ripetere.")
