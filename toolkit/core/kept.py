"""A document's statement kept as the JSON it printed from: one way for every statement.

A statement handed out (a volume discount's, an agent's commissions) is printed again as it was
issued, whatever the sheets it was made from say since: the record it printed from is kept in
the ledger beside what it settled, as this text, and read back into the same record. Decimals
are kept as their text, so `5.0` reads back `5.0` and prints `5,0 %` again, never `5 %`.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any


def kept_text(record: Any) -> str:
    """The JSON the ledger keeps of a statement's frozen record."""
    return json.dumps(_plain(record), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def kept_decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _plain(value: Any) -> Any:
    """`value` as JSON takes it: records as objects, decimals and dates as text, enums as values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_plain(x) for x in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value
