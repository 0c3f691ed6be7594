"""A team on one ledger: readers never wait or create, writers wait for a colleague with a
message naming who holds the ledger, and give up after --wait with nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from command_line import as_process as toolkit
from conftest import PG_URL, pg_databases, pg_role
from sqlalchemy import make_url

from toolkit.ledger import open_ledger
from toolkit.ledger.counts import document_counts
from toolkit.ledger.db import reading, user

HOLD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from toolkit.ledger import open_ledger
    from toolkit.ledger.db import writing
    ledger = open_ledger(sys.argv[1], action="toolkit invoice run")
    done = Path(sys.argv[2])
    with writing(ledger):
        print("held", flush=True)
        for _ in range(1200):
            if done.exists():
                break
            time.sleep(0.1)
""")


@pytest.fixture
def workbook(tmp_path, sample_workbook) -> Path:
    copy = tmp_path / "anagrafiche.xlsx"
    copy.write_bytes(sample_workbook.read_bytes())
    return copy


class Colleague:
    """Another process holding the ledger's write lock, as a month-end run would."""

    def __init__(self, url: str, done: Path):
        self.done = done
        self.process = subprocess.Popen([sys.executable, "-c", HOLD, url, str(done)], stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None and self.process.stdout.readline().strip() == "held"

    def finish(self) -> None:
        """Let go of the ledger, as the month-end does when it is done."""
        self.done.touch()
        self.process.wait(timeout=60)

    def holding(self) -> bool:
        return self.process.poll() is None

    def leave(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture
def colleague(tmp_path):
    started: list[Colleague] = []

    def start(url: str) -> Colleague:
        started.append(Colleague(url, tmp_path / f"done-{len(started)}"))
        return started[-1]

    yield start
    for c in started:
        c.leave()


def _orders(url: str) -> int:
    ledger = open_ledger(url)
    try:
        with reading(ledger) as conn:
            return document_counts(conn)[0]
    finally:
        ledger.engine.dispose()


def holder(url: str, lang: str) -> str:
    """How the wait names a colleague of this PC holding the ledger at `url`, up to its action: on
    SQLite by the PC's login, on PostgreSQL by the role the address names, the login beside it
    when it differs."""
    from sqlalchemy import make_url

    role = make_url(url).username if url.startswith("postgresql") else None
    if role is None or role == user():
        return f"{user()} ("
    return f"{role} ({user()} {'sul PC' if lang == 'it' else 'on the PC'}: "


def test_a_writer_says_who_holds_the_ledger_and_gives_up_with_nothing_written(workbook, ledger_url, colleague):
    busy = colleague(ledger_url)
    run = toolkit("orders", "create", str(workbook), "--date", "2026-04-09", "--ledger", ledger_url,
                  "--wait", "1", "--lang", "en", cwd=workbook.parent)
    assert run.returncode == 2, run.stderr
    assert f"busy with {holder(ledger_url, 'en')}toolkit invoice run" in run.stderr
    assert "after 1 seconds: nothing was written" in run.stderr
    assert "Traceback" not in run.stderr
    assert busy.holding()
    busy.leave()
    assert _orders(ledger_url) == 0


@pytest.mark.postgres
def test_a_writer_names_the_colleague_by_the_role_they_use_on_the_team_ledger(workbook, colleague):
    """On a team's server each colleague connects as their own role (their address names it),
    where the PCs' logins are often alike (`Utente`, `ufficio`): the wait named the OS login
    alone. It names the role, the login beside it when it differs."""
    if not PG_URL:
        pytest.skip("no PostgreSQL server")
    with pg_databases(1) as (url,):
        open_ledger(url).engine.dispose()
        with pg_role(url, "GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}") as (role, theirs):
            busy = colleague(theirs)
            run = toolkit("orders", "create", str(workbook), "--date", "2026-04-09", "--ledger", url,
                          "--wait", "1", cwd=workbook.parent)
            busy.leave()
    assert run.returncode == 2, run.stderr
    assert f"Il registro è ancora occupato da {role} ({user()} sul PC: toolkit invoice run" in run.stderr


def test_a_writer_waits_for_a_colleague_then_does_its_work(workbook, ledger_url, colleague):
    busy = colleague(ledger_url)
    waiting = subprocess.Popen([sys.executable, "-m", "toolkit", "orders", "create", str(workbook), "--date", "2026-04-09",
                                "--ledger", ledger_url, "--json"], cwd=workbook.parent, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    assert waiting.stderr is not None
    told = waiting.stderr.readline()
    assert f"Il registro è occupato da {holder(ledger_url, 'it')}toolkit invoice run" in told
    busy.finish()
    out, _ = waiting.communicate(timeout=300)
    assert waiting.returncode == 0
    created = json.loads(out)["created"]
    assert created and _orders(ledger_url) == len(created)


def test_readers_do_not_wait_for_a_writer(workbook, ledger_url, colleague):
    setup = toolkit("orders", "create", str(workbook), "--date", "2026-04-09", "--ledger", ledger_url, cwd=workbook.parent)
    assert setup.returncode == 0, setup.stderr
    busy = colleague(ledger_url)
    for verb in (("orders", "list"), ("invoice", "list"), ("orders", "preview", "--date", "2026-04-10")):
        run = toolkit(*verb[:1], *verb[1:2], str(workbook), *verb[2:], "--ledger", ledger_url, "--json", cwd=workbook.parent)
        assert run.returncode == 0, (verb, run.stderr)
        assert "occupato" not in run.stderr
    listed = json.loads(toolkit("orders", "list", str(workbook), "--ledger", ledger_url, "--json", cwd=workbook.parent).stdout)
    assert len(listed["orders"]) == _orders(ledger_url) > 0
    assert busy.holding()


@pytest.mark.parametrize("verb", [["orders", "preview", "WB", "--date", "2026-04-09"], ["orders", "list", "WB"],
                                  ["invoice", "list", "WB"], ["payments", "status", "WB"],
                                  ["distribution", "WB", "--date", "2026-04-09", "--out", "lista.xlsx"]])
def test_reading_commands_create_no_ledger(workbook, verb):
    run = toolkit(*[str(workbook) if a == "WB" else a for a in verb], cwd=workbook.parent)
    assert run.returncode == 0, run.stderr
    assert not (workbook.parent / "anagrafiche.xlsx.ledger.sqlite").exists()


@pytest.mark.parametrize("url", ["mysql://user:secret@db.example.com/ledger", "not a url", "oracle+cx://x@y/z"])
def test_an_unsupported_ledger_is_a_clear_message(workbook, url):
    run = toolkit("orders", "list", str(workbook), "--ledger", url, "--lang", "en", cwd=workbook.parent)
    assert run.returncode == 2
    assert "cannot be used: the toolkit keeps its ledger in a SQLite file" in run.stderr
    assert "secret" not in run.stderr and "Traceback" not in run.stderr


def test_a_postgres_address_as_hosts_give_it_is_the_team_ledger(workbook):
    """`postgres://`, the scheme many hosting panels and tools print, was refused as neither
    SQLite nor PostgreSQL, sending the desk to fix an address that was right (audit desks)."""
    from toolkit.ledger.db import _engine
    from toolkit.ledger.lock import Holder

    engine = _engine("postgres://desk:secret@db.example.com:5433/ordini", Holder("desk", "toolkit"))
    assert (engine.dialect.name, engine.url.host, engine.url.port, engine.url.database) == (
        "postgresql", "db.example.com", 5433, "ordini")
    if PG_URL:
        with pg_databases(1) as (url,):
            run = toolkit("orders", "list", str(workbook), "--ledger", url.replace("postgresql://", "postgres://", 1),
                          cwd=workbook.parent)
        assert run.returncode == 0, run.stderr


def test_the_demo_runs_on_a_given_ledger_but_never_on_one_in_use(tmp_path, workbook, ledger_url):
    in_use = toolkit("orders", "create", str(workbook), "--date", "2026-04-09", "--ledger", ledger_url, cwd=workbook.parent)
    assert in_use.returncode == 0, in_use.stderr
    before = _orders(ledger_url)
    refused = toolkit("demo", "--out", str(tmp_path / "demo"), "--ledger", ledger_url, "--lang", "en", cwd=tmp_path)
    assert refused.returncode == 2
    assert "already holds documents that are not the demo's" in refused.stderr
    assert _orders(ledger_url) == before


def test_the_demo_writes_into_the_ledger_it_is_given(tmp_path):
    url = f"sqlite:///{tmp_path / 'team.sqlite'}"
    run = toolkit("demo", "--out", str(tmp_path / "demo"), "--ledger", url, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert _orders(url) > 0
    assert not list((tmp_path / "demo").glob("*.ledger.sqlite"))
    again = toolkit("demo", "--out", str(tmp_path / "demo"), "--ledger", url, cwd=tmp_path)
    assert again.returncode == 0, again.stderr


def test_a_team_ledger_without_its_driver_says_what_to_install(monkeypatch):
    import importlib.util

    from toolkit.basics.problems import UnusableInput

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "psycopg" else real(name, *a))
    with pytest.raises(UnusableInput) as refused:
        open_ledger("postgresql://desk:secret@server/ledger")
    assert refused.value.problem.code == "ledger-no-driver"
    message = refused.value.problem.message("en")
    assert 'pip install "recurring-orders-toolkit[postgres]"' in message and "secret" not in message


class Outsider:
    """A session outside the toolkit (psql) holding a lock on a ledger table in an open
    transaction, as someone tidying the database by hand would."""

    def __init__(self, url: str, statement: str):
        import psycopg

        self.conn = psycopg.connect(url, application_name="psql")
        self.conn.execute(statement)

    def leave(self) -> None:
        self.conn.rollback()
        self.conn.close()


@pytest.mark.postgres
@pytest.mark.parametrize("statement", ["LOCK TABLE counters IN EXCLUSIVE MODE", "UPDATE counters SET last = last"])
def test_a_writer_says_who_outside_the_toolkit_holds_a_table_and_gives_up(workbook, statement):
    """A psql session holding a table lock (or a row of the numbering) made `orders create` wait
    in silence for ever: the lock is outside the toolkit's own. It says who holds the table, as
    it says who holds the ledger, and gives up after --wait with nothing written."""
    if not PG_URL:
        pytest.skip("no PostgreSQL server")
    with pg_databases(1) as (url,):
        first = toolkit("orders", "create", str(workbook), "--date", "2026-04-09", "--ledger", url, cwd=workbook.parent)
        assert first.returncode == 0, first.stderr
        made = _orders(url)
        outsider = Outsider(url, statement)
        try:
            run = subprocess.run([sys.executable, "-m", "toolkit", "orders", "create", str(workbook), "--date",
                                  "2026-04-10", "--ledger", url, "--wait", "2", "--lang", "en"],
                                 cwd=workbook.parent, capture_output=True, text=True, timeout=30)
        finally:
            outsider.leave()
        role = make_url(url).username
        assert run.returncode == 2, run.stderr
        assert f"busy with {role} (psql" in run.stderr
        assert "after 2 seconds: nothing was written" in run.stderr
        assert "Traceback" not in run.stderr
        assert _orders(url) == made
        again = toolkit("orders", "create", str(workbook), "--date", "2026-04-10", "--ledger", url, cwd=workbook.parent)
        assert again.returncode == 0, again.stderr
        assert _orders(url) > made


@pytest.mark.postgres
def test_a_refused_writer_names_the_session_whose_lock_conflicts_not_an_earlier_harmless_one():
    """A session holding a ledger table with a lock that stops no writer (ROW SHARE, a `SELECT …
    FOR UPDATE`; ROW EXCLUSIVE, another insert; SHARE UPDATE EXCLUSIVE, a vacuum), open since
    before the one whose EXCLUSIVE lock refused the writer's NOWAIT, was the one named: the
    earliest of every lock but a reader's. Only a mode that conflicts with ROW EXCLUSIVE is."""
    if not PG_URL:
        pytest.skip("no PostgreSQL server")
    import psycopg

    from toolkit.ledger import lock
    from toolkit.ledger.db import LEDGER_TABLES

    with pg_databases(1) as (url,):
        open_ledger(url).engine.dispose()
        harmless = []
        for name, mode in (("pgAdmin", "ROW SHARE"), ("pg_dump", "ROW EXCLUSIVE"), ("vacuum", "SHARE UPDATE EXCLUSIVE")):
            harmless.append(psycopg.connect(url, application_name=name))
            harmless[-1].execute(f"LOCK TABLE orders IN {mode} MODE")
        outsider = Outsider(url, "LOCK TABLE counters IN EXCLUSIVE MODE")
        ledger = open_ledger(url)
        try:
            with ledger.engine.begin() as conn:
                assert not lock.try_tables(conn, LEDGER_TABLES)
                holder = lock.table_holder(conn, LEDGER_TABLES)
        finally:
            outsider.leave()
            for session in harmless:
                session.rollback()
                session.close()
            ledger.engine.dispose()
        assert holder.action == "psql", holder


@pytest.mark.postgres
def test_a_refused_writer_names_the_session_queued_ahead_of_it_saying_it_waits_too():
    """A colleague's report reads *counters* (ACCESS SHARE, which stops no writer) and a psql
    session asks to lock it ACCESS EXCLUSIVE (as an ALTER TABLE does) and waits behind the report: PostgreSQL queues every later
    request behind psql's, so the writer's NOWAIT is refused, and no session *held* a lock that
    stops a writer. The message named nobody, *another user (unknown)*; it names psql, waiting too."""
    if not PG_URL:
        pytest.skip("no PostgreSQL server")
    import threading
    import time

    import psycopg

    from toolkit.ledger import lock
    from toolkit.ledger.db import LEDGER_TABLES

    with pg_databases(1) as (url,):
        open_ledger(url).engine.dispose()
        report = psycopg.connect(url, application_name="report")
        report.execute("SELECT count(*) FROM counters")
        queued = psycopg.connect(url, application_name="psql")
        asking = threading.Thread(target=queued.execute, args=("LOCK TABLE counters IN ACCESS EXCLUSIVE MODE",))
        asking.start()
        ledger = open_ledger(url)
        try:
            with ledger.engine.begin() as conn:
                for _ in range(600):
                    if conn.exec_driver_sql("SELECT count(*) FROM pg_locks WHERE NOT granted "
                                            "AND mode = 'AccessExclusiveLock' AND locktype = 'relation'").scalar():
                        break
                    time.sleep(0.05)
                else:
                    raise AssertionError("psql's LOCK TABLE was not queued within 30 s")
                assert not lock.try_tables(conn, LEDGER_TABLES)
                holder = lock.table_holder(conn, LEDGER_TABLES)
        finally:
            report.rollback()
            asking.join(10)
            queued.rollback()
            for session in (report, queued):
                session.close()
            ledger.engine.dispose()
        assert (holder.action, holder.role, holder.queued) == ("psql", make_url(url).username, True), holder
        message = lock.LEDGER_BUSY(None, holder=holder, wait=2).message("en")
        assert "(psql, " in message and "itself waiting for another session)" in message, message
        assert "a sua volta in attesa di un'altra sessione)" in lock.LEDGER_BUSY(None, holder=holder, wait=2).message("it")


@pytest.mark.postgres
def test_a_refused_writer_names_the_session_first_in_the_queue_not_the_earliest_one_queued():
    """A report reads *counters*; a psql session asks to lock it ACCESS EXCLUSIVE and waits
    behind the report; a script whose transaction began before psql's asks EXCLUSIVE and waits
    behind psql. The script was named, the earliest transaction of those queued, where psql is
    the one ahead of the writer and the script waits for it (`pg_blocking_pids`)."""
    if not PG_URL:
        pytest.skip("no PostgreSQL server")
    import threading
    import time

    import psycopg

    from toolkit.ledger import lock
    from toolkit.ledger.db import LEDGER_TABLES

    with pg_databases(1) as (url,):
        open_ledger(url).engine.dispose()
        script = psycopg.connect(url, application_name="script")
        script.execute("SELECT 1")  # its transaction begins now, before psql's
        time.sleep(0.05)
        report = psycopg.connect(url, application_name="report")
        report.execute("SELECT count(*) FROM counters")
        head = psycopg.connect(url, application_name="psql")
        asking = [threading.Thread(target=head.execute, args=("LOCK TABLE counters IN ACCESS EXCLUSIVE MODE",)),
                  threading.Thread(target=script.execute, args=("LOCK TABLE counters IN EXCLUSIVE MODE",))]
        ledger = open_ledger(url)
        try:
            with ledger.engine.begin() as conn:
                for thread, waiting in zip(asking, (1, 2)):
                    thread.start()
                    for _ in range(600):
                        if conn.exec_driver_sql("SELECT count(*) FROM pg_locks WHERE NOT granted "
                                                "AND locktype = 'relation'").scalar() == waiting:
                            break
                        time.sleep(0.05)
                    else:
                        raise AssertionError(f"{waiting} LOCK TABLE were not queued within 30 s")
                assert not lock.try_tables(conn, LEDGER_TABLES)
                holder = lock.table_holder(conn, LEDGER_TABLES)
        finally:
            report.rollback()
            for thread in asking:
                thread.join(10)
            for session in (head, script, report):
                session.rollback()
                session.close()
            ledger.engine.dispose()
        assert (holder.action, holder.queued) == ("psql", True), holder


@pytest.mark.postgres
def test_an_upgrade_waits_for_a_colleagues_read_past_wait():
    """An upgrade's ALTER TABLE waits for every session reading the table, a colleague's report or
    panel among them: the writer's bound on lock waits (`lock.bound_lock_waits`, --wait) rolled
    the upgrade back after --wait, naming nobody, where it waited for the read to end. Only an
    outsider's table lock, which the writer finds before starting, is told and given up on."""
    if not PG_URL:
        pytest.skip("no PostgreSQL server")
    import threading

    import psycopg
    from sqlalchemy import text

    from toolkit.ledger.lock import Patience
    from toolkit.ledger.schema import SCHEMA_VERSION

    with pg_databases(1) as (url,):
        open_ledger(url).engine.dispose()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ALTER TABLE einvoice_files DROP COLUMN written_at")
            conn.execute("UPDATE schema_version SET version = %s", (SCHEMA_VERSION - 1,))
        reader = psycopg.connect(url, application_name="toolkit panel")
        reader.execute("SELECT count(*) FROM einvoice_files")
        timer = threading.Timer(3.0, reader.rollback)
        timer.start()
        try:
            ledger = open_ledger(url, patience=Patience(wait=1))
        finally:
            timer.join()
            reader.close()
        with ledger.engine.connect() as conn:
            assert conn.execute(text("SELECT version FROM schema_version")).scalar() == SCHEMA_VERSION
        ledger.engine.dispose()
