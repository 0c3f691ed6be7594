"""A team on one ledger: readers never wait or create, writers wait for a colleague with a
message naming who holds the ledger, and give up after --wait with nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from toolkit.ledger import open_ledger
from toolkit.ledger.counts import document_counts
from toolkit.ledger.db import reading, user

HOLD = textwrap.dedent("""
    import sys, time
    from toolkit.ledger import open_ledger
    from toolkit.ledger.db import writing
    ledger = open_ledger(sys.argv[1], action="toolkit invoice run")
    with writing(ledger):
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
""")


def toolkit(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toolkit", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture
def workbook(tmp_path, sample_workbook) -> Path:
    copy = tmp_path / "anagrafiche.xlsx"
    copy.write_bytes(sample_workbook.read_bytes())
    return copy


class Colleague:
    """Another process holding the ledger's write lock, as a month-end run would."""

    def __init__(self, url: str, seconds: float):
        self.process = subprocess.Popen([sys.executable, "-c", HOLD, url, str(seconds)], stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None and self.process.stdout.readline().strip() == "held"

    def holding(self) -> bool:
        return self.process.poll() is None

    def leave(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture
def colleague():
    started: list[Colleague] = []

    def start(url: str, seconds: float) -> Colleague:
        started.append(Colleague(url, seconds))
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


def test_a_writer_says_who_holds_the_ledger_and_gives_up_with_nothing_written(workbook, ledger_url, colleague):
    busy = colleague(ledger_url, 120)
    run = toolkit("orders", "create", str(workbook), "--date", "2026-04-09", "--ledger", ledger_url,
                  "--wait", "1", "--lang", "en", cwd=workbook.parent)
    assert run.returncode == 2, run.stderr
    assert f"busy with {user()} (toolkit invoice run" in run.stderr
    assert "after 1 seconds: nothing was written" in run.stderr
    assert "Traceback" not in run.stderr
    assert busy.holding()
    busy.leave()
    assert _orders(ledger_url) == 0


def test_a_writer_waits_for_a_colleague_then_does_its_work(workbook, ledger_url, colleague):
    busy = colleague(ledger_url, 3)
    run = toolkit("orders", "create", str(workbook), "--date", "2026-04-09", "--ledger", ledger_url, "--json",
                  cwd=workbook.parent)
    assert run.returncode == 0, run.stderr
    assert f"Il registro è occupato da {user()} (toolkit invoice run" in run.stderr
    assert not busy.holding()
    created = json.loads(run.stdout)["created"]
    assert created and _orders(ledger_url) == len(created)


def test_readers_do_not_wait_for_a_writer(workbook, ledger_url, colleague):
    setup = toolkit("orders", "create", str(workbook), "--date", "2026-04-09", "--ledger", ledger_url, cwd=workbook.parent)
    assert setup.returncode == 0, setup.stderr
    busy = colleague(ledger_url, 120)
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
