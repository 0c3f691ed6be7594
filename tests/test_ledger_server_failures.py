"""A team's PostgreSQL ledger failing under a desk: the server restarting mid-command, a role
without the rights the ledger needs. Each is the machine's to tend, not a bug: exit 2, words
saying what happened and what to do, nothing half-stored (audit desks)."""

from __future__ import annotations

import shutil
import uuid

import pytest
from conftest import PG_REASON, PG_URL, pg_databases
from sqlalchemy import make_url
from test_printing import cli, numbers, stored

from toolkit.ledger import schema

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_desk(tmp_path, sample_workbook):
    if not PG_URL:
        pytest.skip(PG_REASON)
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    with pg_databases(1) as (url,):
        yield workbook, url


def test_a_server_restarting_mid_command_is_told_and_the_rerun_numbers_without_a_gap(capsys, pg_desk, monkeypatch):
    import toolkit.ledger.db as db

    workbook, url = pg_desk
    drawn = db._next_numbers

    def server_restarts(conn, *args):
        conn.exec_driver_sql("SELECT pg_terminate_backend(pg_backend_pid())")
        return drawn(conn, *args)

    monkeypatch.setattr(db, "_next_numbers", server_restarts)
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)
    assert code == 2, said
    assert "Il collegamento con il registro si è interrotto" in said and "ripeti lo stesso comando" in said
    assert "errore interno" not in said and "Traceback" not in said
    assert stored(url) == {"orders": 0, "deliveries": 0, "invoices": 0}
    monkeypatch.setattr(db, "_next_numbers", drawn)
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)
    assert code == 0, said
    assert numbers(url, schema.orders)[0] == "OC-2026-00001"


@pytest.fixture
def role_without_create(pg_desk):
    """The URL of the desk's database for a role that may connect but not create tables."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    _, url = pg_desk
    role = f"desk_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            try:
                conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'desk'"))
            except Exception:
                pytest.skip("the test server's user cannot create roles")
            conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
        yield make_url(url).set(username=role, password="desk").render_as_string(hide_password=False), admin
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        admin.dispose()


def tables(admin) -> int:
    from sqlalchemy import text

    with admin.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar()


def test_a_role_without_create_rights_is_told_what_to_grant(capsys, pg_desk, role_without_create):
    workbook, _ = pg_desk
    desk_url, admin = role_without_create
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", desk_url)
    assert code == 2, said
    assert "non ha i permessi necessari (permission denied for schema public)" in said
    assert "GRANT CREATE ON SCHEMA public" in said and "errore interno" not in said
    assert tables(admin) == 0


def test_a_button_on_a_role_without_create_rights_says_what_to_grant(tmp_path, monkeypatch, role_without_create):
    from test_excel_desk_buttons import fake, press

    desk_url, admin = role_without_create
    monkeypatch.setenv("TOOLKIT_LEDGER_URL", desk_url)
    book = fake(tmp_path)
    (shown,) = press(book, "preview_orders")
    assert "non ha i permessi necessari (permission denied for schema public)" in shown[0], shown
    assert "TOOLKIT_LEDGER_URL" in shown[0] and "GRANT CREATE ON SCHEMA public" in shown[0]
    assert "Errore interno" not in shown[0]
    assert tables(admin) == 0


def test_a_button_whose_server_restarts_mid_press_says_to_press_it_again(tmp_path, monkeypatch, pg_desk):
    from test_excel_desk_buttons import fake, press

    import toolkit.ledger.db as db

    _, url = pg_desk
    monkeypatch.setenv("TOOLKIT_LEDGER_URL", url)
    book = fake(tmp_path)
    press(book, "preview_orders")
    drawn = db._next_numbers

    def server_restarts(conn, *args):
        conn.exec_driver_sql("SELECT pg_terminate_backend(pg_backend_pid())")
        return drawn(conn, *args)

    monkeypatch.setattr(db, "_next_numbers", server_restarts)
    (shown,) = press(book, "create_orders")
    assert "Il collegamento con il registro si è interrotto" in shown[0] and "premi ancora il pulsante" in shown[0]
    assert shown[2] == "critical" and not list(tmp_path.glob("ordini-*.xlsx"))
    assert stored(url)["orders"] == 0


def test_a_new_team_ledger_beside_the_workbooks_own_history_is_refused(capsys, pg_desk):
    """A desk moving to the team's PostgreSQL ledger while its SQLite ledger holds the year's
    documents: the team ledger numbered from 1 again (FT-2026-00001 a second time, and the
    e-invoice file names SDI had received), silently (audit desks). Refused until the file is
    moved away on purpose."""
    workbook, url = pg_desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")[0] == 0
    own = workbook.with_name(workbook.name + ".ledger.sqlite")
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-10", "--ledger", url)
    assert code == 2, said
    assert f"c'è il suo registro {own} con i documenti emessi finora" in said and "non ho scritto nulla" in said
    assert f'toolkit ledger move "{workbook}" --to postgresql+psycopg://' in said, "the command that moves it"
    given = said.split(f'toolkit ledger move "{workbook}" --to ', 1)[1].split(". Oppure", 1)[0]
    assert "***" not in given and make_url(given).password is None, "a command to copy, not the *** shown"
    assert stored(url) == {"orders": 0, "deliveries": 0, "invoices": 0}
    own.rename(own.with_name("archivio.sqlite"))
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-10", "--ledger", url)[0] == 0
    assert numbers(url, schema.orders)[0] == "OC-2026-00001"
