"""The benchmark's profiled runs report the time spent in the database per part
(`benchmarks.measure.Timer.database_seconds`): the SQLite driver's own time, or psycopg
waiting for PostgreSQL; the share of a day no Python above the database can make shorter,
read beside the unprofiled seconds in docs/performance.md."""

from __future__ import annotations

import os
import sqlite3
import time

import pytest
from sqlalchemy.engine import make_url

from benchmarks.measure import Timer


def test_a_profiled_step_reports_the_time_spent_in_the_sqlite_driver(tmp_path):
    timer = Timer(tmp_path / "run.prof")
    connection = sqlite3.connect(tmp_path / "ledger.sqlite")
    with timer.step("database"):
        connection.execute("CREATE TABLE t (n INTEGER)")
        connection.executemany("INSERT INTO t VALUES (?)", ((n,) for n in range(200_000)))
        connection.commit()
        assert connection.execute("SELECT sum(n * n % 7) FROM t, (SELECT 1 UNION ALL SELECT 2)").fetchone()
    with timer.step("python"):
        began = time.perf_counter()
        while time.perf_counter() - began < 0.05:
            sum(range(1000))
    with timer.step():
        pass
    timer.dump_profile(top=1)
    spent = timer.database_seconds()
    assert spent is not None and set(spent) == {"database", "python", ""}
    assert 0 < spent["database"] <= timer.parts["database"]
    assert spent["python"] == spent[""] == 0
    assert (tmp_path / "run.prof").stat().st_size > 0


def test_an_unprofiled_run_reports_no_database_time():
    timer = Timer()
    with timer.step("anything"):
        pass
    assert timer.database_seconds() is None


def test_a_profiled_step_reports_the_time_waiting_for_postgresql(tmp_path):
    """On PostgreSQL the database's time is psycopg waiting for the server's answers: the
    0.2 s the server sleeps, within a hundredth (the profiler counted 0.1998 s of it once, the
    rest of the wait falling in the frames around the driver's call)."""
    url = os.environ.get("TOOLKIT_TEST_PG_URL")
    if not url:
        pytest.skip("no PostgreSQL server: set TOOLKIT_TEST_PG_URL")
    import psycopg

    timer = Timer(tmp_path / "run.prof")
    with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)) as conn:
        with timer.step("server"):
            conn.execute("SELECT pg_sleep(0.2)").fetchall()
        with timer.step("python"):
            sum(range(100_000))
    spent = timer.database_seconds()
    assert spent is not None
    assert 0.19 <= spent["server"] <= timer.parts["server"]
    assert spent["python"] == 0
