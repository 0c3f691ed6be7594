"""`case_variants.names_in_two_cases` goes through the records one by one only when two of the
columns' distinct names fold alike (`_spelt_alike`): exactly when `_spelt_twice` has a cell to
tell, on random columns of names written in other capitals, blanks or none (issue 20: load and
validate at L)."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest

from toolkit.intake.validation.case_variants import _spelt_alike, _spelt_twice
from toolkit.model.records import Source

NAMES = ("BAR", "bar", " Bar ", "B AR", "B  AR", "Caffè", "CAFFÈ", "caffe", "", None, "Ristorante", "ristorante  ",
         "Straße", "STRASSE", "Marco Bianchi", "marco  bianchi", "Rossi", "ﬁne", "FINE", "σας", "ΣΑΣ", "İ", "i\u0307")


class _Nowhere:
    def locate(self, *_):
        return None


def _records(rng: random.Random, field: str) -> list[SimpleNamespace]:
    names = rng.sample(NAMES, rng.randint(1, 5))
    return [SimpleNamespace(**{field: rng.choice(names)}, source=Source("customers", row))
            for row in range(2, rng.randint(2, 30))]


@pytest.mark.parametrize("seed", range(200))
def test_spelt_alike_exactly_when_a_cell_is_told(seed):
    rng = random.Random(seed)
    columns = [(_records(rng, "sales_rep"), "sales_rep")] + ([(_records(rng, "agent"), "agent")] if seed % 2 else [])
    told = list(_spelt_twice(_Nowhere(), "agent", [(r, field) for records, field in columns for r in records]))
    assert _spelt_alike(columns) == bool(told)


def test_the_seeds_reach_both_answers():
    answers = set()
    for seed in range(200):
        rng = random.Random(seed)
        columns = [(_records(rng, "sales_rep"), "sales_rep")] + ([(_records(rng, "agent"), "agent")] if seed % 2 else [])
        answers.add(_spelt_alike(columns))
    assert answers == {True, False}
