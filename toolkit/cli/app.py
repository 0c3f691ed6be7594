"""The `toolkit` command line: the same services the Excel buttons call, for batch work.

Exit codes: 0 done, 1 the data has problems (nothing was written), 2 the input is unusable
(not a spreadsheet, locked, corrupt), 4 the documents were recorded but their file could not be
written (the message gives the `toolkit print` command that prints them). A user's mistake never ends in a traceback; an internal
error prints one line and, with TOOLKIT_DEBUG=1, the traceback.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import typer

from toolkit.basics import runtime
from toolkit.basics.problems import ProblemsFound, UnusableInput
from toolkit.cli import output

if TYPE_CHECKING:
    from click.exceptions import ClickException

app = typer.Typer(
    help="Ordini ricorrenti da Excel: controllo dati, generazione ordini, DDT, fatture differite. "
         "Recurring orders from Excel: data check, order generation, delivery notes, deferred invoices.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    from toolkit.cli import calendar, einvoice, invoicing, master, orders, printing, shipping, workbook

    master.register(app)
    orders.register(app)
    calendar.register(app)
    shipping.register(app)
    invoicing.register(app)
    einvoice.register(app)
    workbook.register(app)
    printing.register(app)


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
    runtime.configure()
    _register()
    try:
        sys.exit(app(standalone_mode=False) or 0)
    except UnusableInput as exc:
        output.fail(exc.problem)
        sys.exit(2)
    except ProblemsFound as exc:
        output.problems_found(exc.problems)
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        sys.exit(130)
    except Exception as exc:  # click's usage errors and our own bugs alike end in one line
        if isinstance(exc, _click_exceptions()):
            exc.show()
            sys.exit(2)
        from toolkit.services.printing import NotPrinted

        if isinstance(exc, NotPrinted):
            output.fail(exc.problem(output.workbook(), output.lang()))
            sys.exit(4)
        if os.environ.get("TOOLKIT_DEBUG"):
            raise
        from toolkit.basics.failures import described

        print(f"toolkit: errore interno / internal error: {described(exc)} "
              "(TOOLKIT_DEBUG=1 per i dettagli / for details)", file=sys.stderr)
        sys.exit(3)
