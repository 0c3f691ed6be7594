"""A write transaction's changed pages reach a SQLite ledger's file at the commit, once
(`toolkit.ledger.db.writes_kept_until_commit`): past SQLite's default 2 MB page cache they were
spilled into the file mid-transaction, each spill waiting first for the rollback journal to reach
the disk (46 journal syncs in one `ship --all` at L)."""

from __future__ import annotations

import hashlib

from toolkit.ledger import open_ledger
from toolkit.ledger.db import event_row, log_events, writing


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_transaction_of_several_megabytes_leaves_the_file_untouched_until_it_commits(tmp_path):
    path = tmp_path / "ledger.sqlite"
    ledger = open_ledger(f"sqlite:///{path}")
    with writing(ledger) as conn:
        log_events(conn, [event_row("made", "ledger", detail="first")])
    before = _digest(path)
    rows = [event_row("shipped", "delivery", n, f"DDT-2026-{n:05d}", "C" * 400) for n in range(20_000)]
    with writing(ledger) as conn:
        log_events(conn, rows)
        during = _digest(path)
    after = _digest(path)
    ledger.engine.dispose()
    assert during == before, "changed pages were written into the file before the commit"
    assert after != before
    reopened = open_ledger(f"sqlite:///{path}")
    with reopened.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM events WHERE action = 'shipped'").scalar_one() == 20_000
    reopened.engine.dispose()
