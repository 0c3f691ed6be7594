"""A team's PostgreSQL ledger failing under a desk: the server restarting mid-command, a role
without the rights the ledger needs. Each is the machine's to tend, not a bug: exit 2, words
saying what happened and what to do, nothing half-stored (audit desks)."""

from __future__ import annotations

import shutil

import pytest
from conftest import PG_REASON, PG_URL, pg_databases, pg_role
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
    """The URL of the desk's database for a role that may connect but not create tables, and an
    engine of the server's user on it."""
    from sqlalchemy import create_engine

    _, url = pg_desk
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with pg_role(url, "REVOKE CREATE ON SCHEMA public FROM PUBLIC") as (_, theirs):
        yield theirs, admin
    admin.dispose()


def test_a_scratch_role_is_skipped_where_the_servers_user_may_not_create_roles(pg_desk):
    """`pg_role` on a server whose user may not create roles skips the test, as it says: the
    role never made was then dropped with what it owns, an error (role does not exist) that
    failed the test in place of the skip."""
    _, url = pg_desk
    with pg_role(url) as (_, theirs), pytest.raises(pytest.skip.Exception), pg_role(theirs):
        pass


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
    assert url.startswith("postgresql://") and "+psycopg" not in said, "the address as the desk typed it"
    assert f'toolkit ledger move "{workbook}" --to postgresql://' in said, "the command that moves it"
    given = said.split(f'toolkit ledger move "{workbook}" --to ', 1)[1].split(". Oppure", 1)[0]
    assert "***" not in given and make_url(given).password is None, "a command to copy, not the *** shown"
    assert given == make_url(url)._replace(password=None).render_as_string(), "the address typed, the password from pgpass"
    assert stored(url) == {"orders": 0, "deliveries": 0, "invoices": 0}
    own.rename(own.with_name("archivio.sqlite"))
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-10", "--ledger", url)[0] == 0
    assert numbers(url, schema.orders)[0] == "OC-2026-00001"


def wrong_password(url: str) -> str:
    return make_url(url).set(password="not-the-password").render_as_string(hide_password=False)


def test_a_wrong_password_in_the_address_is_to_correct_there_not_to_move_into_pgpass(capsys, pg_desk):
    """docs/ledger.md and docs/excel.md put the password in --ledger or TOOLKIT_LEDGER_URL; one
    typed wrong there was told the password does not go in the workbook and to put it in pgpass,
    where a desk that followed the docs had it right where it was, only wrong."""
    workbook, url = pg_desk
    if not make_url(url).password:
        pytest.skip("the test server asks for no password")
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", wrong_password(url))
    assert code == 2, said
    user = make_url(url).username
    assert f"non accetta la password scritta nell'indirizzo per l'utente {user}" in said
    assert "Correggi la password nell'indirizzo dato con --ledger (o --to di ledger move) o con la variabile" in said
    assert "pgpass" not in said and "not-the-password" not in said and "errore interno" not in said
    code, said = cli(capsys, "orders", "list", workbook, "--ledger", wrong_password(url), "--lang", "en")
    assert code == 2 and "does not accept the password written in the address for the user" in said
    assert stored(url) == {"orders": 0, "deliveries": 0, "invoices": 0}


def test_a_button_with_a_wrong_password_in_the_variable_says_to_correct_the_variable(tmp_path, monkeypatch, pg_desk):
    from test_excel_desk_buttons import fake, press

    _, url = pg_desk
    if not make_url(url).password:
        pytest.skip("the test server asks for no password")
    monkeypatch.setenv("TOOLKIT_LEDGER_URL", wrong_password(url))
    (shown,) = press(fake(tmp_path), "preview_orders")
    assert "non accetta la password scritta nell'indirizzo" in shown[0], shown
    assert "TOOLKIT_LEDGER_URL" in shown[0] and "riapri Excel" in shown[0] and "--ledger" not in shown[0]


def test_a_database_the_server_has_not_is_named_with_how_to_create_it(capsys, pg_desk):
    """A new team's first command on a server where nobody created the database was told to
    check the address, with libpq's English words; it names the database, and how a new team
    ledger is started: the database made empty once, its tables by the toolkit."""
    workbook, url = pg_desk
    absent = make_url(url).database + "_absent"
    elsewhere = make_url(url).set(database=absent).render_as_string(hide_password=False)
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", elsewhere)
    assert code == 2, said
    assert f"non c'è il database {absent}: non ho scritto nulla" in said
    assert f"(createdb {absent}, o CREATE DATABASE {absent})" in said and "le tabelle le crea il toolkit" in said
    code, said = cli(capsys, "orders", "list", workbook, "--ledger", elsewhere, "--lang", "en")
    assert code == 2 and f"has no database {absent}: nothing was written" in said


@pytest.mark.parametrize("query", ["sslmod=require", "connect_timeout=abc"])
def test_an_address_parameter_libpq_cannot_read_is_the_address_to_correct_not_an_internal_error(
        capsys, pg_desk, query):
    """`?sslmod=require` (one letter short) or a timeout that is no number: the driver refuses
    the address before reaching the server, and every command met it as an internal error,
    exit 3, to report as a bug."""
    workbook, url = pg_desk
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", f"{url}?{query}")
    assert code == 2, said
    assert "Non riesco ad aprire il registro" in said and query.split("=")[0] in said
    assert "Controlla l'indirizzo" in said and "errore interno" not in said
    assert stored(url) == {"orders": 0, "deliveries": 0, "invoices": 0}


def test_a_move_to_an_address_mistyped_is_told_and_nothing_moves(capsys, pg_desk):
    """`ledger move --to` meets the same mistakes: a database not created yet, a parameter
    libpq does not know; told, nothing moved, the file kept under its name."""
    workbook, url = pg_desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")[0] == 0
    absent = make_url(url).set(database=make_url(url).database + "_absent").render_as_string(hide_password=False)
    code, said = cli(capsys, "ledger", "move", workbook, "--to", absent)
    assert code == 2 and "non c'è il database" in said and "(--ledger o --to, TOOLKIT_LEDGER_URL" in said, said
    code, said = cli(capsys, "ledger", "move", workbook, "--to", f"{url}?sslmod=require")
    assert code == 2 and 'invalid connection option "sslmod"' in said and "errore interno" not in said, said
    assert (workbook.parent / "anagrafiche.xlsx.ledger.sqlite").exists()
    assert stored(url) == {"orders": 0, "deliveries": 0, "invoices": 0}


@pytest.fixture
def silent_server():
    """The address of a server that takes the connection and never answers, as a hung server or
    a half-open VPN does (and a PC switched off, for two minutes), closed afterwards."""
    import socket

    pytest.importorskip("psycopg")
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen(4)
    try:
        yield f"postgresql://anna:x@127.0.0.1:{listening.getsockname()[1]}/ordini"
    finally:
        listening.close()


def test_a_server_that_never_answers_is_given_up_and_told_not_waited_for_forever(tmp_path, sample_workbook,
                                                                                silent_server):
    """libpq waits for the server's first word with no limit: a desk's command, or an Excel
    button, hung for good. The toolkit gives up after SERVER_PATIENCE's seconds, exit 2, saying
    the server does not answer and what to check."""
    import os
    import subprocess
    import sys

    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    try:
        done = subprocess.run([sys.executable, "-m", "toolkit", "orders", "create", str(workbook), "--date",
                               "2026-04-09", "--ledger", silent_server], capture_output=True, text=True,
                              timeout=120, env={**os.environ, "TOOLKIT_LEDGER_URL": ""})
    except subprocess.TimeoutExpired:
        pytest.fail("the command still waits for a server that never answers")
    assert done.returncode == 2, done.stderr
    assert "non risponde (connection timeout expired): è spento o si sta riavviando" in done.stderr
    assert "errore interno" not in done.stderr and ":x@" not in done.stderr
    assert not list(tmp_path.glob("*.sqlite"))


def test_a_server_refusing_connections_is_told_off_or_restarting_not_only_an_address_to_check(capsys, tmp_path,
                                                                                           sample_workbook):
    """The server's PC on with PostgreSQL stopped (restarting, an update): libpq's «Connection
    refused» was told as an address to check, which was right; it says the server does not
    answer, to try again in a while, and then to check the address."""
    import socket

    pytest.importorskip("psycopg")
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    code, said = cli(capsys, "orders", "list", workbook, "--ledger", f"postgresql://anna@127.0.0.1:{port}/ordini")
    assert code == 2, said
    assert "non risponde (" in said and "Connection refused" in said and "Riprova fra poco" in said
    code, said = cli(capsys, "orders", "list", workbook, "--ledger", f"postgresql://anna@127.0.0.1:{port}/ordini",
                     "--lang", "en")
    assert code == 2 and "does not answer" in said and "Try again in a while" in said


def connecting_with(url: str) -> dict:
    """The parameters the toolkit hands libpq to connect to `url`, caught before it connects."""
    from sqlalchemy import event

    from toolkit.ledger.db import _engine
    from toolkit.ledger.lock import Holder

    engine = _engine(url, Holder("anna", "toolkit"))
    seen: dict = {}

    @event.listens_for(engine, "do_connect")
    def caught(dialect, record, cargs, cparams):
        seen.update(cparams)
        raise ConnectionAbortedError("seen")

    with pytest.raises(Exception, match="seen"):
        engine.connect()
    engine.dispose()
    return seen


def test_an_address_giving_its_own_connect_timeout_keeps_it_and_one_giving_none_gets_the_toolkits():
    """`?connect_timeout=60` on a slow VPN is the desk's choice: SERVER_PATIENCE only fills what
    the address leaves out, keepalives too, so a network gone mid-command is noticed."""
    pytest.importorskip("psycopg")
    assert connecting_with("postgresql://anna@db/ordini?connect_timeout=60")["connect_timeout"] == "60"
    given = connecting_with("postgresql://anna@db/ordini")
    assert given["connect_timeout"] == 15 and given["keepalives_idle"] == 30 and given["keepalives_count"] == 3


@pytest.mark.parametrize("password", ["p@ss#1", "pa/ss", "pa?ss@2"])
def test_a_password_with_a_character_an_address_reserves_is_refused_without_showing_any_of_it(
        capsys, tmp_path, sample_workbook, password):
    """A password typed as it is, `p@ss#1`, moved the server to `ss#1@127.0.0.1` (and `pa/ss`
    the port to `pa`): the refusal printed that part of the password and sent the desk to check
    the server's name. It says to encode the character, and shows no part of the password."""
    pytest.importorskip("psycopg")
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger",
                     f"postgresql://anna:{password}@127.0.0.1/ordini")
    assert code == 2, said
    assert "L'indirizzo del registro postgresql://…@127.0.0.1/ordini ha nella password" in said
    assert "@ come %40, / come %2F" in said and "errore interno" not in said
    assert not any(piece in said for piece in ("ss#1", "«pa»", "ss@2", password)), said
    assert not list(tmp_path.glob("*.sqlite"))



def in_the_query(url: str, password: str) -> str:
    """`url` with its password given as libpq's `?password=` parameter instead of after the user."""
    return make_url(url).set(password=None).update_query_dict({"password": password}).render_as_string(
        hide_password=False)


def test_a_wrong_password_given_as_a_parameter_is_not_shown_in_the_refusal(capsys, pg_desk):
    """`?password=` is a password written in the address as much as `anna:…@` is (the refusal
    says so), but the address was shown as written: the wrong password, and a right one in any
    other refusal of the same address, printed on the terminal and in the buttons' messages."""
    workbook, url = pg_desk
    if not make_url(url).password:
        pytest.skip("the test server asks for no password")
    code, said = cli(capsys, "orders", "list", workbook, "--ledger", in_the_query(url, "Wrong-Secret"))
    assert code == 2 and "non accetta la password scritta nell'indirizzo" in said, said
    assert "Wrong-Secret" not in said and "password=***" in said
    absent = make_url(url).set(database=make_url(url).database + "_absent").render_as_string(hide_password=False)
    right = make_url(url).password
    code, said = cli(capsys, "orders", "list", workbook, "--ledger", in_the_query(absent, right), "--lang", "en")
    assert code == 2 and "has no database" in said, said
    assert f"password={right}" not in said and "password=***" in said


def test_the_move_command_shown_for_a_password_given_as_a_parameter_leaves_it_out(capsys, pg_desk):
    """The `ledger move --to` a refusal gives to copy leaves the password out, for pgpass to
    supply; one given as `?password=` was copied into it as written."""
    workbook, url = pg_desk
    if not make_url(url).password:
        pytest.skip("the test server asks for no password")
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")[0] == 0
    right = make_url(url).password
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-10", "--ledger", in_the_query(url, right))
    assert code == 2 and "toolkit ledger move" in said, said
    assert f"password={right}" not in said
    given = said.split(f'toolkit ledger move "{workbook}" --to ', 1)[1].split(". Oppure", 1)[0]
    assert "password" not in make_url(given).query and make_url(given).host == make_url(url).host


def test_a_hash_in_a_password_given_as_a_parameter_reaches_the_server(capsys, pg_desk):
    """`?password=p#ss` is read whole (an address's `#` means nothing to the driver), and the
    server judges it; it was refused as a reserved character in the user's part, where nothing
    was, its password printed whole in the refusal."""
    workbook, url = pg_desk
    if not make_url(url).password:
        pytest.skip("the test server asks for no password")
    typed = make_url(url).set(password=None).render_as_string(hide_password=False) + "?password=Wrong#Secret"
    code, said = cli(capsys, "orders", "list", workbook, "--ledger", typed)
    assert code == 2 and "password authentication failed" in said, said
    assert "ha nella password (o nel nome utente) un carattere" not in said and "Secret" not in said


def test_a_connect_timeout_in_libpqs_variable_is_kept(monkeypatch):
    """PGCONNECT_TIMEOUT is libpq's own way of giving every connection of a PC its patience (a
    desk on a slow VPN), and a parameter given explicitly overrides it: the toolkit's 15 seconds
    replaced the desk's 60 without a word. It is left to the variable; keepalives are given still."""
    pytest.importorskip("psycopg")
    monkeypatch.setenv("PGCONNECT_TIMEOUT", "60")
    given = connecting_with("postgresql://anna@db/ordini")
    assert "connect_timeout" not in given and given["keepalives_idle"] == 30, given
    monkeypatch.setenv("PGCONNECT_TIMEOUT", "")
    assert connecting_with("postgresql://anna@db/ordini")["connect_timeout"] == 15


def test_a_connect_timeout_in_the_service_the_address_names_is_kept(tmp_path, monkeypatch):
    """A `pg_service.conf` entry (`?service=ordini`, or PGSERVICE) setting `connect_timeout=60`
    for a slow VPN is the desk's choice as the address's own is, and the toolkit's 15 seconds,
    given explicitly, overrode it; a service that sets none gets them, keepalives as before."""
    pytest.importorskip("psycopg")
    services = tmp_path / "pg_service.conf"
    services.write_text("[ordini]\nhost=db\nconnect_timeout=60\n\n[prove]\nhost=db\n", encoding="utf-8")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    monkeypatch.delenv("PGSERVICE", raising=False)
    monkeypatch.delenv("PGCONNECT_TIMEOUT", raising=False)
    given = connecting_with("postgresql://anna@db/ordini?service=ordini")
    assert "connect_timeout" not in given and given["keepalives_idle"] == 30, given
    assert connecting_with("postgresql://anna@db/ordini?service=prove")["connect_timeout"] == 15
    monkeypatch.setenv("PGSERVICE", "ordini")
    assert "connect_timeout" not in connecting_with("postgresql://anna@db/ordini")


def test_a_server_matching_the_login_against_the_user_is_told_with_the_way_round_not_as_an_address(
        capsys, pg_desk, monkeypatch):
    """An address with no server (`postgresql://toolkit@/ordini`) connects through the server
    PC's socket, where PostgreSQL's usual rule (peer, or ident) lets in only the OS login of the
    same name: «Peer authentication failed» was told as an address to check. It says the two
    names differ and the ways round: the server in the address, which asks the password, or the
    same name on both sides."""
    import getpass

    workbook, url = pg_desk
    if getpass.getuser() == make_url(url).username:
        pytest.skip("this PC's login is the server's user: peer lets it in")
    monkeypatch.setattr("toolkit.ledger.db.user", lambda: "magazzino")
    local = f"postgresql://{make_url(url).username}@/{make_url(url).database}"
    code, said = cli(capsys, "orders", "list", workbook, "--ledger", local)
    if "Peer authentication failed" not in said and "Ident authentication failed" not in said:
        pytest.skip("the test server does not authenticate its socket by peer or ident")
    said = " ".join(said.split())
    user = make_url(url).username
    assert code == 2 and "Controlla l'indirizzo" not in said and "errore interno" not in said, said
    assert f"accetta l'utente {user} solo da chi è entrato nel PC con quel nome, mentre tu sei entrato come " \
           "magazzino" in said, said
    assert f"Scrivi il server nell'indirizzo (localhost, o 127.0.0.1, sul PC del server: postgresql://{user}" \
           "@localhost/…), così chiede la password" in said
    code, said = cli(capsys, "orders", "list", workbook, "--ledger", local, "--lang", "en")
    said = " ".join(said.split())
    assert code == 2 and f"accepts the user {user} only from someone logged on to the PC under that name" in said
    assert "“peer” or “ident” authentication" in said and "Check the address" not in said


def test_a_wrong_password_names_the_user_the_server_refused_given_as_a_parameter_too(capsys, pg_desk):
    """libpq takes the user as `?user=` (or from PGUSER) as well as before the `@`: the refusal
    named this PC's login instead, a user the address never gave, for the password to correct."""
    workbook, url = pg_desk
    address = make_url(url)
    if not address.password:
        pytest.skip("the test server asks for no password")
    typed = address._replace(username=None, password=None).update_query_dict(
        {"user": address.username, "password": "not-the-password"}).render_as_string(hide_password=False)
    code, said = cli(capsys, "orders", "list", workbook, "--ledger", typed)
    assert code == 2, said
    assert f"non accetta la password scritta nell'indirizzo per l'utente {address.username} (" in said, said


@pytest.mark.parametrize("query", ["user=anna&password=p@ss/1#x", "user=bruno@ditta"])
def test_an_at_in_a_parameter_after_a_port_is_refused_without_showing_the_password(
        capsys, tmp_path, sample_workbook, query):
    """With no user before the server and a port after it, the driver took everything up to a
    parameter's `@` for a user and a password, and what follows it for the server: a password
    `p@ss/1#x` given as `?password=` was told as the server `ss` to resolve, its tail printed,
    and `?user=bruno@ditta` went to a server named `ditta`. Refused as a reserved character."""
    pytest.importorskip("psycopg")
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    code, said = cli(capsys, "orders", "list", workbook, "--ledger", f"postgresql://127.0.0.1:5432/ordini?{query}")
    assert code == 2, said
    assert "L'indirizzo del registro postgresql://127.0.0.1:5432/ordini ha nella password" in said, said
    assert "ss/1" not in said and "ditta" not in said and "resolve host" not in said


@pytest.fixture
def server_gone():
    """The address of a server killed as each connection opens: it takes the connection, reads
    what libpq sends first and closes, as a PostgreSQL whose process dies meanwhile does."""
    import socket
    import threading

    pytest.importorskip("psycopg")
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen(4)

    def dying():
        while True:
            try:
                taken, _ = listening.accept()
            except OSError:
                return
            taken.recv(1024)
            taken.close()

    threading.Thread(target=dying, daemon=True).start()
    try:
        yield f"postgresql://anna:x@127.0.0.1:{listening.getsockname()[1]}/ordini"
    finally:
        listening.close()


def test_a_server_killed_while_the_connection_opens_is_told_gone_not_an_address_to_check(capsys, tmp_path,
                                                                                       sample_workbook, server_gone):
    """libpq's «server closed the connection unexpectedly» was told as an address to check (Non
    riesco ad aprire il registro … Controlla l'indirizzo): the server went away, to try again."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", server_gone)
    assert code == 2, said
    assert "ha chiuso il collegamento mentre si apriva (" in said and "server closed the connection" in said
    assert "si è fermato, è caduto o si sta riavviando" in said and "Riprova fra qualche minuto" in said
    assert "Non riesco ad aprire" not in said and ":x@" not in said
    assert not list(tmp_path.glob("*.sqlite"))
    code, said = cli(capsys, "orders", "list", workbook, "--ledger", server_gone, "--lang", "en")
    assert code == 2 and "closed the connection while it was opening" in said and "Try again in a few" in said


def test_a_server_gone_between_two_steps_of_a_command_is_the_connection_lost_not_an_internal_error(
        capsys, pg_desk, monkeypatch):
    """The ledger opened, the server went down before the command's next step: the pooled
    connection found dead, the new one refused (libpq's «Connection refused», no SQLSTATE, which
    the psycopg dialect does not count as a disconnect) ended as *errore interno*, exit 3."""
    import psycopg
    from sqlalchemy import create_engine

    import toolkit.cli.orders as verbs

    workbook, url = pg_desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    opened = verbs.open_session

    def server_stops(*args, **kwargs):
        session = opened(*args, **kwargs)
        admin = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
        with admin.begin() as conn:
            conn.exec_driver_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        admin.dispose()

        def refused(*_, **__):
            raise psycopg.OperationalError('connection failed: connection to server at "127.0.0.1", port 5432 '
                                           'failed: Connection refused')

        monkeypatch.setattr(psycopg, "connect", refused)
        return session

    monkeypatch.setattr(verbs, "open_session", server_stops)
    code, said = cli(capsys, "orders", "list", workbook, "--ledger", url)
    assert code == 2, said
    assert "Il collegamento con il registro si è interrotto" in said and "ripeti lo stesso comando" in said
    assert "errore interno" not in said and "Traceback" not in said


@pytest.mark.parametrize(("number", "shown"), [(100023, "10.23"), (90624, "9.6.24")])
def test_a_server_older_than_the_toolkit_needs_is_refused_before_anything_is_written(capsys, pg_desk, monkeypatch,
                                                                                      number, shown):
    """`SET LOCAL jit` and `ANALYZE` of several tables at once are PostgreSQL 11's: on a 10 the
    command failed midway with the server's words, after the ledger's tables were made. The
    server's version is read as the ledger is opened (faked here: the test server is newer)."""
    from sqlalchemy import create_engine

    from toolkit.ledger import server_version

    workbook, url = pg_desk
    monkeypatch.setattr(server_version, "server_version_num", lambda conn: number)
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)
    assert code == 2, said
    assert f"è PostgreSQL {shown}: il toolkit vuole PostgreSQL 11 o più recente" in said and "Non ho scritto nulla" in said
    assert "errore interno" not in said and "Traceback" not in said
    code, said = cli(capsys, "orders", "list", workbook, "--ledger", url, "--lang", "en", "--json")
    assert code == 2 and "ledger-server-too-old" in said and f"is PostgreSQL {shown}: the toolkit needs" in said
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    assert tables(admin) == 0
    admin.dispose()


def test_the_servers_version_is_read_as_server_version_num_says():
    from sqlalchemy import create_engine, text

    from toolkit.ledger.server_version import server_version_num

    if not PG_URL:
        pytest.skip(PG_REASON)
    engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        assert server_version_num(conn) == int(conn.execute(text("SHOW server_version_num")).scalar()) >= 110000
    engine.dispose()


def test_a_move_to_a_server_older_than_the_toolkit_needs_moves_nothing(capsys, pg_desk, monkeypatch):
    from toolkit.ledger import server_version

    workbook, url = pg_desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")[0] == 0
    own = workbook.with_name(workbook.name + ".ledger.sqlite")
    monkeypatch.setattr(server_version, "server_version_num", lambda conn: 100023)
    code, said = cli(capsys, "ledger", "move", workbook, "--to", url)
    assert code == 2 and "è PostgreSQL 10.23: il toolkit vuole PostgreSQL 11" in said, said
    monkeypatch.undo()
    assert own.is_file() and stored(url) == {"orders": 0, "deliveries": 0, "invoices": 0}


def test_a_server_whose_version_libpq_could_not_read_is_asked_not_refused(capsys, pg_desk, monkeypatch):
    """libpq says 0 when the `server_version` it was told is none it reads (a pooler or proxy in
    front of the server may send none): the ledger was refused as *PostgreSQL 0.0.0*; the
    server's own `server_version_num` decides."""
    import psycopg
    from sqlalchemy import create_engine, text

    from toolkit.ledger import server_version

    workbook, url = pg_desk
    monkeypatch.setattr(psycopg.ConnectionInfo, "server_version", property(lambda info: 0))
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        assert server_version.server_version_num(conn) == int(conn.execute(text("SHOW server_version_num")).scalar())
    engine.dispose()
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)
    assert code == 0 and "PostgreSQL 0" not in said, said
    assert stored(url)["orders"] > 0
