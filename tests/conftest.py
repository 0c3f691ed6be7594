"""Shared fixtures: master data (minimal and the bundled sample) and ledgers on SQLite and PostgreSQL.

PostgreSQL tests run when TOOLKIT_TEST_PG_URL names a server where the user may create
databases (`.ci/run` starts one); each test gets an empty database of its own, emptied afterwards
for the process's next test (`pg_pool`).
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import reliability_figures

PG_URL = os.environ.get("TOOLKIT_TEST_PG_URL")
PG_REASON = "PostgreSQL not available: set TOOLKIT_TEST_PG_URL (bash .ci/run starts a server and sets it)"


def pytest_configure(config):
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_FiguresFromWorkers(), "reliability-figures-from-workers")


class _FiguresFromWorkers:
    """The reliability figures a worker process counted, taken in by the process that prints."""

    def pytest_testnodedown(self, node, error):
        reliability_figures.handed_over(getattr(node, "workeroutput", {}))


def pytest_runtest_logreport(report):
    if "reliability/" in report.nodeid:
        reliability_figures.SECONDS[0] += report.duration


def pytest_sessionfinish(session):
    import pg_pool

    pg_pool.all_dropped(PG_URL)
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        reliability_figures.hand_over(workeroutput)
        collected_before_reporting()


def collected_before_reporting() -> None:
    """Collect a worker's garbage, and set aside what lives on, before xdist reports the worker
    finished (after every `pytest_sessionfinish`): the process that prints then closes the
    worker, and execnet sends it SIGINT if it is still busy 5 seconds later. It was, on a loaded
    machine: pytest's last garbage collection, in its cleanup, went over a worker's 1.6 million
    objects in 2.5 to 3.6 seconds (as did the automatic ones in between), and the SIGINT
    came 5.2 seconds after the last worker's session ended; landing in a WeakKeyDictionary's
    callback the collection ran, it was «PytestUnraisableExceptionWarning: Exception ignored in
    … WeakKeyDictionary … remove … KeyboardInterrupt», a warning of no test at a wide run's end.
    Collected here, while the worker still answers for it, and frozen, the heap costs that last
    collection nothing."""
    import gc

    gc.collect()
    gc.freeze()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    reliability_figures.summary(terminalreporter)


@pytest.fixture(scope="session")
def sample_workbook(tmp_path_factory) -> Path:
    from toolkit.services.sample import write_sample

    return write_sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def sample_master(sample_workbook):
    from toolkit.intake.validation import check_file

    result = check_file(sample_workbook)
    assert result.master is not None, [str(p) for p in result.errors]
    return result.master


class DemoApril(NamedTuple):
    folder: Path
    tally: Any
    """What `run_demo` said of its run (`toolkit.services.demo.Tally`)."""

    def copy(self, target: Path) -> Path:
        """A copy of the folder at `target`, for a test to change as it likes."""
        import shutil

        shutil.copytree(self.folder, target)
        return target


@pytest.fixture(scope="session")
def demo_april(tmp_path_factory) -> DemoApril:
    """The demo's April (`run_demo`: the sample, its ledger beside it, every file of the month),
    made once per test process and never changed: a test takes a copy of its own. Five test
    files each ran the whole month again for the same folder, 5 s of CPU apiece (and a test of
    `test_demo.py` once more); the ledger names no path of its own, so a copy is that folder
    elsewhere."""
    from toolkit.services.demo import run_demo

    out = tmp_path_factory.mktemp("demo-april") / "demo"
    return DemoApril(out, run_demo(out))


def with_stock_sheet(sheets: dict) -> dict:
    """The sheets (of `minimal.sheets()`) with a *Giacenze* sheet of no rows: no stock of anything.

    Without a stock sheet the check warns that stock is not checked (`stock-not-checked`); a
    test that expects a clean check adds this one. The minimal workbook itself keeps none."""
    sheets["Giacenze"] = [["Articolo", "Quantità"]]
    return sheets


@pytest.fixture
def rome_today(monkeypatch):
    """Fix Rome's "today" (`toolkit.basics.dates.today_rome`) for a test: call it with a date.
    The toolkit reads it at call time, so every service and front end sees the fixed day."""
    import toolkit.basics.dates

    def fix(day):
        monkeypatch.setattr(toolkit.basics.dates, "today_rome", lambda: day)
        return day

    return fix


@pytest.fixture
def minimal_master():
    import minimal

    from toolkit.intake.validation import check

    result = check(minimal.workbook())
    assert result.master is not None
    return result.master


def _pg_database(icu_locale: str | None = None):
    """An empty database, given back by the function returned with its URL (`pg_pool`: emptied
    for the next test rather than dropped); with `icu_locale` its text sorts by that ICU locale
    (`en-US`: `oc` before `PV`), as a server set up in a language does, where the server's own
    default here is C."""
    import pg_pool

    return pg_pool.taken(PG_URL, icu_locale)


@contextmanager
def pg_role(url: str, *granted: str) -> Iterator[tuple[str, str]]:
    """A login role of its own (`desk_…`, password `desk`) on the server of `url`, its database
    set up by `granted` (statements run as the server's user, `{role}` standing for the role's
    name): the role and the address of that database for it. Dropped afterwards, with what it
    owns there; skipped when the server's user may not create roles."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    role = f"desk_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'desk'"))
    except Exception:
        admin.dispose()
        pytest.skip("the test server's user cannot create roles")
    try:
        with admin.connect() as conn:
            for statement in granted:
                conn.execute(text(statement.format(role=role)))
        yield role, make_url(url).set(username=role, password="desk").render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        admin.dispose()


@contextmanager
def backend_url(backend: str, sqlite_file: Path) -> Iterator[str]:
    """A ledger's URL on `backend`, for a fixture wider than a test (`ledger_url` is a test's):
    on "sqlite" the file `sqlite_file`, on "postgresql" an empty database (`_pg_database`), given
    back afterwards; skipped without a server."""
    if backend == "sqlite":
        yield f"sqlite:///{sqlite_file}"
        return
    if not PG_URL:
        pytest.skip(PG_REASON)
    url, drop = _pg_database()
    try:
        yield url
    finally:
        drop()


@contextmanager
def pg_databases(count: int) -> Iterator[list[str]]:
    """The URLs of `count` empty PostgreSQL databases (twin ledgers), given back afterwards (`pg_pool`)."""
    made = [_pg_database() for _ in range(count)]
    try:
        yield [url for url, _ in made]
    finally:
        for _, drop in made:
            drop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def twin_urls(request, tmp_path) -> Iterator[list[str]]:
    """Two empty ledgers on the same database engine, for tests that live the same days twice
    (the product's and a reference's)."""
    if request.param == "sqlite":
        yield [f"sqlite:///{tmp_path / f'{name}.sqlite'}" for name in ("product", "reference")]
        return
    if not PG_URL:
        pytest.skip(PG_REASON)
    with pg_databases(2) as urls:
        yield urls


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.sqlite'}"
        return
    if not PG_URL:
        pytest.skip(PG_REASON)
    url, drop = _pg_database()
    yield url
    drop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def collated_ledger_url(request, tmp_path) -> Iterator[str]:
    """`ledger_url`, the PostgreSQL database's text sorted by en-US (`_pg_database`), as it is
    on a server installed in English or Italian, where byte order puts `PV` before `oc`."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.sqlite'}"
        return
    if not PG_URL:
        pytest.skip(PG_REASON)
    url, drop = _pg_database("en-US")
    yield url
    drop()


@pytest.fixture
def ledger(ledger_url):
    from toolkit.ledger import open_ledger

    opened = open_ledger(ledger_url)
    yield opened
    opened.engine.dispose()


@pytest.fixture(autouse=True)
def _fresh_cli_state():
    """Each test starts as a new command does: a test that invokes the CLI with `--lang en`
    (in-process, through CliRunner) must not leave the next test's messages in English."""
    from toolkit.cli import output

    output.reset()
    yield


@pytest.fixture(autouse=True)
def _ctrl_c_given_back():
    """A command run in this process ignores Ctrl+C once it has answered (`toolkit.cli.app.answered`),
    as its own process would until it exits: the test process gets its handler back."""
    import signal

    kept = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, kept)
