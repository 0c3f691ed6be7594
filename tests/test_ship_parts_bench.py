"""`benchmarks.ship_parts` says where a day's shipping goes: each function of the modules named
timed apart, and SQLite's own CPU (the driver's calls) given to the functions running when it
was spent. Its figures hold only if the timers change nothing: the day ships the same DDTs as an
untimed run, every function is put back afterwards, and the database's time is counted."""

from __future__ import annotations

import shutil
from datetime import date

from benchmarks.ship_parts import STEPS, parts_of
from toolkit.ledger import open_ledger
from toolkit.services import shipping
from toolkit.services.orders import create
from toolkit.services.shipping import ship

DAY = date(2026, 4, 8)


def _shipped(master, url):
    ledger = open_ledger(url)
    try:
        done = ship(master, ledger, DAY, all_open=True, lang="it")
    finally:
        ledger.engine.dispose()
    return [(n.number, n.customer, [(ln.order_line_id, ln.quantity) for ln in n.lines]) for n in done.notes]


def test_the_parts_are_timed_without_changing_the_day(sample_master, tmp_path):
    made = tmp_path / "made.sqlite"
    ledger = open_ledger(f"sqlite:///{made}")
    for day in (date(2026, 4, 7), DAY):
        create(sample_master, ledger, day, lang="it")
    ledger.engine.dispose()
    plain, timed = tmp_path / "plain.sqlite", tmp_path / "timed.sqlite"
    shutil.copyfile(made, plain)
    shutil.copyfile(made, timed)
    before = {name: getattr(shipping, name) for name in ("plan_shipments", "store_drafts", "_read_lines")}

    notes, parts = parts_of(lambda: _shipped(sample_master, f"sqlite:///{timed}"), STEPS)

    assert notes and notes == _shipped(sample_master, f"sqlite:///{plain}")
    assert {name: getattr(shipping, name) for name in before} == before
    step = {row["step"]: row for row in parts["steps"]}
    assert step["shipping:store_drafts"]["calls"] == 1
    assert 0 < step["shipping:store_drafts"]["sqlite_s"] <= step["shipping:store_drafts"]["cpu_s"]
    assert step["shipping:plan_shipments"]["sqlite_s"] == 0
    assert 0 < parts["sqlite_s"] <= parts["cpu_s"]
