"""Opening a ledger that fails: the desk's own mistakes told as they are, with the fix; a failure
the desk cannot fix told as an internal error to report, not as an address to check."""

from __future__ import annotations

import shutil

from sqlalchemy import update
from test_printing import cli

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import writing


def test_a_driver_refusing_a_migrations_statement_is_an_internal_error_not_an_address_to_check(
        capsys, tmp_path, sample_workbook, ledger_url, monkeypatch):
    """A ProgrammingError carries no SQL state when the driver refuses a statement itself (its
    parameters not matching its placeholders: a bug of the migration), as it does when it
    refuses an address's parameter (`?sslmod=require`): every such error opening a ledger was
    told as the address to check (exit 2), on SQLite too, which has no address to mistype."""
    import toolkit.ledger.db as db

    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    ledger = open_ledger(ledger_url)
    with writing(ledger) as conn:
        conn.execute(update(schema.schema_version).values(version=schema.SCHEMA_VERSION - 1))
    ledger.engine.dispose()

    def broken(conn):
        conn.exec_driver_sql("SELECT 1 WHERE 1 = %s" if conn.dialect.name == "postgresql" else
                             "SELECT 1 WHERE 1 = ?", (1, 2))

    monkeypatch.setitem(db.MIGRATIONS, schema.SCHEMA_VERSION, broken)
    code, said = cli(capsys, "orders", "list", workbook, "--ledger", ledger_url)
    assert code == 3, said
    assert "errore interno" in said and "Controlla l'indirizzo" not in said
