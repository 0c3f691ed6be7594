"""A ledger as an older toolkit left it, for the tests of each schema migration.

Each migration test makes a ledger with one day's orders, takes back what its migration adds,
marks the ledger with the older version, and opens it again: one recipe, one place.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import text, update

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import writing
from toolkit.model.records import MasterData
from toolkit.services.orders import create
from toolkit.services.shipping import ship


def older_ledger(folder: Path, master: MasterData, version: int, *undo: str, shipped: bool = False) -> str:
    """The URL of a SQLite ledger holding 9 April 2026's orders, run back to `version` by the
    SQL statements `undo` (dropping what the later migrations add). With `shipped`, the day's
    open orders are shipped first, for a migration that reads what shipped."""
    url = f"sqlite:///{folder / f'v{version}.sqlite'}"
    ledger = open_ledger(url)
    create(master, ledger, date(2026, 4, 9))
    if shipped:
        ship(master, ledger, date(2026, 4, 9), all_open=True)
    with writing(ledger) as conn:
        for statement in undo:
            conn.execute(text(statement))
        conn.execute(update(schema.schema_version).values(version=version))
    ledger.engine.dispose()
    return url
