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
