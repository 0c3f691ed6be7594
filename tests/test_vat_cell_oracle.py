"""The VAT number and codice fiscale cells against stdnum alone (`tests/oracles/cells.py`): the
same value or the same refusal for random eleven-digit numbers, valid ones, near misses and odd
cells, and a person's codice fiscale where a company's is expected."""

from __future__ import annotations

import random

from oracles.cells import tax_code as tax_oracle
from oracles.cells import vat_number as oracle
from pydantic_core import PydanticCustomError

from toolkit.intake.sample import vat_number as sample_vat
from toolkit.model.cells import _tax_code, _vat_number


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
    values += [sample_vat(0, office) for office in (1, 100, 120, 888)]  # the Luhn digit right, the serial zero
    for _ in range(2000):
        valid = sample_vat(rng.randrange(1, 9_999_999), rng.choice((1, 50, 100, 120, 121, 888, 999)))
        values += [valid, "IT" + valid, valid[:-1] + str((int(valid[-1]) + 1) % 10), valid[:7] + "101" + valid[10]]
    for value in values:
        assert _outcome(_vat_number, value) == _outcome(oracle, value), value


def test_the_same_tax_code_answer_as_stdnum():
    """A company's codice fiscale is its partita IVA, which `_tax_code` finds valid the short way
    (`_plainly_valid_vat`) before stdnum: the same text or refusal as stdnum alone, for a wrong
    check digit, eleven zeros, a prefix, other digits, and a person's code where a company's is."""
    rng = random.Random(21)
    values: list = ["00000000000", "0", 0, "IT02047290222", "02047290222", "2047290222", 2047290222, "020 4729 0222",
                    "02047290221", "１２３４５６７００１７", "00000010017", "RSSMRA80A01H501U", "rssmra80a01h501u",
                    "RSSMRA80A01H501X", "RSSMRA80A01H501", "MRNPLA93S61C933T", "12345678888", None, "", True]
    values += [sample_vat(0, office) for office in (1, 100, 120, 888)]  # the Luhn digit right, the serial zero
    for _ in range(2000):
        valid = sample_vat(rng.randrange(0, 9_999_999), rng.choice((0, 1, 50, 100, 101, 120, 121, 888, 999)))
        values += [valid, valid[:-1] + str((int(valid[-1]) + 1) % 10), valid[:7] + "101" + valid[10], int(valid)]
    for _ in range(2000):
        values.append("".join(rng.choice("0123456789") for _ in range(rng.choice((10, 11, 11, 12)))))
    for value in values:
        assert _outcome(_tax_code, value) == _outcome(tax_oracle, value), value
