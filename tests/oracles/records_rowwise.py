"""Records made from the rows as the reader made them before `from_columns`: each row's values
zipped into a tuple and the tuples made into records by pydantic, a batch at a time
(`toolkit.model.records.from_values`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from itertools import compress, islice
from typing import Any

from toolkit.intake.validation.records import RECORDS, _sources
from toolkit.model import records as model

BATCH = 20_000


def records(record_type: type[model.Record], sheet_key: str, numbers: list[int],
            fields: dict[str, Iterable[Any]], failed: set[int]) -> list[model.Record]:
    assert RECORDS[sheet_key] is record_type
    sources = _sources(sheet_key, numbers)
    columns = [sources if f.name == "source" else fields[f.name] for f in dataclasses.fields(record_type)]
    rows: Iterator[tuple[Any, ...]] = zip(*columns)
    if failed:
        rows = compress(rows, (i not in failed for i in range(len(numbers))))
    made: list[model.Record] = []
    while batch := list(islice(rows, BATCH)):
        made += model.from_values(record_type, batch)
    return made
