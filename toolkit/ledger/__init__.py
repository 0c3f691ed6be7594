"""The ledger: what happened to the master data — orders, DDTs, invoices, payments, numbers, events.

Master data stays in the workbook; the ledger is a database (SQLite beside the workbook by
default, PostgreSQL by URL for a team). Every action is one transaction.
"""

from toolkit.ledger.db import Ledger, default_url, open_ledger

__all__ = ["Ledger", "default_url", "open_ledger"]
