"""The `toolkit` command's first lines, before anything else of it is imported.

Importing the command line itself (typer, rich, the problems' catalogue: about a quarter of a
second, seconds on a busy PC) happens before `app.main` can answer Ctrl+C, so a desk stopping
a command the moment it was typed got Python's traceback of the import under way. Here only
the standard library is loaded first: Ctrl+C during that import is answered as any later
moment before storing is, exit 130 with the usual line (in JSON with `--json`).
"""

from __future__ import annotations

import signal


def main() -> None:
    """The `toolkit` command (`python -m toolkit` and the console script alike)."""
    try:
        from toolkit.cli import app
    except KeyboardInterrupt:
        # the answer needs the modules the interrupt stopped: a second Ctrl+C meanwhile would be a traceback again
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        from toolkit.cli import app

        app.interrupted_at_start()
    app.main()
