"""Every process that runs a command or a button sets the collector up as `toolkit.basics.runtime` says."""

from __future__ import annotations

import gc
import sys

import pytest

from toolkit.basics import runtime


@pytest.fixture
def default_collector():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_the_command_line_configures_the_collector(default_collector, monkeypatch, capsys):
    from toolkit.cli import app as cli

    monkeypatch.setattr(sys, "argv", ["toolkit", "--help"])
    with pytest.raises(SystemExit) as stop:
        cli.main()
    assert stop.value.code == 0 and "toolkit" in capsys.readouterr().out
    assert gc.get_threshold() == runtime.GC_THRESHOLDS


def test_a_button_configures_the_collector_before_its_work(default_collector):
    from toolkit.excel.buttons import button

    seen = []
    button("Prova")(lambda book: seen.append(gc.get_threshold()))(object())
    assert seen == [runtime.GC_THRESHOLDS]


def test_a_pause_resumes_the_collector_at_its_outermost_end():
    assert gc.isenabled()
    with runtime.collector_paused():
        assert not gc.isenabled()
        with runtime.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_date_is_planned_and_priced_with_the_collector_paused(sample_master, tmp_path, monkeypatch):
    from datetime import date

    from toolkit.ledger import open_ledger
    from toolkit.services import orders

    seen = []
    plan = orders.due_between

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return plan(*args, **kwargs)

    monkeypatch.setattr(orders, "due_between", watched)
    shown = orders.preview(sample_master.model_copy(), open_ledger(f"sqlite:///{tmp_path / 'l.sqlite'}"), date(2026, 4, 9))
    assert shown.rows and seen == [False] and gc.isenabled()


def test_a_date_is_stored_shipped_and_invoiced_with_the_collector_paused(sample_master, ledger, monkeypatch):
    """`create`'s write transaction (the orders stored, those that ship and are invoiced at once
    shipped and invoiced) runs with the collector paused, on both backends, and leaves it
    running, whether it stored orders or found them all made already."""
    from datetime import date

    from toolkit.services import orders, shipping_days

    seen: dict[str, list[bool]] = {"stored": [], "shipped": [], "invoiced": []}

    def watching(name, step):
        def watched(*args, **kwargs):
            seen[name].append(gc.isenabled())
            return step(*args, **kwargs)
        return watched

    monkeypatch.setattr(orders, "insert_orders", watching("stored", orders.insert_orders))
    monkeypatch.setattr(shipping_days, "ship_in", watching("shipped", shipping_days.ship_in))
    monkeypatch.setattr(orders, "issue_at_order", watching("invoiced", orders.issue_at_order))
    master = sample_master.model_copy()
    day = date(2026, 4, 9)
    created = orders.create(master, ledger, day, lang="it")
    assert created.created and created.notes and created.invoices
    assert gc.isenabled()
    again = orders.create(master, ledger, day, lang="it")
    assert not again.created and again.already_existing
    assert {name: set(states) for name, states in seen.items()} == {
        "stored": {False}, "shipped": {False}, "invoiced": {False}}
    assert gc.isenabled()
