"""How the command line speaks to a person: warnings summarized by kind, all of them with --verbose."""

from __future__ import annotations

import pytest

from toolkit.basics.problems import Severity, all_problem_types, define
from toolkit.cli import output

HELD = define("test-held", "warning", title=("Ordine bloccato", "Order blocked"),
              it="Ordine {n} trattenuto.", en="Order {n} held.")
LATE = define("test-late", "warning", title=("Consegna in ritardo", "Late delivery"),
              it="Consegna {n} in ritardo.", en="Delivery {n} late.")
BROKEN = define("test-broken", "error", it="Cella {n} sbagliata.", en="Cell {n} wrong.")


def problems():
    return ([HELD(None, n=i) for i in range(1, 11)] + [LATE(None, n=1), LATE(None, n=2)]
            + [BROKEN(None, n=i) for i in range(1, 6)])


def test_warnings_of_a_kind_past_three_are_counted_errors_never(capsys):
    output.reset()
    output.print_problems(problems())
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if "trattenuto" in line] == [f"avviso: Ordine {i} trattenuto." for i in (1, 2, 3)]
    assert "avviso: … e altri 7 avvisi «Ordine bloccato» (--verbose per vederli tutti)" in lines
    assert sum("in ritardo" in line for line in lines) == 2
    assert [line for line in lines if "sbagliata" in line] == [f"Cella {i} sbagliata." for i in range(1, 6)]
    assert len(lines) == 3 + 1 + 2 + 5


@pytest.mark.parametrize("lang,summary", [
    ("it", "avviso: … e altri 7 avvisi «Riga non spedita per giacenza insufficiente» (--verbose per vederli tutti)"),
    ("en", "warning: … and 7 more warnings “Line not shipped for lack of stock” (--verbose shows them all)"),
])
def test_the_warnings_counted_are_named_in_words_not_by_their_code(lang, summary, capsys):
    from toolkit.core.shipping import LINE_HELD

    output.reset()
    output.set_lang(lang)
    output.print_problems([LINE_HELD(None, number=f"OC-2026-{n:05}", line=1, item="A001", available=2, wanted=5)
                           for n in range(1, 11)])
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == summary and len(lines) == 4
    assert not any("ship-line-held" in line for line in lines)


def test_a_warning_is_defined_with_its_title_in_both_languages():
    with pytest.raises(ValueError, match="title"):
        define("test-untitled", "warning", it="Senza titolo.", en="Untitled.")
    assert all(len(kind.titles) == 2 and all(kind.titles.values())
               for kind in all_problem_types() if kind.severity is Severity.WARNING)


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


@pytest.mark.parametrize("args", [["demo", "--help"], ["orders"]])
def test_help_frames_the_options_in_italian_too(args):
    """typer's headings and notes read in both languages, as every option's own help does."""
    import os
    import subprocess
    import sys

    helped = subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "COLUMNS": "200"})
    shown = helped.stdout + helped.stderr
    assert "─ Opzioni / Options ─" in shown and "─ Options ─" not in shown
    if args[0] == "demo":
        assert "[predefinito / default: toolkit-demo]" in shown
        assert "[variabile d'ambiente / env var: TOOLKIT_LEDGER_URL]" in shown
        assert "URL SQLAlchemy del registro o percorso del suo file .sqlite (predefinito: il file SQLite accanto alla " \
            "cartella) / " in shown
    else:
        assert "─ Comandi / Commands ─" in shown


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


@pytest.mark.parametrize("lang,summary", [
    ("it", "avviso: … e un altro avviso «Ordine bloccato» (--verbose per vederli tutti)"),
    ("en", "warning: … and one more warning “Order blocked” (--verbose shows them all)"),
])
def test_one_warning_left_out_is_named_in_the_singular(lang, summary, capsys):
    """Four warnings of a kind said «e altri 1 avvisi»."""
    output.reset()
    output.set_lang(lang)
    output.print_problems([HELD(None, n=i) for i in range(1, 5)])
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == summary and len(lines) == 4
