"""No document lost: whatever the ledger records prints again as it first printed, outputs are
checked before anything is stored, and a file that still cannot be written names the command
that prints it (exit 4)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text, update

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading, writing
from xlsx_reference import differences


def cli(capsys, *args) -> tuple[int, str]:
    """The `toolkit` command in this process: exit code, and stdout + stderr."""
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
    return code, captured.out + captured.err


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


def test_unknown_numbers_and_run_for_ddts_are_refused(capsys, tmp_path, desk):
    workbook, url = desk
    code, said = cli(capsys, "print", "ddt", workbook, "--numbers", "DDT-2026-00099", "--out", tmp_path / "x.xlsx",
                     "--ledger", url)
    assert code == 1 and "DDT-2026-00099" in said
    code, said = cli(capsys, "print", "ddt", workbook, "--run", "R1", "--out", tmp_path / "x.xlsx", "--ledger", url)
    assert code == 1 and "--run" in said and not (tmp_path / "x.xlsx").exists()


def test_a_version_3_ledger_gets_the_printings_table(tmp_path, minimal_master):
    from toolkit.services.orders import create
    from datetime import date

    url = f"sqlite:///{tmp_path / 'v3.sqlite'}"
    ledger = open_ledger(url)
    create(minimal_master, ledger, date(2026, 4, 9))
    with writing(ledger) as conn:
        conn.execute(text("DROP TABLE printings"))
        conn.execute(update(schema.schema_version).values(version=3))
    ledger.engine.dispose()

    upgraded = open_ledger(url)
    with reading(upgraded) as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION == 4
        assert inspect(conn).has_table("printings")
        assert conn.execute(text("SELECT count(*) FROM orders")).scalar() == 1


def test_the_reprint_button_brings_back_the_days_ddts(tmp_path):
    import openpyxl

    import toolkit.excel as x
    from test_excel_orders import fake

    book = fake(tmp_path)
    x.preview_orders(book)
    x.create_orders(book)
    x.ship(book)
    shipped = tmp_path / "ddt-2026-04-09.xlsx"
    first = tmp_path / "first.xlsx"
    shipped.rename(first)
    alerts = len(book.alerts)
    x.reprint_delivery_notes(book)
    text, caption, mode = book.alerts[-1]
    assert (caption, mode) == ("Ristampa DDT", "info") and len(book.alerts) == alerts + 1
    assert text.startswith("DDT ristampati: 1.") and str(shipped) in text
    assert openpyxl.load_workbook(shipped).sheetnames == ["DDT-2026-00001"]
    assert differences(shipped, first) is None
