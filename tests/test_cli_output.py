"""How the command line speaks to a person: warnings summarized by kind, all of them with --verbose."""

from __future__ import annotations

from toolkit.basics.problems import define
from toolkit.cli import output

HELD = define("test-held", "warning", it="Ordine {n} trattenuto.", en="Order {n} held.")
LATE = define("test-late", "warning", it="Consegna {n} in ritardo.", en="Delivery {n} late.")
BROKEN = define("test-broken", "error", it="Cella {n} sbagliata.", en="Cell {n} wrong.")


def problems():
    return ([HELD(None, n=i) for i in range(1, 11)] + [LATE(None, n=1), LATE(None, n=2)]
            + [BROKEN(None, n=i) for i in range(1, 6)])


def test_warnings_of_a_kind_past_three_are_counted_errors_never(capsys):
    output.reset()
    output.print_problems(problems())
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if "trattenuto" in line] == [f"avviso: Ordine {i} trattenuto." for i in (1, 2, 3)]
    assert "avviso: … e altri 7 avvisi «test-held» (--verbose per vederli tutti)" in lines
    assert sum("in ritardo" in line for line in lines) == 2
    assert [line for line in lines if "sbagliata" in line] == [f"Cella {i} sbagliata." for i in range(1, 6)]
    assert len(lines) == 3 + 1 + 2 + 5


def test_verbose_prints_every_warning(capsys):
    output.reset()
    output._verbose_given(True)
    output.set_lang("en")
    output.print_problems(problems())
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 17
    assert "warning: Order 10 held." in lines
