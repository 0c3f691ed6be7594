"""The immediate invoices whose file is still to be written while their twelve days at SDI run
out, told by the daily commands (`orders create`, `ship`, the panel and the buttons that run
them): a desk exporting once a month learns of them before they are late, not after.

One indexed read of the ledger (`unwritten_immediate`), then one warning for all of them
(`core.einvoice.deadline.due_soon`). The monthly export says nothing of it: it writes them. Nor
does a desk whose files another program writes (*FatturaPA con altro programma*): the ledger
never knows them written, and a warning every day would name its every immediate invoice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection

from toolkit.basics.problems import Problem
from toolkit.core.einvoice.deadline import due_soon, due_window
from toolkit.core.invoicing import Invoice
from toolkit.ledger.einvoices import unwritten_immediate
from toolkit.model.records import Settings


def due_at_sdi(conn: Connection, settings: Settings, today: date, issued: Iterable[Invoice] = ()) -> list[Problem]:
    """The warning naming the immediate invoices without a file due at SDI soon or already
    late, but for those the command `issued` just now already late, which it names itself."""
    if settings.einvoices_elsewhere:
        return []
    return due_soon(unwritten_immediate(conn, *due_window(today)), today, besides=issued)
