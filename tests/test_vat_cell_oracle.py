"""The VAT number cell against stdnum alone (`tests/oracles/cells.py`): the same value or the
same refusal for random eleven-digit numbers, valid ones, near misses and odd cells."""

from __future__ import annotations

import random

from oracles.cells import vat_number as oracle
from pydantic_core import PydanticCustomError

from toolkit.intake.sample import vat_number as sample_vat
from toolkit.model.cells import _vat_number


def _outcome(fn, value):
    try:
        return "ok", fn(value)
    except PydanticCustomError as refused:
        return "refused", refused.type, str(refused.context)


def test_the_same_answer_as_stdnum():
    rng = random.Random(20)
    values: list = ["", "IT", "IT 00743110157", "00743110157", "0743110157", "IT00000000000", "00000001209",
                    "１２３４５６７８９０１", "12345678903", "²2345678903", 743110157, 7431101.0, True, None, "abc"]
    for _ in range(3000):
        values.append("".join(rng.choice("0123456789") for _ in range(rng.choice((9, 10, 11, 11, 11, 12)))))
    for _ in range(2000):
        valid = sample_vat(rng.randrange(1, 9_999_999), rng.choice((1, 50, 100, 120, 121, 888, 999)))
        values += [valid, "IT" + valid, valid[:-1] + str((int(valid[-1]) + 1) % 10), valid[:7] + "101" + valid[10]]
    for value in values:
        assert _outcome(_vat_number, value) == _outcome(oracle, value), value
