"""No document lost: whatever the ledger records prints again as it first printed, outputs are
checked before anything is stored, and a file that still cannot be written names the command
that prints it (exit 4)."""

from __future__ import annotations

import shutil
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text
from xlsx_reference import copy_differences, differences

from toolkit.core.invoicing import InvoiceKind
from toolkit.intake.sources import tab_names
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading, writing


def cli(capsys, *args) -> tuple[int, str]:
    """The `toolkit` command in this process: exit code, and stdout + stderr."""
    code, out, err = cli_apart(capsys, *args)
    return code, out + err


def cli_apart(capsys, *args) -> tuple[int, str, str]:
    """The `toolkit` command in this process: exit code, stdout and stderr apart (a verb's JSON
    is its stdout; a notice, such as a ledger just created, goes to stderr)."""
    from toolkit.cli.app import main

    argv = sys.argv
    sys.argv = ["toolkit", *map(str, args)]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.argv = argv
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def desk(tmp_path, sample_workbook) -> tuple[Path, str]:
    """The sample master workbook in a folder of its own, and its ledger."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    return workbook, f"sqlite:///{tmp_path / 'ledger.sqlite'}"


def numbers(ledger_url: str, table) -> list[str]:
    from toolkit.ledger.db import document_number

    with reading(open_ledger(ledger_url)) as conn:
        rows = conn.execute(select(table.c.series, table.c.year, table.c.number).order_by(table.c.id)).all()
    return [document_number(*r) for r in rows]


def test_a_reprint_is_the_first_printing(capsys, tmp_path, desk):
    workbook, url = desk
    first = tmp_path / "first"
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--out", first / "ordini.xlsx",
               "--ledger", url)[0] == 0
    assert cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--out", first / "ddt.xlsx",
               "--ledger", url)[0] == 0
    code, said = cli(capsys, "invoice", workbook, "--month", "2026-04", "--copies", "--out", first,
                     "--ledger", url)
    assert code == 0, said
    run_id = next(p.name.removeprefix("copie-fatture-").removesuffix(".xlsx") for p in first.glob("copie-fatture-*"))

    orders = [n for n in numbers(url, schema.orders)]
    shipped_now = [n for n in numbers(url, schema.deliveries)]
    again = tmp_path / "again"
    for kind, chosen, printed in (("orders", ["--numbers", ",".join(orders)], first / "ordini.xlsx"),
                                  ("ddt", ["--date", "2026-04-10"], first / "ddt.xlsx"),
                                  ("invoices", ["--run", run_id], first / f"copie-fatture-{run_id}.xlsx")):
        code, said = cli(capsys, "print", kind, workbook, *chosen, "--out", again / f"{kind}.xlsx", "--ledger", url)
        assert code == 0, said
        assert differences(again / f"{kind}.xlsx", printed) is None, kind
    assert shipped_now


def test_unprinted_documents_are_found_and_printed_once(capsys, tmp_path, desk):
    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    code, said = cli(capsys, "print", "ddt", workbook, "--unprinted", "--out", tmp_path / "ddt.xlsx", "--ledger", url)
    assert code == 0 and "ddt.xlsx" in said
    import openpyxl

    ddts = numbers(url, schema.deliveries)
    assert ddts and openpyxl.load_workbook(tmp_path / "ddt.xlsx").sheetnames == ddts
    with reading(open_ledger(url)) as conn:
        printed = conn.execute(select(schema.printings.c.document, schema.printings.c.document_id)).all()
    assert sorted(d for d, _ in printed) == ["ddt"] * len(ddts)
    code, said = cli(capsys, "print", "ddt", workbook, "--unprinted", "--out", tmp_path / "again.xlsx",
                     "--ledger", url)
    assert code == 0 and "Nessun documento da stampare" in said and not (tmp_path / "again.xlsx").exists()


def test_unknown_numbers_and_run_for_ddts_are_refused_as_usage_slips_exit_2(capsys, tmp_path, desk):
    workbook, url = desk
    code, said = cli(capsys, "print", "ddt", workbook, "--numbers", "DDT-2026-00099", "--out", tmp_path / "x.xlsx",
                     "--ledger", url)
    assert code == 2 and "Nel registro non c'è il documento DDT-2026-00099: controlla il numero." in said
    assert not (tmp_path / "x.xlsx").exists()
    code, said = cli(capsys, "print", "ddt", workbook, "--run", "R1", "--out", tmp_path / "x.xlsx", "--ledger", url)
    assert code == 2 and not (tmp_path / "x.xlsx").exists()
    assert "--run vale solo per le fatture (toolkit print invoices): per ordini e DDT usa --numbers o --date." in said


def test_a_version_3_ledger_gets_the_printings_table(tmp_path, minimal_master):
    from older_ledgers import older_ledger

    url = older_ledger(tmp_path, minimal_master, 3, tables=["printings"])
    upgraded = open_ledger(url)
    with reading(upgraded) as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION
        assert inspect(conn).has_table("printings")
        assert conn.execute(text("SELECT count(*) FROM orders")).scalar() == 1


def test_the_reprint_button_brings_back_the_days_ddts(tmp_path):
    import openpyxl
    from test_excel_orders import fake

    import toolkit.excel as x

    book = fake(tmp_path)
    x.preview_orders(book)
    x.create_orders(book)
    x.ship(book)
    shipped = tmp_path / "ddt-2026-04-09.xlsx"
    as_shipped = shipped.read_bytes()
    alerts = len(book.alerts)
    x.reprint_delivery_notes(book)
    text, caption, mode = book.alerts[-1]
    assert (caption, mode) == ("Ristampa DDT", "info") and len(book.alerts) == alerts + 1
    reprinted = tmp_path / "ddt-2026-04-09-ristampa.xlsx"
    assert text.splitlines() == ["DDT ristampati: 1.", str(reprinted)]
    assert openpyxl.load_workbook(reprinted).sheetnames == ["DDT-2026-00001"]
    assert differences(reprinted, shipped) is None
    assert shipped.read_bytes() == as_shipped, "a reprint never replaces the shipment's file"


# ------------------------------------------------------------------ outputs checked before the commit

def stored(url: str) -> dict[str, int]:
    from sqlalchemy import func

    with reading(open_ledger(url)) as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                for t in (schema.orders, schema.deliveries, schema.invoices)}


def test_ship_refuses_a_workbook_open_in_excel_before_storing_anything(capsys, tmp_path, desk):
    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    before = stored(url)
    (tmp_path / "~$ddt.xlsx").write_bytes(b"")
    code, said = cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--out", tmp_path / "ddt.xlsx",
                     "--ledger", url)
    assert code == 2 and "~$ddt.xlsx" in said
    assert stored(url) == before
    (tmp_path / "~$ddt.xlsx").unlink()
    code, said = cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--out", tmp_path / "ddt.xlsx",
                     "--ledger", url)
    assert code == 0 and (tmp_path / "ddt.xlsx").exists() and stored(url)["deliveries"] > before["deliveries"]


def test_ship_out_never_prints_over_an_earlier_shipments_ddts(capsys, tmp_path, desk):
    """`--out` names the file, but a file holding DDTs of the ledger is an earlier shipment's,
    perhaps not printed yet: refused, exit 2, nothing shipped; so is a file the toolkit did not
    write as DDTs, whatever its tabs."""
    import openpyxl

    workbook, url = desk
    ddt = tmp_path / "ddt.xlsx"
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    assert cli(capsys, "ship", workbook, "--date", "2026-04-09", "--all", "--out", ddt, "--ledger", url)[0] == 0
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-10", "--ledger", url)[0] == 0
    morning = openpyxl.load_workbook(ddt).sheetnames
    before = stored(url)
    code, said = cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--out", ddt, "--ledger", url,
                     "--lang", "en")
    assert code == 2 and stored(url) == before
    said = " ".join(said.split())
    assert f"The file {ddt} already holds documents of the ledger, {len(morning)} DDTs ({morning[0]}" in said
    assert (": writing the new ones into it would take them out of the file, perhaps before they are printed. "
            "Nothing was recorded. Choose another name for --out, or move the file away (those documents print "
            "again with toolkit print ddt --numbers).") in said
    assert openpyxl.load_workbook(ddt).sheetnames == morning
    notes = tmp_path / "appunti.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "DDT-2026-99999"
    book.save(notes)
    kept = notes.read_bytes()
    assert cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--out", notes, "--ledger", url)[0] == 2
    assert stored(url) == before and notes.read_bytes() == kept, "a file the toolkit did not write is never replaced"


def test_a_reprint_never_replaces_a_file_holding_other_documents(capsys, tmp_path, desk):
    """`print --out` naming a shipment's file to reprint one of its DDTs keeps that file whole
    and writes the next free name, saying which; the whole day again replaces it, nothing lost."""
    import openpyxl

    workbook, url = desk
    ddt = tmp_path / "ddt-04.xlsx"
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    assert cli(capsys, "ship", workbook, "--date", "2026-04-09", "--all", "--out", ddt, "--ledger", url)[0] == 0
    day = openpyxl.load_workbook(ddt).sheetnames
    assert len(day) > 1
    kept = ddt.read_bytes()
    code, said = cli(capsys, "print", "ddt", workbook, "--numbers", day[0], "--out", ddt, "--ledger", url)
    again = tmp_path / "ddt-04-2.xlsx"
    assert code == 0, said
    assert ddt.read_bytes() == kept and openpyxl.load_workbook(again).sheetnames == day[:1]
    said = " ".join(said.split())
    stay = "restano nel loro" if len(day) > 2 else "resta nel suo"
    assert (f"Il file {ddt} contiene anche {len(day) - 1} DDT ({', '.join(day[1:][:5])}" in said
            and f"che questa stampa non comprende: non lo sostituisco, così {stay} file. Stampato in {again}." in said), said
    assert str(again) in said
    code, said = cli(capsys, "print", "ddt", workbook, "--date", "2026-04-09", "--out", ddt, "--ledger", url)
    assert code == 0 and "non lo sostituisco" not in said and not (tmp_path / "ddt-04-3.xlsx").exists()
    assert set(day) < set(openpyxl.load_workbook(ddt).sheetnames), "with the DDT orders create issued that day"


def test_a_file_holding_ddts_refused_to_a_button_asks_in_the_buttons_words(capsys, tmp_path, desk):
    """A button has no --out: `ship` pressed by one (`asking` its words) asks to rename the
    file holding an earlier shipment's DDTs, where the command line asks for another --out."""
    import openpyxl

    from toolkit.basics.files import asked_for, asking
    from toolkit.basics.problems import UnusableInput
    from toolkit.services.session import open_session
    from toolkit.services.shipping import ship

    workbook, url = desk
    ddt = tmp_path / "ddt-2026-04-10.xlsx"
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    assert cli(capsys, "ship", workbook, "--date", "2026-04-09", "--all", "--out", ddt, "--ledger", url)[0] == 0
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-10", "--ledger", url)[0] == 0
    morning = openpyxl.load_workbook(ddt).sheetnames
    shown = ", ".join(morning[:5]) + (" …" if len(morning) > 5 else "")
    reprinted = "quei documenti si ristampano" if len(morning) > 1 else "quel documento si ristampa"
    before = stored(url)
    with pytest.raises(UnusableInput) as refused, asking(asked_for(button="Spedisci (DDT)")):
        ship(open_session(workbook).master, open_ledger(url), date(2026, 4, 10), all_open=True, out=ddt, lang="it")
    assert refused.value.problem.message("it") == (
        f"Il file {ddt} contiene già documenti del registro, {len(morning)} DDT ({shown}): scriverci i nuovi "
        f"{'li' if len(morning) > 1 else 'lo'} toglierebbe dal file, "
        "forse prima della stampa. Nulla è stato registrato. Il pulsante «Spedisci (DDT)» scrive sempre lì: "
        f"rinominalo, oppure sposta il file ({reprinted} con toolkit print ddt --numbers).")
    assert stored(url) == before and openpyxl.load_workbook(ddt).sheetnames == morning


def test_a_file_that_is_not_a_workbook_holds_no_tabs(tmp_path):
    """What `--out` would replace is read for its tabs only, and anything unreadable holds none."""
    from toolkit.intake.sources import tab_names

    (tmp_path / "testo.xlsx").write_text("not a workbook")
    (tmp_path / "rotto.xlsx").write_bytes(b"PK\x03\x04broken")
    assert [tab_names(tmp_path / n) for n in ("testo.xlsx", "rotto.xlsx", "manca.xlsx")] == [(), (), ()]


@pytest.mark.parametrize("verb", ["ship", "orders create"])
def test_an_output_folder_that_cannot_be_created_stores_nothing(capsys, tmp_path, desk, verb):
    workbook, url = desk
    if verb == "ship":
        assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    before = stored(url)
    (tmp_path / "a-file").write_text("not a folder")
    args = {"ship": ["ship", workbook, "--date", "2026-04-10", "--all"],
            "orders create": ["orders", "create", workbook, "--date", "2026-04-09"]}[verb]
    code, said = cli(capsys, *args, "--out", tmp_path / "a-file" / "out.xlsx", "--ledger", url)
    assert code == 2 and "a-file" in said
    assert stored(url) == before


def test_orders_create_refuses_its_output_locked_or_the_input_itself(capsys, tmp_path, desk):
    workbook, url = desk
    (tmp_path / "~$ordini.xlsx").write_bytes(b"")
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--out", tmp_path / "ordini.xlsx",
                     "--ledger", url)
    assert code == 2 and "~$ordini.xlsx" in said and stored(url)["orders"] == 0
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--out", workbook, "--ledger", url)
    assert code == 2 and stored(url)["orders"] == 0


def test_invoice_outputs_are_checked_before_the_run_and_before_finalizing(capsys, tmp_path, desk):
    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    assert cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--ledger", url)[0] == 0
    before = stored(url)
    (tmp_path / "a-file").write_text("not a folder")
    code, said = cli(capsys, "invoice", workbook, "--month", "2026-04", "--out", tmp_path / "a-file" / "fatture",
                     "--ledger", url)
    assert code == 2 and stored(url) == before
    code, said = cli(capsys, "invoice", workbook, "--month", "2026-04", "--out", tmp_path / "fatture", "--ledger", url)
    assert code == 0, said
    run_id = next(p.name.removeprefix("fatture-").removesuffix(".xlsx") for p in (tmp_path / "fatture").glob("fatture-*"))
    (tmp_path / "fatture" / f"~$fatture-{run_id}.xlsx").write_bytes(b"")
    code, said = cli(capsys, "invoice", "finalize", workbook, run_id, "--out", tmp_path / "fatture", "--ledger", url)
    assert code == 2 and "~$fatture" in said
    with reading(open_ledger(url)) as conn:
        statuses = set(conn.execute(select(schema.invoices.c.status).where(schema.invoices.c.run_id == run_id)).scalars())
    assert statuses == {"draft"}


@pytest.mark.parametrize("chosen", ["--month", "run"])
@pytest.mark.parametrize("where", ["the folder", "a folder under it"])
def test_invoice_export_refuses_a_file_where_its_folder_goes(capsys, tmp_path, desk, chosen, where):
    """As `invoice run --out` refuses it: exit 2 naming the file, nothing written, no traceback."""
    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    assert cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--ledger", url)[0] == 0
    assert cli(capsys, "invoice", workbook, "--month", "2026-04", "--out", tmp_path / "fatture", "--ledger", url)[0] == 0
    run_id = next(p.name.removeprefix("fatture-").removesuffix(".xlsx") for p in (tmp_path / "fatture").glob("fatture-*"))
    (tmp_path / "afile").write_text("not a folder")
    out = tmp_path / "afile" if where == "the folder" else tmp_path / "afile" / "registro"
    which = ["--month", "2026-04"] if chosen == "--month" else [run_id]
    code, said = cli(capsys, "invoice", "export", workbook, *which, "--out", out, "--ledger", url)
    assert code == 2, said
    assert f"{tmp_path / 'afile'} non è una cartella / {tmp_path / 'afile'} is not a folder" in said
    assert "errore interno" not in said
    assert (tmp_path / "afile").read_text() == "not a folder"


def test_a_file_that_fails_after_the_commit_names_the_command_that_prints_it(capsys, tmp_path, desk, monkeypatch):
    import toolkit.writers.ddt

    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    before = stored(url)["deliveries"]
    real = toolkit.writers.ddt.write_delivery_notes

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(toolkit.writers.ddt, "write_delivery_notes", full_disk)
    code, said = cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--out", tmp_path / "ddt.xlsx",
                     "--ledger", url)
    issued = numbers(url, schema.deliveries)[before:]
    assert code == 4 and issued
    assert "il disco è pieno" in said and ", ".join(issued) in said
    command = said[said.index("toolkit print"):].strip()
    assert command == (f"toolkit print ddt {workbook} --numbers {','.join(issued)} --out {tmp_path / 'ddt.xlsx'}")
    monkeypatch.setattr(toolkit.writers.ddt, "write_delivery_notes", real)
    code, said = cli(capsys, *command.split()[1:], "--ledger", url)
    assert code == 0 and (tmp_path / "ddt.xlsx").exists()
    import openpyxl

    assert openpyxl.load_workbook(tmp_path / "ddt.xlsx").sheetnames == issued


def test_orders_create_prints_the_ddts_and_invoices_it_issues(capsys, tmp_path, desk):
    import openpyxl

    workbook, url = desk
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--out", tmp_path / "ordini.xlsx",
                     "--ledger", url)
    assert code == 0, said
    ddts, invoices = numbers(url, schema.deliveries), numbers(url, schema.invoices)
    assert ddts and invoices
    assert openpyxl.load_workbook(tmp_path / "ordini-ddt.xlsx").sheetnames == ddts
    assert openpyxl.load_workbook(tmp_path / "ordini-fatture.xlsx").sheetnames == invoices
    for kind in ("ddt", "invoices", "orders"):
        code, said = cli(capsys, "print", kind, workbook, "--unprinted", "--out", tmp_path / "x.xlsx", "--ledger", url)
        assert code == 0 and "Nessun documento da stampare" in said


def test_a_second_orders_create_of_the_day_keeps_the_first_runs_ddts_and_invoices(capsys, tmp_path, desk):
    """The first run's DDTs and invoices, perhaps not printed yet, stay in their files: the
    second run's go into the next free names, both with the same number, and it says which."""
    import openpyxl

    workbook, url = desk
    orders = tmp_path / "ordini.xlsx"
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--only", "T003",
                     "--out", orders, "--ledger", url)
    assert code == 0, said
    first_invoices = numbers(url, schema.invoices)
    assert first_invoices and not (tmp_path / "ordini-ddt.xlsx").exists()
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--only", "T008,T011",
                     "--out", orders, "--ledger", url)
    assert code == 0, said
    ddts, invoices = numbers(url, schema.deliveries), numbers(url, schema.invoices)[len(first_invoices):]
    assert ddts and invoices
    assert openpyxl.load_workbook(tmp_path / "ordini-fatture.xlsx").sheetnames == first_invoices
    assert openpyxl.load_workbook(tmp_path / "ordini-ddt-2.xlsx").sheetnames == ddts
    assert openpyxl.load_workbook(tmp_path / "ordini-fatture-2.xlsx").sheetnames == invoices
    assert not (tmp_path / "ordini-ddt.xlsx").exists()
    assert str(tmp_path / "ordini-ddt-2.xlsx") in said and str(tmp_path / "ordini-fatture-2.xlsx") in said
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--out", orders, "--ledger", url)
    assert code == 0, said
    assert numbers(url, schema.invoices) == first_invoices + invoices, "the rest issue nothing at once"
    assert not list(tmp_path.glob("ordini-*-3.xlsx"))
    assert openpyxl.load_workbook(tmp_path / "ordini-ddt-2.xlsx").sheetnames == ddts


def test_a_second_orders_create_of_the_day_keeps_the_first_runs_orders_file(capsys, tmp_path, desk):
    """`--out ordini.xlsx` again, for other templates: the first run's orders, perhaps not printed
    yet, stay in ordini.xlsx (they were rewritten with the second run's), and the second run's go
    to ordini-2.xlsx, numbered with its DDTs and invoices; the command names the file."""
    import openpyxl

    workbook, url = desk
    orders = tmp_path / "ordini.xlsx"
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--only", "T003",
                     "--out", orders, "--ledger", url)
    assert code == 0, said
    first = numbers(url, schema.orders)
    assert first and str(orders) not in said
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--only", "T008,T011",
                     "--out", orders, "--ledger", url)
    assert code == 0, said
    second = numbers(url, schema.orders)[len(first):]
    assert second
    assert openpyxl.load_workbook(orders).sheetnames == first
    assert openpyxl.load_workbook(tmp_path / "ordini-2.xlsx").sheetnames == second
    assert str(tmp_path / "ordini-2.xlsx") in said.splitlines(), said
    assert (tmp_path / "ordini-ddt-2.xlsx").exists() and (tmp_path / "ordini-fatture-2.xlsx").exists()


def test_a_second_orders_create_that_creates_nothing_writes_nothing_and_says_so(capsys, tmp_path, desk):
    """The orders that existed are not printed again into `ordini-2.xlsx` at each run: the run
    prints its orders, and with none (nor any document issued) no file, saying how to reprint."""
    workbook, url = desk
    orders = tmp_path / "ordini.xlsx"
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--out", orders, "--ledger", url)[0] == 0
    before = sorted(p.name for p in tmp_path.iterdir())
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--out", orders, "--ledger", url)
    assert code == 0, said
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    said = " ".join(said.split())
    assert ("Nessun ordine nuovo né documento emesso: " in said
            and f"Gli ordini già creati si ristampano con: toolkit print ordini {workbook} --date 2026-04-09 "
                "--out FILE.xlsx" in said), said


def test_the_months_register_holds_every_invoice_dated_in_it(capsys, tmp_path, desk):
    import csv

    import openpyxl

    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    assert cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--ledger", url)[0] == 0
    code, said = cli(capsys, "invoice", workbook, "--month", "2026-04", "--out", tmp_path / "run", "--ledger", url)
    assert code == 0, said
    code, said = cli(capsys, "invoice", "export", workbook, "--month", "2026-04", "--out", tmp_path / "fatture",
                     "--ledger", url)
    assert code == 0, said
    every = numbers(url, schema.invoices)
    register = tmp_path / "fatture" / "fatture-2026-04.xlsx"
    rows = [r[0] for r in openpyxl.load_workbook(register)["Registro"].iter_rows(min_row=4, values_only=True)
            if r[0] and str(r[0]).startswith(("FT-", "NC-"))]
    assert rows[0] == "FT-2026-00001" and sorted(rows) == sorted(every)
    with open(tmp_path / "fatture" / "registro-2026-04.csv", encoding="utf-8-sig") as f:
        listed = [r[0] for r in csv.reader(f, delimiter=";")][1:]
    assert listed[0] == "FT-2026-00001" and sorted(listed) == sorted(every)


# ------------------------------------------------------------------ temporary files

def test_a_writer_failing_half_way_leaves_no_temporary_file(tmp_path, monkeypatch):
    import tempfile

    from toolkit.basics.files import write_atomic
    from toolkit.writers.streaming import streaming_workbook

    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    out = tmp_path / "out"
    out.mkdir()

    def half_way(tmp: Path) -> None:
        with streaming_workbook(tmp, "report") as book:
            sheet = book.add_worksheet("Registro")
            for row in range(1000):
                sheet.write_number(row, 0, row)
            raise RuntimeError("killed half-way")

    def plain_half_way(tmp: Path) -> None:
        tmp.write_bytes(b"PK\x03\x04 half a workbook")
        raise KeyboardInterrupt

    with pytest.raises(RuntimeError):
        write_atomic(out / "fatture.xlsx", half_way)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(out / "ddt.xlsx", plain_half_way)
    assert list(out.iterdir()) == [] and list(system_temp.iterdir()) == []


def test_stale_temporary_files_are_swept_at_the_next_write(tmp_path, monkeypatch):
    import os
    import tempfile
    import time

    from toolkit.basics.files import write_text_atomic
    from toolkit.writers.streaming import streaming_workbook

    hours_ago = time.time() - 2 * 3600
    stale = tmp_path / ".ordini-2026-04-09.2yaf0gyc.xlsx"
    fresh = tmp_path / ".ordini-2026-04-10.k3l9x0ab.xlsx"
    mine = tmp_path / ".appunti.xlsx"
    for path in (stale, fresh, mine):
        path.write_bytes(b"")
    for path in (stale, mine):
        os.utime(path, (hours_ago, hours_ago))
    write_text_atomic(tmp_path / "registro.csv", "a;b\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([fresh.name, mine.name, "registro.csv"])

    system_temp = tmp_path / "system-temp"
    (system_temp / "toolkit-xlsx-old").mkdir(parents=True)
    (system_temp / "toolkit-xlsx-old" / "sheet1.tmp").write_bytes(b"")
    (system_temp / "other-program").mkdir()
    for path in (system_temp / "toolkit-xlsx-old" / "sheet1.tmp", system_temp / "toolkit-xlsx-old",
                 system_temp / "other-program"):
        os.utime(path, (hours_ago, hours_ago))
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    with streaming_workbook(tmp_path / "x.xlsx", "report") as book:
        book.add_worksheet("A")
    assert [p.name for p in system_temp.iterdir()] == ["other-program"]



def test_a_run_printed_only_as_draft_is_unprinted_once_final(capsys, tmp_path, desk):
    """A month end printed with --copies is marked BOZZA; `invoice finalize` without --out made it
    final and printed nothing, yet `print invoices --unprinted` listed none of it: the final
    copies were never printed. The draft print still counts for `ship --out`'s warning, which
    is about invoices that travel with the goods, not a month end's."""
    import openpyxl

    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    assert cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--ledger", url)[0] == 0
    code, said = cli(capsys, "invoice", workbook, "--month", "2026-04", "--copies", "--out", tmp_path / "fatture",
                     "--ledger", url)
    assert code == 0, said
    run_id = next(p.name.removeprefix("fatture-").removesuffix(".xlsx") for p in (tmp_path / "fatture").glob("fatture-*"))
    from toolkit.ledger.db import document_number

    i = schema.invoices.c
    with reading(open_ledger(url)) as conn:
        finals = [document_number(*r) for r in conn.execute(select(i.series, i.year, i.number).where(i.run_id == run_id)
                                                            .order_by(i.year, i.series, i.number))]
    assert finals
    code, said = cli(capsys, "print", "invoices", workbook, "--unprinted", "--run", run_id, "--out",
                     tmp_path / "bozze.xlsx", "--ledger", url)
    assert code == 0 and "Nessun documento da stampare" in said, said
    assert cli(capsys, "invoice", "finalize", workbook, run_id, "--ledger", url)[0] == 0
    code, said = cli(capsys, "print", "invoices", workbook, "--unprinted", "--run", run_id, "--out",
                     tmp_path / "definitive.xlsx", "--ledger", url)
    assert code == 0, said
    assert openpyxl.load_workbook(tmp_path / "definitive.xlsx").sheetnames == finals
    code, said = cli(capsys, "print", "invoices", workbook, "--unprinted", "--run", run_id, "--out",
                     tmp_path / "again.xlsx", "--ledger", url)
    assert code == 0 and "Nessun documento da stampare" in said


def test_invoice_undo_out_removes_the_runs_files_and_only_those(capsys, tmp_path, desk):
    """`invoice undo` left the run's BOZZA copies in its folder, numbered as the next run's
    documents would be; with --out they go with the run, another run's files and the desk's
    own stay, and a run that cannot be undone keeps its files."""
    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    assert cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--ledger", url)[0] == 0
    folder = tmp_path / "fatture"
    code, said = cli(capsys, "invoice", workbook, "--month", "2026-04", "--copies", "--out", folder, "--ledger", url)
    assert code == 0, said
    run_id = next(p.name.removeprefix("fatture-").removesuffix(".xlsx") for p in folder.glob("fatture-*"))
    (folder / "fatture-2026-04-mie-note.xlsx").write_bytes(b"the desk's own")
    (folder / f"registro-{run_id}-vecchio.csv").write_text("kept")
    written = sorted(p.name for p in folder.iterdir() if run_id in p.name and "vecchio" not in p.name)
    assert written == [f"copie-fatture-{run_id}.xlsx", f"fatture-{run_id}.xlsx", f"registro-{run_id}.csv"]
    code, said = cli(capsys, "invoice", "undo", workbook, run_id, "--out", folder, "--ledger", url)
    assert code == 0, said
    assert said.splitlines()[-3:] == [f"Tolto: {folder / name}" for name in written]
    assert sorted(p.name for p in folder.iterdir()) == ["fatture-2026-04-mie-note.xlsx", f"registro-{run_id}-vecchio.csv"]
    code, said = cli(capsys, "invoice", workbook, "--month", "2026-04", "--copies", "--out", folder, "--final",
                     "--ledger", url)
    assert code == 0, said
    final = next(p.name.removeprefix("fatture-").removesuffix(".xlsx") for p in folder.glob("fatture-2*")
                 if p.name != "fatture-2026-04-mie-note.xlsx")
    (folder / f"~$copie-fatture-{final}.xlsx").write_bytes(b"lock")
    before = sorted(folder.iterdir())
    code, said = cli(capsys, "invoice", "undo", workbook, final, "--out", folder, "--ledger", url)
    assert code == 2 and "sono definitive" in said and sorted(folder.iterdir()) == before


def april_draft_run(capsys, folder: Path, desk) -> str:
    """April's orders created and shipped, and invoiced as a draft run with its copies into
    `folder`: the run's id."""
    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    assert cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--ledger", url)[0] == 0
    assert cli(capsys, "invoice", workbook, "--month", "2026-04", "--copies", "--out", folder, "--ledger", url)[0] == 0
    return next(p.name.removeprefix("fatture-").removesuffix(".xlsx") for p in folder.glob("fatture-2026????-*"))


def test_invoice_undo_that_cannot_move_a_file_undoes_nothing_and_puts_the_others_back(capsys, tmp_path, desk,
                                                                                         monkeypatch):
    """A file held open where no lock file tells it (a viewer, a network share): the undo stops,
    the files moved aside so far take their names back and the run stays, all or nothing."""
    workbook, url = desk
    folder = tmp_path / "fatture"
    run_id = april_draft_run(capsys, folder, desk)
    before = sorted(folder.iterdir())
    moving = Path.replace

    def held_open(self, target):
        if self.name.startswith("registro-"):
            raise PermissionError(13, "Permission denied")
        return moving(self, target)

    monkeypatch.setattr(Path, "replace", held_open)
    code, said = cli(capsys, "invoice", "undo", workbook, run_id, "--out", folder, "--ledger", url)
    assert code == 2 and f"Il file {folder / f'registro-{run_id}.csv'} dell'emissione {run_id} non si può togliere" in said
    assert sorted(folder.iterdir()) == before
    with reading(open_ledger(url)) as conn:
        assert conn.execute(select(schema.invoices.c.id).where(schema.invoices.c.run_id == run_id)).first() is not None


def test_invoice_undo_without_out_finds_the_runs_files_and_writes_the_months_register_again(capsys, tmp_path, desk):
    """Without --out, undo removed no file: the ledger now notes the folder a run wrote in, so
    its files go all the same; the month's register written meanwhile listed the undone drafts
    until written again: it is written again with the undo, without them. A run from before
    the ledger noted its folder is told, naming the files that stay."""
    workbook, url = desk
    folder = tmp_path / "fatture"
    run_id = april_draft_run(capsys, folder, desk)
    i = schema.invoices.c
    with reading(open_ledger(url)) as conn:
        drafts = conn.execute(select(i.series, i.year, i.number).where(i.run_id == run_id)).all()
        others = conn.execute(select(i.series, i.year, i.number).where(i.run_id != run_id)).all()
    from toolkit.ledger.db import document_number

    assert cli(capsys, "invoice", "export", workbook, "--month", "2026-04", "--out", folder, "--ledger", url)[0] == 0
    register = (folder / "registro-2026-04.csv").read_text(encoding="utf-8-sig")
    assert all(document_number(*d) in register for d in drafts)
    code, said = cli(capsys, "invoice", "undo", workbook, run_id, "--ledger", url)
    assert code == 0, said
    assert [p.name for p in folder.iterdir() if run_id in p.name] == []
    assert f"Tolto: {folder / f'copie-fatture-{run_id}.xlsx'}" in said
    register = (folder / "registro-2026-04.csv").read_text(encoding="utf-8-sig")
    assert others and all(document_number(*d) in register for d in others)  # the invoices issued with their orders
    assert not any(document_number(*d) in register for d in drafts)
    assert (folder / "fatture-2026-04.xlsx").exists()

    assert cli(capsys, "invoice", workbook, "--month", "2026-04", "--out", folder, "--ledger", url)[0] == 0
    old = next(p.name.removeprefix("fatture-").removesuffix(".xlsx") for p in folder.glob("fatture-2026????-*"))
    e = schema.events.c
    with writing(open_ledger(url)) as conn:
        conn.execute(schema.events.delete().where(e.action == "written", e.number == old))
    code, said = cli(capsys, "invoice", "undo", workbook, old, "--ledger", url)
    assert code == 0, said
    assert f"L'emissione {old} è di prima che il registro annotasse dove scrive i suoi file" in said
    assert f"fatture-{old}.xlsx" in said and (folder / f"fatture-{old}.xlsx").exists()


def test_invoice_undo_removes_the_files_print_run_wrote_of_the_run_too(capsys, tmp_path, desk):
    """`print invoices --run R --out X` wrote the run's drafts where the desk chose, a file the
    ledger did not note: `invoice undo` removed the run's own copies and left X, its invoices
    numbered as the next run's documents will be, as if still valid. The ledger notes X as it
    notes the run's folder, and the undo removes it with the rest; a file the desk saved since
    under that name is not the toolkit's print and stays."""
    workbook, url = desk
    folder = tmp_path / "fatture"
    run_id = april_draft_run(capsys, folder, desk)
    elsewhere = tmp_path / "da-controllare"
    elsewhere.mkdir()
    printed, replaced = elsewhere / "bozze.xlsx", elsewhere / "bozze-per-luca.xlsx"
    for out in (printed, replaced):
        code, said = cli(capsys, "print", "invoices", workbook, "--run", run_id, "--out", out, "--ledger", url)
        assert code == 0 and out.exists(), said
    replaced.write_bytes(b"the desk's own notes")
    code, said = cli(capsys, "invoice", "undo", workbook, run_id, "--ledger", url)
    assert code == 0, said
    assert f"Tolto: {printed}" in said.splitlines() and not printed.exists()
    assert replaced.read_bytes() == b"the desk's own notes"
    assert [p.name for p in folder.iterdir() if run_id in p.name] == []


def noted_pdf(url: str, run_id: str, path: Path, author: str) -> Path:
    """A one-page PDF by `author` at `path`, noted as `print invoices --run RUN --pdf` notes its
    PDFs (LibreOffice aside): the toolkit's when `author` is `toolkit`."""
    from pypdf import PdfWriter

    from toolkit.services.printing import noted_for_undo

    noted_for_undo(open_ledger(url), run_id, [path])
    pdf = PdfWriter()
    pdf.add_blank_page(width=595, height=842)
    pdf.add_metadata({"/Author": author})
    with path.open("wb") as file:
        pdf.write(file)
    return path


def test_invoice_undo_keeps_a_print_of_the_run_a_later_print_filled_with_other_invoices(capsys, tmp_path, desk,
                                                                                        ledger_url):
    """`print invoices --run R --out X`, then a print of the month to the same X (it held only
    documents that print prints again, so it was replaced): X holds the final invoices issued
    with the orders too, and the undo removed it as the run's print. It stays, named in a
    warning, the drafts in it for the desk to take out; the run's own copies go (on a team's
    PostgreSQL ledger too, where the paths are noted as on SQLite). Its PDF stays with it."""
    workbook, url = desk = (desk[0], ledger_url)
    folder = tmp_path / "fatture"
    run_id = april_draft_run(capsys, folder, desk)
    printed = tmp_path / "aprile.xlsx"
    assert cli(capsys, "print", "invoices", workbook, "--run", run_id, "--out", printed, "--ledger", url)[0] == 0
    code, said = cli(capsys, "print", "invoices", workbook, "--date", "2026-04-01", "--to", "2026-04-30",
                     "--out", printed, "--ledger", url)
    assert code == 0 and "FT-2026-00001" in tab_names(printed), said
    its_pdf = noted_pdf(url, run_id, printed.with_suffix(".pdf"), "toolkit")  # the month's, with --pdf
    code, said = cli(capsys, "invoice", "undo", workbook, run_id, "--ledger", url)
    assert code == 0, said
    assert printed.exists() and "FT-2026-00001" in tab_names(printed) and its_pdf.exists()
    assert f"Tolto: {printed}" not in said and str(printed) in said and "FT-2026-00001" in said
    assert [p.name for p in folder.iterdir() if run_id in p.name] == []
    assert ("resta: contiene anche 2 fatture (FT-2026-00001, FT-2026-00002). Togli tu le sue bozze"
            in " ".join(said.split())), "the final invoices issued with the orders, counted, not the drafts"


def test_invoice_undo_removes_a_pdf_whose_own_workbook_went_though_a_workbook_of_a_like_name_stays(
        capsys, tmp_path, desk, monkeypatch):
    """The PDF kept beside a kept workbook was found by its name: `bozze-2.pdf` taken for a
    print of `bozze.xlsx` (a part of it, `bozze-parte-2.pdf`, is named so), which stayed filled
    with other invoices, where it was printed with `bozze-2.xlsx`, the run's drafts alone, which
    went: it stayed, drafts numbered as the next run's documents will be. A PDF stays with the
    workbook the ledger noted it printed with, and no other."""
    from pypdf import PdfWriter

    from toolkit.services import printing

    def printed_pdf(target, documents, write, *, part, progress=None):
        pdf = PdfWriter()
        pdf.add_blank_page(width=595, height=842)
        pdf.add_metadata({"/Author": "toolkit"})
        with target.open("wb") as file:
            pdf.write(file)
        return [target]

    monkeypatch.setattr(printing, "documents_to_pdf", printed_pdf)
    workbook, url = desk
    run_id = april_draft_run(capsys, tmp_path / "fatture", desk)
    kept, gone = tmp_path / "bozze.xlsx", tmp_path / "bozze-2.xlsx"
    assert cli(capsys, "print", "invoices", workbook, "--run", run_id, "--out", kept, "--ledger", url)[0] == 0
    code, said = cli(capsys, "print", "invoices", workbook, "--run", run_id, "--out", gone, "--pdf", "--ledger", url)
    assert code == 0 and gone.with_suffix(".pdf").exists(), said
    code, said = cli(capsys, "print", "invoices", workbook, "--date", "2026-04-01", "--to", "2026-04-30",
                     "--out", kept, "--ledger", url)
    assert code == 0 and "FT-2026-00001" in tab_names(kept), said
    code, said = cli(capsys, "invoice", "undo", workbook, run_id, "--ledger", url)
    assert code == 0, said
    assert kept.exists() and not gone.exists()
    assert not gone.with_suffix(".pdf").exists(), said


def test_invoice_undo_leaves_a_pdf_the_toolkit_did_not_write_at_a_noted_prints_name(capsys, tmp_path, desk):
    """A PDF `print invoices --run R --pdf` wrote is noted with the workbook; a PDF the desk
    saved under that name since (a scan, Excel's own export) was removed as the toolkit's,
    where the workbook beside it is kept when it is no longer ours."""
    workbook, url = desk
    run_id = april_draft_run(capsys, tmp_path / "fatture", desk)
    printed = tmp_path / "bozze.xlsx"
    assert cli(capsys, "print", "invoices", workbook, "--run", run_id, "--out", printed, "--ledger", url)[0] == 0
    theirs = noted_pdf(url, run_id, printed.with_suffix(".pdf"), "anna")
    code, said = cli(capsys, "invoice", "undo", workbook, run_id, "--ledger", url)
    assert code == 0, said
    assert not printed.exists() and theirs.exists()


def test_invoice_undo_with_a_noted_print_on_a_folder_gone_undoes_and_names_it(capsys, tmp_path, desk, monkeypatch):
    """A print noted on a network folder no longer reachable (the share down, the VPN off): its
    look-up raised the system's error, an internal error, nothing undone. The run is undone,
    and the file that could not be reached is named, its drafts for the desk to remove."""
    import errno
    import os

    workbook, url = desk
    run_id = april_draft_run(capsys, tmp_path / "fatture", desk)
    share = tmp_path / "condivisa"
    share.mkdir()
    printed = share / "bozze.xlsx"
    assert cli(capsys, "print", "invoices", workbook, "--run", run_id, "--out", printed, "--ledger", url)[0] == 0
    stat = os.stat

    def gone(path, *args, **kwargs):
        if str(path).startswith(str(share)):
            raise OSError(errno.EHOSTDOWN, os.strerror(errno.EHOSTDOWN), str(path))
        return stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", gone)
    code, said = cli(capsys, "invoice", "undo", workbook, run_id, "--ledger", url)
    monkeypatch.undo()
    assert code == 0 and "Traceback" not in said and str(printed) in said, said
    assert printed.exists()
    code, said = cli(capsys, "invoice", "undo", workbook, run_id, "--ledger", url)
    assert code == 0 and "già stata annullata" in said, said


def test_invoice_undo_removes_the_runs_print_whose_pdfs_were_interrupted(capsys, tmp_path, desk, monkeypatch):
    """`print invoices --run R --out X --pdf` noted X only once every PDF was printed, minutes
    for a large run: Ctrl+C, or LibreOffice failing, while they were printed left X written,
    its drafts in it, and never noted, so the undo left it. X is noted once written."""
    from toolkit.services import printing

    workbook, url = desk
    run_id = april_draft_run(capsys, tmp_path / "fatture", desk)
    printed = tmp_path / "bozze.xlsx"

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(printing, "documents_to_pdf", interrupted)
    code, said = cli(capsys, "print", "invoices", workbook, "--run", run_id, "--out", printed, "--pdf", "--ledger", url)
    assert code == 130 and printed.exists(), said
    monkeypatch.undo()
    code, said = cli(capsys, "invoice", "undo", workbook, run_id, "--ledger", url)
    assert code == 0 and f"Tolto: {printed}" in said.splitlines() and not printed.exists(), said


def test_invoice_undo_removes_a_print_of_the_runs_drafts_chosen_by_number_or_date(capsys, tmp_path, desk):
    """`print invoices --numbers` or `--date` printing drafts of a run was not noted, only
    `--run`'s prints were: `invoice undo` left those files, BOZZA pages numbered as the next
    run's documents will be. Any print holding a run's drafts is noted, and the undo removes it."""
    from toolkit.ledger.db import document_number

    workbook, url = desk
    folder = tmp_path / "fatture"
    run_id = april_draft_run(capsys, folder, desk)
    i = schema.invoices.c
    with reading(open_ledger(url)) as conn:
        first = conn.execute(select(i.series, i.year, i.number).where(i.run_id == run_id).order_by(i.number)).first()
        day = conn.execute(select(i.invoice_date).where(i.run_id == run_id)).scalar()
    by_number, by_date = tmp_path / "una-bozza.xlsx", tmp_path / "bozze-del-giorno.xlsx"
    for args, out in ((["--numbers", document_number(*first)], by_number), (["--date", f"{day:%Y-%m-%d}"], by_date)):
        code, said = cli(capsys, "print", "invoices", workbook, *args, "--out", out, "--ledger", url)
        assert code == 0 and out.exists(), said
    code, said = cli(capsys, "invoice", "undo", workbook, run_id, "--ledger", url)
    assert code == 0, said
    assert {f"Tolto: {by_number}", f"Tolto: {by_date}"} <= set(said.splitlines()), said
    assert not by_number.exists() and not by_date.exists()


def test_invoice_credit_date_before_the_runs_date_is_a_slip(capsys, tmp_path, desk):
    """`--credit-date` reaches the run: before the invoices' date it is refused, exit 2, nothing stored."""
    workbook, url = desk
    code, said = cli(capsys, "invoice", workbook, "--month", "2026-04", "--date", "2026-04-30", "--credit-date",
                     "2026-04-29", "--out", tmp_path / "fatture", "--ledger", url)
    assert code == 2 and ("La data delle note di credito 29/04/2026 è prima della data delle fatture dell'emissione "
                          "(30/04/2026)") in said, said
    with reading(open_ledger(url)) as conn:
        assert conn.execute(select(schema.invoices.c.id)).first() is None


def test_invoice_credit_date_in_the_future_names_the_option_given(capsys, tmp_path, desk):
    """A future `--credit-date` was refused as a future invoice date, telling to fix --date,
    which was right: it names --credit-date, nothing stored."""
    workbook, url = desk
    code, said = cli(capsys, "invoice", workbook, "--month", "2026-04", "--date", "2026-04-30", "--credit-date",
                     "2099-05-02", "--out", tmp_path / "fatture", "--ledger", url)
    assert code == 1 and "La data delle note di credito 02/05/2099 è successiva a oggi" in said, said
    assert "Indica con --credit-date una data non futura." in said and "--date." not in said
    with reading(open_ledger(url)) as conn:
        assert conn.execute(select(schema.invoices.c.id)).first() is None


def test_a_ledger_text_another_program_wrote_in_latin1_is_named_at_its_row(capsys, tmp_path, desk):
    """An order's reference written by another program as Latin-1 (`Caffe è` with è the byte E8):
    `print` ended in an internal error, exit 3, naming neither the table nor the row."""
    import sqlite3

    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    with sqlite3.connect(tmp_path / "ledger.sqlite") as conn:
        conn.execute("UPDATE orders SET customer_reference = CAST(X'436166666520E8' AS TEXT) WHERE id = 2")
    code, said = cli(capsys, "print", "orders", workbook, "--date", "2026-04-09", "--out", tmp_path / "o.xlsx",
                     "--ledger", url)
    assert code == 2, said
    assert (f"Nel registro {tmp_path / 'ledger.sqlite'} la tabella orders, alla riga id 2, ha nella colonna "
            "customer_reference il testo 'Caffe \\xe8', scritto in un'altra codifica (come Latin-1)") in said, said
    assert "errore interno" not in said and not (tmp_path / "o.xlsx").exists()


def _april_drafted(capsys, workbook, url, folder: Path) -> str:
    """The sample's 9 April created and shipped on the 10th, April invoiced as a draft run
    printed with its copies (BOZZA) into `folder`: the run's id."""
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    assert cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--ledger", url)[0] == 0
    assert cli(capsys, "invoice", workbook, "--month", "2026-04", "--copies", "--out", folder, "--ledger", url)[0] == 0
    return next(p.name.removeprefix("fatture-").removesuffix(".xlsx") for p in folder.glob("fatture-*"))


def test_a_final_invoice_printed_again_is_its_first_printing_marked_copia(capsys, tmp_path, desk):
    """A final invoice is issued once (its e-invoice went to SDI): printed again, it said what the
    first printing said, word for word, and a second paper handed over as the original could be
    booked twice. The reprint is the first printing with *COPIA* beside its title and in its page
    header, every other cell as it was; the first final print of a run printed only as draft is
    no copy, nor is a draft printed again (BOZZA)."""
    import openpyxl

    workbook, url = desk
    run_id = _april_drafted(capsys, workbook, url, tmp_path / "fatture")
    draft_again = tmp_path / "bozze.xlsx"
    assert cli(capsys, "print", "invoices", workbook, "--run", run_id, "--out", draft_again, "--ledger", url)[0] == 0
    assert cli(capsys, "invoice", "finalize", workbook, run_id, "--ledger", url)[0] == 0
    first, again = tmp_path / "definitive.xlsx", tmp_path / "copia.xlsx"
    for out in (first, again):
        code, said = cli(capsys, "print", "invoices", workbook, "--run", run_id, "--out", out, "--ledger", url)
        assert code == 0, said
    assert copy_differences(again, first) is None
    drafts = openpyxl.load_workbook(draft_again)
    assert all(sheet.oddHeader.left.text.endswith(" – BOZZA") for sheet in drafts)
    assert copy_differences(first, draft_again) is not None


def _undone_draft_then_final(capsys, tmp_path, workbook, url) -> list[str]:
    """April invoiced as a draft run printed with its copies (BOZZA), the run undone, April
    invoiced again final without printing: the numbers of that final run, which on SQLite take
    the undone invoices' ids."""
    run_id = _april_drafted(capsys, workbook, url, tmp_path / "bozza")
    assert cli(capsys, "invoice", "undo", workbook, run_id, "--ledger", url)[0] == 0
    assert cli(capsys, "invoice", workbook, "--month", "2026-04", "--final", "--out", tmp_path / "definitive",
               "--ledger", url)[0] == 0
    with reading(open_ledger(url)) as conn:
        i = schema.invoices.c
        return [f"FT-2026-{n:05d}" for n in conn.execute(
            select(i.number).where(i.period_start == date(2026, 4, 1)).order_by(i.number)).scalars()]


def test_a_final_invoice_of_a_run_made_again_after_an_undo_is_never_printed_and_no_copy(capsys, tmp_path, desk, ledger_url):
    """`invoice undo` deleted the draft invoices but kept their printings, and SQLite gives the
    next run's invoices the same ids: the final invoices never printed were not listed by
    `--unprinted`, and their first printing said COPIA, as a copy of a paper never handed over."""
    import openpyxl

    workbook, url = desk[0], ledger_url
    final = _undone_draft_then_final(capsys, tmp_path, workbook, url)
    out = tmp_path / "mai-stampate.xlsx"
    code, said = cli(capsys, "print", "invoices", workbook, "--unprinted", "--out", out, "--ledger", url)
    assert code == 0 and out.exists(), said
    book = openpyxl.load_workbook(out)
    assert set(final) <= set(book.sheetnames)
    assert not [s.title for s in book if "COPIA" in (s.oddHeader.left.text or "") or "COPIA" in str(s["A1"].value)]
    again = tmp_path / "copia.xlsx"
    assert cli(capsys, "print", "invoices", workbook, "--numbers", ",".join(final), "--out", again, "--ledger", url)[0] == 0
    assert all(openpyxl.load_workbook(again)[n].oddHeader.left.text.endswith(" – COPIA") for n in final)


def test_a_printing_an_earlier_undo_left_makes_no_copy_of_the_invoice_that_took_its_id(capsys, tmp_path, desk, ledger_url):
    """A ledger whose `invoice undo` ran before it deleted the run's printings keeps them: a
    printing older than the invoice it names is one of a deleted invoice, and its first
    printing is no copy."""
    import openpyxl

    workbook, url = desk[0], ledger_url
    final = _undone_draft_then_final(capsys, tmp_path, workbook, url)
    with writing(open_ledger(url)) as conn:
        i = schema.invoices.c
        ids = conn.execute(select(i.id).where(i.period_start == date(2026, 4, 1))).scalars().all()
        conn.execute(schema.printings.delete().where(schema.printings.c.document == "invoice"))
        conn.execute(schema.printings.insert(), [dict(document="invoice", document_id=x, printed_at=datetime(2026, 1, 2),
                                                      printed_by="desk", first_printed_at=datetime(2026, 1, 2))
                                                 for x in ids])
    out = tmp_path / "prima.xlsx"
    assert cli(capsys, "print", "invoices", workbook, "--numbers", ",".join(final), "--out", out, "--ledger", url)[0] == 0
    assert not [s.title for s in openpyxl.load_workbook(out) if "COPIA" in (s.oddHeader.left.text or "")]


def test_a_runs_printable_invoices_written_again_by_export_are_copies(capsys, tmp_path, desk):
    """`invoice finalize --out --copies` prints a run's final invoices for the first time (its
    draft copies said BOZZA): the originals. Written again by `invoice export RUN --copies` or
    the month's register `--copies`, they are a second paper of invoices already handed out,
    and say *COPIA* as `print fatture` does; they said nothing, so a copy passed for the original.
    The month's invoices issued with their orders and never printed are originals; a draft
    run's export stays BOZZA, never COPIA."""
    import openpyxl

    workbook, url = desk
    run_id = _april_drafted(capsys, workbook, url, tmp_path / "bozza")
    code, said = cli(capsys, "invoice", "export", workbook, run_id, "--copies", "--out", tmp_path / "bozza-2",
                     "--ledger", url)
    assert code == 0, said
    drafts = openpyxl.load_workbook(tmp_path / "bozza-2" / f"copie-fatture-{run_id}.xlsx")
    assert all(s.oddHeader.left.text.endswith(" – BOZZA") for s in drafts)
    code, said = cli(capsys, "invoice", "finalize", workbook, run_id, "--copies", "--out", tmp_path / "definitive",
                     "--ledger", url)
    assert code == 0, said
    first = tmp_path / "definitive" / f"copie-fatture-{run_id}.xlsx"
    assert not [s.title for s in openpyxl.load_workbook(first) if "COPIA" in (s.oddHeader.left.text or "")]
    code, said = cli(capsys, "invoice", "export", workbook, run_id, "--copies", "--out", tmp_path / "ancora",
                     "--ledger", url)
    assert code == 0, said
    assert copy_differences(tmp_path / "ancora" / f"copie-fatture-{run_id}.xlsx", first) is None
    code, said = cli(capsys, "invoice", "export", workbook, "--month", "2026-04", "--copies", "--out",
                     tmp_path / "mese", "--ledger", url)
    assert code == 0, said
    month = openpyxl.load_workbook(tmp_path / "mese" / "copie-fatture-2026-04.xlsx")
    copied = {s.title for s in month if s.oddHeader.left.text.endswith(" – COPIA")}
    assert copied == set(openpyxl.load_workbook(first).sheetnames) < set(month.sheetnames), \
        "the invoices issued with their orders, never printed, print as originals"



def test_invoice_undo_writes_the_months_copies_again_with_their_originals_still_originals(capsys, tmp_path, desk):
    """April's invoices issued with their orders printed for the first time by the month's
    register `--copies` (the originals), then a draft run printed into the same folder:
    `invoice undo` wrote the month's copies again with every one of those originals marked
    COPIA, printed over the only file of the originals. They stay originals, cell for cell as
    first printed, and the run's files are gone; printed again by `print fatture` they are
    copies. (A month's copies exported again by the desk before the undo are copies already,
    and stay so.)"""
    import openpyxl

    workbook, url = desk
    folder = tmp_path / "fatture"
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    assert cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--ledger", url)[0] == 0
    month = ("invoice", "export", workbook, "--month", "2026-04", "--copies", "--out", folder, "--ledger", url)
    code, said = cli(capsys, *month)
    assert code == 0, said
    copies = folder / "copie-fatture-2026-04.xlsx"
    first = tmp_path / "originali.xlsx"
    shutil.copyfile(copies, first)
    originals = openpyxl.load_workbook(first).sheetnames
    assert originals and not [s.title for s in openpyxl.load_workbook(first) if "COPIA" in s.oddHeader.left.text]
    code, said = cli(capsys, "invoice", workbook, "--month", "2026-04", "--copies", "--out", folder, "--ledger", url)
    assert code == 0, said
    run_id = next(p.name.removeprefix("fatture-").removesuffix(".xlsx") for p in folder.glob("fatture-2026????-*"))
    assert (folder / f"copie-fatture-{run_id}.xlsx").exists()
    code, said = cli(capsys, "invoice", "undo", workbook, run_id, "--ledger", url)
    assert code == 0, said
    again = openpyxl.load_workbook(copies)
    assert again.sheetnames == originals
    assert [s.title for s in again if "COPIA" in s.oddHeader.left.text or "BOZZA" in s.oddHeader.left.text] == []
    was = openpyxl.load_workbook(first)
    assert all([c.value for r in again[n].iter_rows() for c in r] == [c.value for r in was[n].iter_rows() for c in r]
               and again[n].oddHeader.left.text == was[n].oddHeader.left.text for n in originals)
    assert not [p for p in folder.iterdir() if run_id in p.name]
    printed = tmp_path / "copia.xlsx"
    assert cli(capsys, "print", "invoices", workbook, "--numbers", ",".join(originals), "--out", printed,
               "--ledger", url)[0] == 0
    assert all(s.oddHeader.left.text.endswith(" – COPIA") for s in openpyxl.load_workbook(printed))


def test_orders_created_without_out_name_the_documents_they_issued_and_how_to_print_them(capsys, tmp_path, desk):
    """`orders create` without --out issued a warehouse order's DDT and an on-credit customer's
    invoice at once and said only *Creati 6 ordini*: the desk learnt of them from the next
    `ship --out`, as an operation perhaps interrupted. It names them, and the commands it gives
    print exactly those: by number, so not the DDTs a later `ship` of the day without `--out`
    left unprinted too, which a command by the day (as it was) printed with them."""
    import openpyxl

    workbook, url = desk
    code, said, _ = cli_apart(capsys, "orders", "create", workbook, "--date", "2026-04-01", "--ledger", url)
    last = said.strip().splitlines()[-1]
    ddts, invoices = (tmp_path / "ddt-non-stampati.xlsx", tmp_path / "fatture-non-stampate.xlsx")
    assert code == 0 and last == (
        "Emessi con gli ordini e non stampati (senza --out): 1 DDT (DDT-2026-00001) e 1 fattura (FT-2026-00001). "
        f"Stampali con: toolkit print ddt {workbook} --unprinted --numbers DDT-2026-00001 --out {ddts}; "
        f"toolkit print invoices {workbook} --unprinted --numbers FT-2026-00001 --out {invoices}"), said
    code, shipped = cli(capsys, "ship", workbook, "--date", "2026-04-01", "--all", "--ledger", url)
    assert code == 0 and "DDT-2026-00002" in shipped, shipped
    for command in last.split("Stampali con: ")[1].split("; "):
        assert cli(capsys, *command.split()[1:], "--ledger", url)[0] == 0
    assert openpyxl.load_workbook(ddts).sheetnames == ["DDT-2026-00001"]
    assert openpyxl.load_workbook(invoices).sheetnames == ["FT-2026-00001"]
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-02", "--out", tmp_path / "o.xlsx",
                     "--ledger", url, "--lang", "en")
    [warned] = [line for line in said.splitlines() if "never printed" in line]
    assert code == 0 and "DDT-2026-00002" in warned and "DDT-2026-00001" not in warned, said


@pytest.mark.parametrize(("ddts", "invoices", "it_said", "en_said"), [
    (0, 1, "Emessa con gli ordini e non stampata (senza --out): 1 fattura (FT-2026-00001). Stampala con: ",
     "Issued with the orders and not printed (no --out): 1 invoice (FT-2026-00001). Print it with: "),
    (0, 2, "Emesse con gli ordini e non stampate (senza --out): 2 fatture (FT-2026-00001, FT-2026-00002). "
     "Stampale con: ", "Issued with the orders and not printed (no --out): 2 invoices (FT-2026-00001, "
     "FT-2026-00002). Print them with: "),
    (1, 0, "Emesso con gli ordini e non stampato (senza --out): 1 DDT (DDT-2026-00001). Stampalo con: ",
     "Issued with the orders and not printed (no --out): 1 DDT (DDT-2026-00001). Print it with: "),
    (1, 1, "Emessi con gli ordini e non stampati (senza --out): 1 DDT (DDT-2026-00001) e 1 fattura "
     "(FT-2026-00001). Stampali con: ", "Issued with the orders and not printed (no --out): 1 DDT "
     "(DDT-2026-00001) and 1 invoice (FT-2026-00001). Print them with: "),
])
def test_documents_issued_unprinted_are_named_in_words_agreeing_with_them(ddts, invoices, it_said, en_said):
    """The line naming the documents `orders create` issued and did not print said «Emessi … non
    stampati … Stampali» whatever they were: one invoice alone was «Emessi … 1 fattura», and in
    English «Print them» for one document. The words agree with what was issued."""
    from types import SimpleNamespace
    from typing import cast

    from toolkit.services.orders import Created, issued_unprinted

    day = date(2026, 4, 1)
    created = SimpleNamespace(
        notes=[SimpleNamespace(is_ddt=True, number=f"DDT-2026-0000{n}", day=day) for n in range(1, ddts + 1)],
        invoices=[SimpleNamespace(number=f"FT-2026-0000{n}", invoice_date=day, kind=InvoiceKind.INVOICE,
                                  kind_listed="invoice")
                  for n in range(1, invoices + 1)])
    assert issued_unprinted(cast(Created, created), Path("anagrafiche.xlsx"), "it").startswith(it_said)
    assert issued_unprinted(cast(Created, created), Path("anagrafiche.xlsx"), "en").startswith(en_said)


@pytest.mark.parametrize("kinds, it_said, en_said", [
    (("credit-note",), "Emessa con gli ordini e non stampata (senza --out): 1 nota di credito (NC-2026-00001). "
     "Stampala con: ", "Issued with the orders and not printed (no --out): 1 credit note (NC-2026-00001). Print it "
     "with: "),
    (("invoice", "credit-note"), "Emesse con gli ordini e non stampate (senza --out): 1 fattura (FT-2026-00001) e 1 "
     "nota di credito (NC-2026-00001). Stampale con: ", "Issued with the orders and not printed (no --out): 1 invoice "
     "(FT-2026-00001) and 1 credit note (NC-2026-00001). Print them with: "),
])
def test_a_credit_note_issued_with_the_orders_is_named_a_credit_note(kinds, it_said, en_said):
    """A return of a customer invoiced *Immediato* is credited as its order is made: the line
    said *1 fattura (NC-2026-00001)*, a credit note named an invoice."""
    from types import SimpleNamespace
    from typing import cast

    from toolkit.services.orders import Created, issued_unprinted

    day = date(2026, 4, 1)
    created = SimpleNamespace(notes=[], invoices=[
        SimpleNamespace(number=("NC" if kind == "credit-note" else "FT") + "-2026-00001", invoice_date=day,
                        kind=InvoiceKind(kind), kind_listed=kind) for kind in kinds])
    assert issued_unprinted(cast(Created, created), Path("anagrafiche.xlsx"), "it").startswith(it_said)
    assert issued_unprinted(cast(Created, created), Path("anagrafiche.xlsx"), "en").startswith(en_said)


@pytest.mark.parametrize("ddts, kinds, it_said, en_said", [
    (1, ("invoice", "credit-note"), "Emessi con gli ordini e non stampati (senza --out): 1 DDT (DDT-2026-00001), 1 "
     "fattura (FT-2026-00001) e 1 nota di credito (NC-2026-00001). Stampali con: ", "Issued with the orders and not "
     "printed (no --out): 1 DDT (DDT-2026-00001), 1 invoice (FT-2026-00001) and 1 credit note (NC-2026-00001). "
     "Print them with: "),
    (0, ("credit-note", "credit-note"), "Emesse con gli ordini e non stampate (senza --out): 2 note di credito "
     "(NC-2026-00001, NC-2026-00002). Stampale con: ", "Issued with the orders and not printed (no --out): 2 credit "
     "notes (NC-2026-00001, NC-2026-00002). Print them with: "),
    (2, ("credit-note",), "Emessi con gli ordini e non stampati (senza --out): 2 DDT (DDT-2026-00001, DDT-2026-00002) "
     "e 1 nota di credito (NC-2026-00001). Stampali con: ", "Issued with the orders and not printed (no --out): 2 "
     "DDTs (DDT-2026-00001, DDT-2026-00002) and 1 credit note (NC-2026-00001). Print them with: "),
])
def test_ddts_invoices_and_credit_notes_issued_together_are_listed_as_a_sentence_lists_them(ddts, kinds, it_said,
                                                                                           en_said):
    """A day's POS order (its DDT and invoice) beside an *Immediato* customer's return (its credit
    note) was named *1 DDT (…) e 1 fattura (…) e 1 nota di credito (…)*, two «e»: the last of
    three is joined by «e», the others by commas."""
    from types import SimpleNamespace
    from typing import cast

    from toolkit.services.orders import Created, issued_unprinted

    day = date(2026, 4, 1)
    numbered: dict[str, int] = {}

    def number(prefix: str) -> str:
        numbered[prefix] = numbered.get(prefix, 0) + 1
        return f"{prefix}-2026-{numbered[prefix]:05d}"

    created = SimpleNamespace(
        notes=[SimpleNamespace(is_ddt=True, number=number("DDT"), day=day) for _ in range(ddts)],
        invoices=[SimpleNamespace(number=number("NC" if kind == "credit-note" else "FT"), invoice_date=day,
                                  kind=InvoiceKind(kind), kind_listed=kind) for kind in kinds])
    assert issued_unprinted(cast(Created, created), Path("anagrafiche.xlsx"), "it").startswith(it_said)
    assert issued_unprinted(cast(Created, created), Path("anagrafiche.xlsx"), "en").startswith(en_said)


def test_the_line_of_documents_issued_unprinted_is_worded_in_the_catalogue_in_both_languages():
    """The line was built from pieces of words in the code, the one message of `orders create`
    outside the catalogue every other one is in (`define`): its four agreements are kinds of
    it now, each with its Italian and English, and the line is theirs."""
    from types import SimpleNamespace
    from typing import cast

    from toolkit.basics.problems import problem_type
    from toolkit.services.orders import Created, issued_unprinted

    day = date(2026, 4, 1)
    created = SimpleNamespace(notes=[SimpleNamespace(is_ddt=True, number="DDT-2026-00001", day=day)],
                              invoices=[SimpleNamespace(number="FT-2026-00001", invoice_date=day,
                                                        kind=InvoiceKind.INVOICE, kind_listed="invoice")])
    kind = problem_type("issued-unprinted-documents")
    assert kind.templates["it"].startswith("Emessi con gli ordini e non stampati (senza --out): {issued}. Stampali")
    assert kind.templates["en"].startswith("Issued with the orders and not printed (no --out): {issued}. Print them")
    for lang in ("it", "en"):
        said = issued_unprinted(cast(Created, created), Path("anagrafiche.xlsx"), lang)
        assert said.startswith(kind.templates[lang].split("{issued}")[0])
    assert {problem_type(f"issued-unprinted-{k}").templates["en"].split(" with: ")[0].rsplit(". ", 1)[1]
            for k in ("ddt", "invoice", "invoices", "documents")} == {"Print it", "Print them"}
