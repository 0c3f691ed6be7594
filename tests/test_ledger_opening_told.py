"""Opening a ledger that fails: the desk's own mistakes told as they are, with the fix; a failure
the desk cannot fix told as an internal error to report, not as an address to check."""

from __future__ import annotations

import shutil

import pytest
from older_ledgers import back_to
from test_printing import cli

from toolkit.ledger import open_ledger, schema


def one_version_back(tmp_path, sample_workbook, ledger_url):
    """The sample workbook in a folder of its own, its ledger at `ledger_url` made and set one
    schema version back, so the next command upgrades it."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    ledger = open_ledger(ledger_url)
    back_to(ledger, schema.SCHEMA_VERSION - 1)
    ledger.engine.dispose()
    return workbook


def test_a_driver_refusing_a_migrations_statement_is_an_internal_error_not_an_address_to_check(
        capsys, tmp_path, sample_workbook, ledger_url, monkeypatch):
    """A ProgrammingError carries no SQL state when the driver refuses a statement itself (its
    parameters not matching its placeholders: a bug of the migration), as it does when it
    refuses an address's parameter (`?sslmod=require`): every such error opening a ledger was
    told as the address to check (exit 2), on SQLite too, which has no address to mistype."""
    import toolkit.ledger.db as db

    workbook = one_version_back(tmp_path, sample_workbook, ledger_url)

    def broken(conn):
        conn.exec_driver_sql("SELECT 1 WHERE 1 = %s" if conn.dialect.name == "postgresql" else
                             "SELECT 1 WHERE 1 = ?", (1, 2))

    monkeypatch.setitem(db.MIGRATIONS, schema.SCHEMA_VERSION, broken)
    code, said = cli(capsys, "orders", "list", workbook, "--ledger", ledger_url)
    assert code == 3, said
    assert "errore interno" in said and "Controlla l'indirizzo" not in said


@pytest.mark.parametrize("ledger_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_a_driver_refusing_the_upgrades_commit_is_an_internal_error_not_an_address_to_check(
        capsys, tmp_path, sample_workbook, ledger_url, monkeypatch):
    """A commit the driver refuses carries no SQL state and no statement, as a refusal of the
    address's parameters does (`?sslmod=require`): psycopg's «Explicit commit() forbidden within a
    Transaction context», a bug of the toolkit's upgrade, was told as the address to check,
    exit 2. Only what is refused while connecting is the address."""
    import psycopg
    from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg as dialect

    import toolkit.ledger.db as db

    workbook = one_version_back(tmp_path, sample_workbook, ledger_url)
    migrated = []
    committing = dialect.do_commit

    def refused(self, dbapi_connection):
        if migrated:
            raise psycopg.ProgrammingError("Explicit commit() forbidden within a Transaction context.")
        committing(self, dbapi_connection)

    monkeypatch.setitem(db.MIGRATIONS, schema.SCHEMA_VERSION, lambda conn: migrated.append(True))
    monkeypatch.setattr(dialect, "do_commit", refused)
    code, said = cli(capsys, "orders", "list", workbook, "--ledger", ledger_url)
    assert code == 3, said
    assert "errore interno" in said and "Explicit commit() forbidden" in said and "Controlla" not in said, said


class Refused(Exception):
    """A driver's refusal as psycopg raises it: no SQL state, libpq's words."""

    sqlstate = None


def refused_with(url: str, said: str):
    """How opening the ledger at `url` is told when libpq refuses the connection with `said`."""
    pytest.importorskip("psycopg")
    from sqlalchemy.exc import OperationalError

    from toolkit.ledger.db import Ledger, _engine, not_opened
    from toolkit.ledger.lock import Holder

    ledger = Ledger(_engine(url, Holder("magazzino", "toolkit")))
    try:
        return not_opened(ledger, OperationalError(None, None, Refused(said)))
    finally:
        ledger.engine.dispose()


def test_ident_refusing_an_address_with_its_server_is_not_told_to_write_the_server(monkeypatch, tmp_path):
    """«Ident authentication failed» comes over the network too (an older Red Hat server's
    `host … 127.0.0.1/32 ident`): an address naming its server was told to write the server in
    the address, which it does, and that a connection with none compares the names. The way
    round for a connection with no server is told only of one that has none."""
    for variable in ("PGHOST", "PGHOSTADDR", "PGSERVICE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("PGSERVICEFILE", str(tmp_path / "none.conf"))
    said = 'connection failed: FATAL:  Ident authentication failed for user "anna"'
    with_server = refused_with("postgresql://anna@127.0.0.1/ordini", said)
    assert with_server.code != "ledger-login-not-the-user", with_server.message("it")
    assert "Scrivi il server nell'indirizzo" not in with_server.message("it")
    assert refused_with("postgresql://anna@/ordini?host=db", said).code != "ledger-login-not-the-user"
    monkeypatch.setenv("PGHOST", "db")
    assert refused_with("postgresql://anna@/ordini", said).code != "ledger-login-not-the-user"
    monkeypatch.delenv("PGHOST")
    socket = refused_with("postgresql://anna@/ordini", said)
    assert socket.code == "ledger-login-not-the-user" and "Scrivi il server nell'indirizzo" in socket.message("it")
    assert refused_with("postgresql://anna@/ordini?host=/var/run/postgresql", said).code == "ledger-login-not-the-user"


def test_the_user_a_service_file_gives_is_the_one_the_login_refusal_names(monkeypatch, tmp_path):
    """libpq takes the user from the address, else from the `pg_service.conf` entry it names,
    else PGUSER, else the PC's login: a service's `user=anna` refused by peer was told as the
    PC's login refused, «accetta l'utente magazzino … e tu sei entrato come magazzino», which
    tells nothing. A service's `host=` folder is this PC's socket too."""
    for variable in ("PGHOST", "PGHOSTADDR", "PGSERVICE", "PGUSER", "PGSYSCONFDIR"):
        monkeypatch.delenv(variable, raising=False)
    file = tmp_path / "pg_service.conf"
    file.write_text("[ordini]\nuser=anna\ndbname=ordini\n\n[sotto]\nhost=/var/run/postgresql\nuser=anna\n",
                    encoding="utf-8")
    monkeypatch.setenv("PGSERVICEFILE", str(file))
    monkeypatch.setenv("PGUSER", "bruno")
    said = 'connection failed: FATAL:  Peer authentication failed for user "anna"'
    for url in ("postgresql:///?service=ordini", "postgresql:///?service=sotto"):
        refused = refused_with(url, said)
        assert refused.code == "ledger-login-not-the-user", (url, refused.message("it"))
        assert dict(refused.params)["user"] == "anna", refused.message("it")
    assert dict(refused_with("postgresql://carla@/?service=ordini", said).params)["user"] == "carla"


def test_the_login_refusal_says_this_computers_server_not_its_socket(monkeypatch, tmp_path):
    """libpq names the socket it reached (`connection to server on socket
    "/var/run/postgresql/.s.PGSQL.5432" failed`), which the message quoted as its reason: a
    desk knows the server on this computer, not a socket's path."""
    for variable in ("PGHOST", "PGHOSTADDR", "PGSERVICE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("PGSERVICEFILE", str(tmp_path / "none.conf"))
    said = ('connection failed: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: '
            'FATAL:  Peer authentication failed for user "anna"')
    refused = refused_with("postgresql://anna@/ordini", said)
    for lang, here in (("it", "è quello di questo computer"), ("en", "is this computer's own")):
        told = refused.message(lang)
        assert "socket" not in told and ".s.PGSQL" not in told, told
        assert here in told and '(Peer authentication failed for user "anna")' in told, told


def test_a_services_socket_folder_yields_to_a_server_pghost_or_pghostaddr_names(monkeypatch, tmp_path):
    """A service's `host=` folder is this PC's socket only when nothing sends the driver over
    the network: libpq takes PGHOSTADDR for a service that sets no `hostaddr=` (each parameter
    is the service's or the variable's, and a `hostaddr` connects over TCP), and psycopg reads
    PGHOST itself, not the service, resolving a server's name into the `hostaddr` it hands
    libpq. Both reach the server at the variable's address (`connection to server at
    "127.0.0.1"`, as the driver's own attempts show), where an «Ident authentication failed»
    was told as this computer's server matching the names, to write the server in the address."""
    conninfo_attempts = pytest.importorskip("psycopg.conninfo").conninfo_attempts
    for variable in ("PGHOST", "PGHOSTADDR", "PGSERVICE"):
        monkeypatch.delenv(variable, raising=False)
    file = tmp_path / "pg_service.conf"
    file.write_text("[sotto]\nhost=/var/run/postgresql\nuser=anna\n", encoding="utf-8")
    monkeypatch.setenv("PGSERVICEFILE", str(file))
    said = 'connection failed: FATAL:  Ident authentication failed for user "anna"'
    url = "postgresql:///ordini?service=sotto"
    assert refused_with(url, said).code == "ledger-login-not-the-user"
    for variable, value in (("PGHOST", "127.0.0.1"), ("PGHOST", "localhost"), ("PGHOSTADDR", "127.0.0.1")):
        with monkeypatch.context() as env:
            env.setenv(variable, value)
            assert all(attempt.get("hostaddr") or variable == "PGHOSTADDR"
                       for attempt in conninfo_attempts({"service": "sotto", "dbname": "ordini"}))
            told = refused_with(url, said)
            assert told.code != "ledger-login-not-the-user", (variable, told.message("it"))
    monkeypatch.setenv("PGHOST", "/tmp")
    assert refused_with(url, said).code == "ledger-login-not-the-user", "a folder in PGHOST is a socket too"


def test_an_abstract_socket_and_a_windows_drive_folder_are_this_computers_server(monkeypatch, tmp_path):
    """libpq takes a `host` starting with `@` for a socket in Linux's abstract namespace, and on
    Windows a drive's path (`C:\\sockets`, either slash) for a socket's folder, as it takes `/…`:
    both were taken for servers over the network, so a peer refusal through them was not told as
    this computer's server matching the names. On Linux a drive's path is a server's name."""
    from toolkit.ledger import address

    for variable in ("PGHOST", "PGHOSTADDR", "PGSERVICE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("PGSERVICEFILE", str(tmp_path / "none.conf"))
    said = 'connection failed: FATAL:  Peer authentication failed for user "anna"'
    assert refused_with("postgresql://anna@/ordini?host=@ordini", said).code == "ledger-login-not-the-user"
    drives = ("postgresql://anna@/ordini?host=C:\\sockets", "postgresql://anna@/ordini?host=c:/sockets")
    monkeypatch.setattr(address.sys, "platform", "win32")
    for url in drives:
        assert refused_with(url, said).code == "ledger-login-not-the-user", url
    monkeypatch.setattr(address.sys, "platform", "linux")
    for url in drives:
        assert refused_with(url, said).code != "ledger-login-not-the-user", url


@pytest.mark.parametrize("platform, socket", [("linux", True), ("darwin", True), ("win32", False)])
def test_no_server_in_the_address_is_this_computers_socket_except_on_windows(platform, socket, monkeypatch,
                                                                               tmp_path):
    """libpq given no server goes to the socket folder it was built with, except on Windows,
    where it goes to `localhost` over the network: a refusal there was told as this computer's
    socket matching the PC's login against the user («è quello di questo computer»), which
    Windows' libpq never reached. An empty PGHOST, or a service naming no server, is the same."""
    from toolkit.ledger import address

    for variable in ("PGHOST", "PGHOSTADDR", "PGSERVICE"):
        monkeypatch.delenv(variable, raising=False)
    file = tmp_path / "pg_service.conf"
    file.write_text("[ordini]\nuser=anna\ndbname=ordini\n", encoding="utf-8")
    monkeypatch.setenv("PGSERVICEFILE", str(file))
    monkeypatch.setattr(address.sys, "platform", platform)
    said = 'connection failed: FATAL:  Peer authentication failed for user "anna"'
    for url in ("postgresql://anna@/ordini", "postgresql:///?service=ordini"):
        told = refused_with(url, said)
        assert (told.code == "ledger-login-not-the-user") == socket, (platform, url, told.message("it"))
        assert ("questo computer" in told.message("it")) == socket, told.message("it")
    monkeypatch.setenv("PGHOST", "")
    assert (refused_with("postgresql://anna@/ordini", said).code == "ledger-login-not-the-user") == socket


def test_an_empty_pgservice_names_the_service_of_no_name_as_libpq_reads_it(monkeypatch, tmp_path):
    """PGSERVICE set to nothing is set to libpq, which looks for the service "" (`[]` in the file;
    none there, it refuses the connection, *definition of service "" not found*): it was taken
    for unset, and the user libpq logs in as read from PGUSER instead of that entry."""
    from sqlalchemy import make_url

    from toolkit.ledger.address import connecting_user
    from toolkit.ledger.service_file import service_name

    file = tmp_path / "pg_service.conf"
    file.write_text("[]\nuser=anna\n[ordini]\nuser=bruno\n")
    monkeypatch.setenv("PGSERVICEFILE", str(file))
    monkeypatch.setenv("PGUSER", "carla")
    monkeypatch.setenv("PGSERVICE", "")
    assert service_name({}) == "" and service_name({"service": "ordini"}) == "ordini"
    assert connecting_user(make_url("postgresql:///ordini")) == "anna"
    monkeypatch.delenv("PGSERVICE")
    assert service_name({}) is None and connecting_user(make_url("postgresql:///ordini")) == "carla"
