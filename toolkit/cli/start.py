"""The `toolkit` command's first lines, before anything else of it is imported.

Importing the command line itself (typer, rich, the problems' catalogue: about a quarter of a
second, seconds on a busy PC) happens before `app.main` can answer Ctrl+C, so a desk stopping
a command the moment it was typed got Python's traceback of the import under way. Here only
the standard library is loaded first: Ctrl+C during that import is answered as any later
moment before storing is, exit 130 with the usual line (in JSON with `--json`).
"""

from __future__ import annotations

import _thread
import os
import signal
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not loaded at Python's start: a Ctrl+C while it is imported here is nobody's to answer
    from typing import Any, NoReturn


def main() -> None:
    """The `toolkit` command (`python -m toolkit` and the console script alike)."""
    sys.unraisablehook = _unraisable
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
_pending = False
"""A Ctrl+C fell in a finalizer (`_unraisable`) and was not raised again in the command yet."""


def pending() -> bool:
    """Whether a Ctrl+C fell in a finalizer and the command ended before `_again` raised it
    again: it is still interrupted (`toolkit.cli.app.main`), not exit 0."""
    return _pending


def _unraisable(unraisable: Any) -> None:
    """A Ctrl+C landing in a finalizer (a `__del__`, a weak reference's callback) that a garbage
    collection ran, as one may while pydantic builds a validator, is handed to the command as
    any other: Python printed it as ignored, with a traceback, and the command ran on to exit 0.
    It is raised again in the main thread (`_again`), outside the finalizer; any other
    unraisable exception is told as Python tells it."""
    global _pending
    if not isinstance(unraisable.exc_value, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)
        return
    if _pending:
        return
    _pending = True
    signal.signal(signal.SIGINT, _raised)  # a finalizer raises it in the main thread: this hook runs there
    _thread.start_new_thread(_again, ())  # not threading's, whose start waits here, where a Ctrl+C is lost


def _raised(signum: int, frame: Any) -> None:
    """Ctrl+C as Python raises it, noting that it was: one falling in a finalizer again is
    pending again (`_unraisable`)."""
    global _pending
    _pending = False
    raise KeyboardInterrupt


def _again() -> None:
    """Ctrl+C again in the main thread every 50 ms while one is pending and the command has not
    answered one (`answered` ignores it): raised from the finalizer's own hook it would land in
    the hook, and a second finalizer may swallow a first retry."""
    while True:
        time.sleep(0.05)  # the hook has returned by then: one raised while it runs is lost in it
        if not _pending or signal.getsignal(signal.SIGINT) is not _raised:
            return
        _thread.interrupt_main()


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
