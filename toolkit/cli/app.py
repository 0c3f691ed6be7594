"""The `toolkit` command line: the same services the Excel buttons call, for batch work.

Exit codes: 0 done, 1 the data has problems (nothing was written), 2 the input is unusable
(not a spreadsheet, locked, corrupt, a mistake in the arguments), 3 an internal error (a bug:
one line, the traceback with TOOLKIT_DEBUG=1), 4 the documents were recorded but their file
could not be written (the message gives the `toolkit print` command that prints them), 130
interrupted (Ctrl+C). A user's mistake never ends in a traceback. With `--json` each of these
is also one JSON object on stdout (`toolkit.cli.output`).
"""

from __future__ import annotations

import os
import signal
import sys
from functools import cache
from typing import TYPE_CHECKING, NoReturn

import typer

from toolkit.basics import runtime
from toolkit.basics.problems import Problem, ProblemsFound, UnusableInput, define
from toolkit.cli import output, start

if TYPE_CHECKING:
    from click.exceptions import ClickException

app = typer.Typer(
    help="Ordini ricorrenti da Excel: controllo dati, generazione ordini, DDT, fatture differite. "
         "Recurring orders from Excel: data check, order generation, delivery notes, deferred invoices.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

USAGE = define("usage-error", "error", it="{reason_it}", en="{reason_en}")
INTERRUPTED = define("interrupted", "error", it="Interrotto: ogni azione già confermata resta nel registro.",
                     en="Interrupted: every action already committed stays in the ledger.")
INTERRUPTED_UNSTORED = define(
    "interrupted-nothing-stored", "error",
    it="Interrotto prima di registrare: nel registro non è cambiato nulla, il comando si può ripetere.",
    en="Interrupted before storing: nothing changed in the ledger, the command can be run again.")
INTERNAL = define(
    "internal-error", "error",
    it="errore interno: {reason} (TOOLKIT_DEBUG=1 per i dettagli; segnalalo con il comando che l'ha prodotto)",
    en="internal error: {reason} (TOOLKIT_DEBUG=1 for details; report it with the command that caused it)")

def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"toolkit {version('recurring-orders-toolkit')}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Versione del toolkit / toolkit version.")) -> None:
    """Ordini ricorrenti da Excel. Recurring orders from Excel."""


@cache
def _register() -> None:
    from toolkit.cli import (
        calendar,
        convert,
        ddt,
        einvoice,
        invoicing,
        ledger,
        master,
        orders,
        prices,
        printing,
        rebates,
        reports,
        requests,
        returns,
        shipping,
        workbook,
    )

    master.register(app)
    orders.register(app)
    calendar.register(app)
    shipping.register(app)
    ddt.register(app)
    invoicing.register(app)
    einvoice.register(app)
    workbook.register(app)
    printing.register(app)
    requests.register(app)
    reports.register(app)
    prices.register(app)
    rebates.register(app)
    returns.register(app)
    convert.register(app)
    ledger.register(app)


def _click_exceptions() -> tuple[type[ClickException], ...]:
    """Usage errors: typer raises its vendored click's exceptions (typer >= 0.19), older
    releases the click package's; the checker sees the latter, whose copy the former is."""
    found: list[type[ClickException]] = []
    for module in ("typer._click.exceptions", "click.exceptions"):
        try:
            found.append(__import__(module, fromlist=["ClickException"]).ClickException)
        except ImportError:
            pass
    return tuple(found)


def main() -> None:
    """The `toolkit` command. Ctrl+C while the verbs are imported, the first seconds of every
    command on a busy PC (a desk stopping a command typed with the wrong date), ended in
    Python's traceback of the import under way, where any later moment is answered by `run`:
    it is answered the same way, nothing stored yet."""
    try:
        runtime.configure()
        _register()
    except KeyboardInterrupt:
        interrupted_at_start()
    output.reset()
    stored_before = runtime.commits()
    try:
        code = run(sys.argv[1:])
        if start.pending() and code != 130:  # fell in a finalizer, not raised again yet (`start._unraisable`)
            answered()  # its retries stopped here, in the try: one raised in the answer below was a traceback
            raise KeyboardInterrupt
        answered()
    except KeyboardInterrupt:  # pressed while `run` answered another ending (an error's lines), or as it returned
        code = _interrupted(stored_before)
    sys.exit(code)


def answered() -> None:
    """The command has answered, its exit code settled: a Ctrl+C from here on is ignored. One
    pressed while Python shut down (after the commit and the last line) killed the process by
    the signal, exit -2 to the program that ran it, with no word of what the ledger kept."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def interrupted_at_start() -> NoReturn:
    """Ctrl+C before the command began (`main`, `toolkit.cli.start`): nothing stored, exit 130."""
    answered()
    output.reset()
    output.answer_in_json(sys.argv[1:])
    sys.exit(_stopped(130, INTERRUPTED_UNSTORED(None)))


def run(args: list[str]) -> int:
    """Run one command line and give its exit code; every way it can end is answered here."""
    output.answer_in_json(args)
    if _may_show_help(args):
        from toolkit.cli.usage import help_in_both_languages

        help_in_both_languages()
    stored_before = runtime.commits()
    try:
        code = int(app(args, prog_name="toolkit", standalone_mode=False) or 0)
        # typer >= 0.20 answers Ctrl+C itself with a silent 130, returned; no verb returns 130 of its own
        return _interrupted(stored_before) if code == 130 else code
    except UnusableInput as exc:
        return _stopped(2, exc.problem)
    except ProblemsFound as exc:
        code = output.exit_code(exc.problems) or 1
        if output.json_mode():
            output.refusal(code, exc.problems)
        else:
            output.problems_found(exc.problems)
        return code
    except typer.Exit as exc:
        return int(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        return _interrupted(stored_before)
    except Exception as exc:  # click's usage errors and our own bugs alike end in one line
        if isinstance(exc, _click_exceptions()):
            return _usage_error(exc)
        from toolkit.services.printing import NotPrinted

        if isinstance(exc, NotPrinted):
            return _stopped(4, *exc.problems(output.workbook(), output.lang()))
        from toolkit.basics import failures

        if (tended := failures.machine_state(exc)) is not None:
            return _stopped(2, tended)
        if os.environ.get("TOOLKIT_DEBUG"):
            raise
        return _stopped(3, INTERNAL(None, reason=failures.described(exc)), *failures.damage_noted(exc))


def _interrupted(stored_before: int) -> int:
    """Ctrl+C: exit 130, saying whether this command had stored anything (`runtime.commits`);
    a second Ctrl+C while it says so is ignored (`answered`), where it cut the answer short."""
    answered()
    return _stopped(130, INTERRUPTED(None) if runtime.commits() > stored_before else INTERRUPTED_UNSTORED(None))


def _may_show_help(args: list[str]) -> bool:
    """`--help`, nothing, or a verb alone (`toolkit orders` lists its verbs): click renders the
    help while parsing, so its words are settled before."""
    return not args or "--help" in args or (len(args) == 1 and not args[0].startswith("-"))


def _usage_error(exc: ClickException) -> int:
    """The Italian line first, the desk's language, then click's English message as click shows it (`--help`
    given no arguments is help, not an error: shown as it is). Its `UsageError` is the one of the
    click that raised it: typer >= 0.19 brings its own copy, and the click package may be missing
    (a fresh install: every usage error was a traceback, `No module named 'click'`)."""
    from toolkit.cli.usage import italian, workbook_read_as_kind

    if type(exc).__name__ == "NoArgsIsHelpError":
        exc.show()
        return 2
    reason_it = italian(exc)
    if (swapped := workbook_read_as_kind(exc)) is not None:
        reason_it, english = swapped
        usage_error = next(kind for kind in type(exc).__mro__ if kind.__name__ == "UsageError")
        exc = usage_error(english, ctx=getattr(exc, "ctx", None))
    reason = USAGE(None, reason_it=reason_it, reason_en=exc.format_message())
    if output.json_mode():
        return _stopped(2, reason)
    typer.echo(f"Errore: {reason.message('it')}", err=True)
    exc.show()
    return 2


def _stopped(code: int, *problems: Problem) -> int:
    for problem in problems:
        output.fail(problem)
    if output.json_mode():
        output.refusal(code, problems)
    return code
