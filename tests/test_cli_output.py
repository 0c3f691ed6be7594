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


def test_version_and_shell_completion_are_offered():
    import subprocess
    import sys
    from importlib.metadata import version

    run = subprocess.run([sys.executable, "-m", "toolkit", "--version"], capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stdout.strip()) == (0, f"toolkit {version('recurring-orders-toolkit')}")
    helped = subprocess.run([sys.executable, "-m", "toolkit", "--help"], capture_output=True, text=True, timeout=60)
    assert "--install-completion" in helped.stdout and "--show-completion" in helped.stdout


def test_a_progress_bar_only_for_a_person_at_a_terminal(monkeypatch, capsys):
    ran: list[str] = []

    @output.with_progress("Prova", "Test")
    def verb() -> None:
        ran.append("done")

    output.reset()
    verb()
    assert ran == ["done"] and capsys.readouterr().err == ""
    shown: list[str] = []

    class Bar:
        def __init__(self, *columns, **options):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def add_task(self, description, total=None):
            shown.append(description)

    import rich.progress

    monkeypatch.setattr(rich.progress, "Progress", Bar)
    monkeypatch.setattr(output.sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(output.sys.stderr, "isatty", lambda: True, raising=False)
    verb()
    assert shown == ["Prova"] and ran == ["done", "done"]
    output.answer_in_json(["--json"])
    verb()
    assert shown == ["Prova"] and ran == ["done"] * 3
