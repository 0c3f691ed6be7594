"""The `toolkit` command's first lines, before anything else of it is imported.

Importing the command line itself (typer, rich, the problems' catalogue: about a quarter of a
second, seconds on a busy PC) happens before `app.main` can answer Ctrl+C, so a desk stopping
a command the moment it was typed got Python's traceback of the import under way. Here only
the standard library is loaded first: Ctrl+C during that import is answered as any later
moment before storing is, exit 130 with the usual line (in JSON with `--json`).
"""

from __future__ import annotations

import os
import signal
import sys
from typing import NoReturn


def main() -> None:
    """The `toolkit` command (`python -m toolkit` and the console script alike)."""
    try:
        _command()
    except SystemExit as ended:
        if ended.code == INTERRUPTED:
            _interrupted_exit()
        raise


def _command() -> None:
    try:
        from toolkit.cli import app
    except KeyboardInterrupt:
        # the answer needs the modules the interrupt stopped: a second Ctrl+C meanwhile would be a traceback again
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        from toolkit.cli import app

        app.interrupted_at_start()
    app.main()


INTERRUPTED = 130


def _interrupted_exit() -> NoReturn:
    """Exit 130 once a Ctrl+C was answered, without Python's shutdown: 4 of 29 `ship` runs sent
    SIGINT at a random moment ended killed by the signal, exit -2 to the program that ran them,
    two silent and two after printing the answer, with no traceback; 0 of 42 since. The ledger
    has committed or rolled back by now; only the standard streams wait."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(INTERRUPTED)
