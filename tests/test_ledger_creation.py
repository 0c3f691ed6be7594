"""A new SQLite ledger appears whole or not at all: its schema is made in a file beside it that
takes the ledger's name only once complete, never over a file a colleague put there meanwhile.
So an empty file at a ledger's name is never the toolkit's, and can be refused (see
`test_refused_inputs.py`) without a failed or concurrent creation ever tripping on it."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from toolkit.basics.files import TEMPORARY_NAME
from toolkit.ledger import db, open_ledger, schema
from toolkit.ledger.db import draw_numbers, reading, writing
from toolkit.ledger.lock import Patience


def url_of(path: Path) -> str:
    return f"sqlite:///{path}"


def next_invoice_number(url: str, patience: Patience = Patience()) -> int:
    """Draw the next invoice number of 2026 in a write of its own, as an action would."""
    ledger = open_ledger(url, patience=patience)
    try:
        with writing(ledger) as conn:
            return draw_numbers(conn, [("FT", 2026)])[0]
    finally:
        ledger.engine.dispose()


def schema_version(path: Path) -> int | None:
    ledger = open_ledger(url_of(path))
    try:
        with reading(ledger) as conn:
            return conn.execute(select(schema.schema_version.c.version)).scalar_one_or_none()
    finally:
        ledger.engine.dispose()


def test_a_ledger_made_where_none_is_starts_numbering_at_one_and_leaves_nothing_beside(tmp_path):
    path = tmp_path / "ledger.sqlite"
    assert next_invoice_number(url_of(path)) == 1
    assert next_invoice_number(url_of(path)) == 2
    assert schema_version(path) == schema.SCHEMA_VERSION
    assert [p.name for p in tmp_path.iterdir()] == ["ledger.sqlite"]


@pytest.mark.parametrize("folder", ["Ordini a?b", "Sconti 50%", "Sede #2", "Città ü"])
@pytest.mark.parametrize("given", [False, True], ids=["beside-the-workbook", "--ledger path"])
def test_a_ledger_beside_a_workbook_in_any_folder_is_there(folder, given, tmp_path):
    """A folder named `Ordini a?b` had its desk's ledger made as `Ordini a` beside the folder,
    the URL's query starting at `?`: two such desks would share one numbering."""
    desk = tmp_path / folder
    desk.mkdir()
    workbook = desk / "anagrafiche.xlsx"
    url = db.as_url(str(desk / "anagrafiche.xlsx.ledger.sqlite")) if given else db.default_url(workbook)
    ledger = open_ledger(url) if given else open_ledger(workbook=workbook)
    try:
        with writing(ledger) as conn:
            assert draw_numbers(conn, [("FT", 2026)]) == [1]
        assert ledger.file == desk / "anagrafiche.xlsx.ledger.sqlite"
    finally:
        ledger.engine.dispose()
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder]
    assert [p.name for p in desk.iterdir()] == ["anagrafiche.xlsx.ledger.sqlite"]


def test_a_creation_that_fails_half_way_leaves_no_file_at_the_ledgers_name(tmp_path, monkeypatch):
    path = tmp_path / "ledger.sqlite"
    create_all = schema.metadata.create_all

    def failing(conn, **kw):
        create_all(conn, **kw)
        raise RuntimeError("the disk gave up")

    monkeypatch.setattr(schema.metadata, "create_all", failing)
    with pytest.raises(RuntimeError, match="the disk gave up"):
        next_invoice_number(url_of(path))
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    assert next_invoice_number(url_of(path)) == 1


KILLED = textwrap.dedent("""
    import os, sys
    from toolkit.ledger import db, open_ledger, schema

    create_all = schema.metadata.create_all

    def killed(conn, **kw):
        create_all(conn, **kw)
        os._exit(9)

    schema.metadata.create_all = killed
    with db.writing(open_ledger(sys.argv[1])):
        pass
""")


def test_a_process_killed_while_creating_leaves_no_file_at_the_ledgers_name(tmp_path):
    path = tmp_path / "ledger.sqlite"
    run = subprocess.run([sys.executable, "-c", KILLED, url_of(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 9, run.stderr
    assert not path.exists()
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and TEMPORARY_NAME.match(left[0]), left
    assert next_invoice_number(url_of(path)) == 1


def test_two_colleagues_creating_at_once_share_one_ledger(tmp_path, monkeypatch):
    """Both make their schema before either puts it in place: one gets the name, the other's
    file is dropped and it writes into the winner's ledger. Only the winner says it created a
    ledger: both said «Creato un nuovo registro», two new ledgers to a desk that sees two."""
    path = tmp_path / "ledger.sqlite"
    both_made = threading.Barrier(2, timeout=60)
    create = db._create

    def in_step(conn):
        made = create(conn)
        both_made.wait()
        return made

    monkeypatch.setattr(db, "_create", in_step)
    drawn: list[int] = []
    failed: list[BaseException] = []
    told: list[str] = []

    def colleague() -> None:
        try:
            drawn.append(next_invoice_number(url_of(path), Patience(notify=lambda problem: told.append(problem.code))))
        except BaseException as exc:  # handed to the test's thread
            failed.append(exc)

    threads = [threading.Thread(target=colleague) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failed, failed
    assert sorted(drawn) == [1, 2] and told.count("ledger-created") == 1, told  # a wait for the lock is told too
    assert [p.name for p in tmp_path.iterdir()] == ["ledger.sqlite"]


def _no_hard_links(made, target):
    raise PermissionError(errno.EPERM, "Operation not permitted")


@pytest.mark.parametrize("links", [True, False], ids=["hard-links", "no-hard-links"])
def test_a_ledger_put_in_place_meanwhile_is_used_not_replaced(tmp_path, monkeypatch, links):
    """While this creation makes its schema, a colleague's creation finishes and draws invoice
    1: this one finds the name taken, drops its own file and draws 2 from the colleague's."""
    path = tmp_path / "ledger.sqlite"
    if not links:
        monkeypatch.setattr(os, "link", _no_hard_links)
    create = db._create
    overtook: list[bool] = []
    colleagues: list[int] = []

    def overtaken(conn):
        made = create(conn)
        if not overtook:
            overtook.append(True)
            colleagues.append(next_invoice_number(url_of(path)))
        return made

    monkeypatch.setattr(db, "_create", overtaken)
    assert next_invoice_number(url_of(path)) == 2
    assert colleagues == [1]
    assert [p.name for p in tmp_path.iterdir()] == ["ledger.sqlite"]


def test_a_sqlite_ledgers_connections_keep_their_temporary_storage_in_memory(tmp_path):
    """A multi-row insert inside a write transaction keeps a statement journal of the pages it
    changes, and SQLite's default spills it to a temporary file past 64 KiB: month end's
    313,691 invoice lines at L made 425,000 writes to it. In memory, every connection."""
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    with writing(ledger) as conn:
        assert conn.exec_driver_sql("PRAGMA temp_store").scalar_one() == 2
    with reading(ledger) as conn:
        assert conn.exec_driver_sql("PRAGMA temp_store").scalar_one() == 2
