"""`SharingRows` keeps a protocol's *Clienti* rows by buyer identity so the check and invoicing
need not compare each row with every earlier one; what it answers must be what the pairwise rule
(`two_buyers` of each pair of rows) answered: which earlier rows are another buyer's (the first
few in sheet order, how many, how many of the rest undated, whether they are several buyers) and
which is the first dated row that is not (`dated_for`)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.core import letter_cited
from toolkit.core.letter_cited import (
    SharingRows,
    buyer_ids,
    dated_for,
    dating_rows,
    first_dating,
    two_buyers,
)

# A partita IVA written three ways (the same digits), another one, a foreign VAT number; a company's
# codice fiscale equal to its partita IVA, two persons' codici fiscali (one in lower case with a space).
VATS = ("", "07643520567", "IT07643520567", " 07643520567", "09887760560", "DE123456789")
CODES = ("", "07643520567", "09887760560", "RSSMRA80A01H501U", "rssmra80a01h501u ", "BNCLRD75B02F205X")
NAMED = 3

_row = st.tuples(st.sampled_from(VATS), st.sampled_from(CODES), st.booleans())


def _rows(drawn: list[tuple[str, str, bool]]) -> list[SimpleNamespace]:
    return [SimpleNamespace(code=f"C{n:03}", vat_number=vat or None, tax_code=code or None, intent_protocol="P",
                            intent_date=date(2026, 1, 15) if dated else None)
            for n, (vat, code, dated) in enumerate(drawn, 1)]


def _told_as_the_pairwise_rule(rows: list[SimpleNamespace]) -> None:
    """Each row asks `SharingRows` of the rows before it, and is answered as comparing it with each
    of them (`two_buyers`), and each two of the other buyers' rows with each other, answers: the oracle."""
    sharing = SharingRows()
    for place, c in enumerate(rows):
        ids = buyer_ids(c)
        others = [e for e in rows[:place] if two_buyers(buyer_ids(e), ids)]
        found = sharing.of_other_buyers(ids, NAMED)
        if not others:
            assert found is None, (c.code, ids)
        else:
            assert found is not None, (c.code, ids)
            assert [e.code for e in found.first] == [e.code for e in others[:NAMED]]
            assert found.count == len(others)
            assert found.undated == sum(e.intent_date is None for e in others[NAMED:])
            assert found.several == any(two_buyers(buyer_ids(e), buyer_ids(f)) for e in others for f in others)
        same = next((e for e in rows[:place] if not two_buyers(buyer_ids(e), ids)), None)
        assert sharing.first_same(ids) is same, (c.code, ids)
        sharing.add(c, NAMED)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(_row, max_size=14))
def test_sharing_rows_tell_the_earlier_rows_of_other_buyers_as_the_pairwise_rule(drawn):
    _told_as_the_pairwise_rule(_rows(drawn))


# Values shared across the cells, so identities giving both sides make stars and triangles (A-B, B-C, C-A).
_value = st.sampled_from(("", "A", "B", "C", "D"))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.tuples(_value, _value, st.booleans()), max_size=40),
       st.lists(st.tuples(st.sampled_from(("vat", "code")), st.integers(0, 3), st.booleans()), max_size=40),
       st.randoms(use_true_random=False))
def test_long_mixes_of_one_side_alone_and_both_are_told_as_the_pairwise_rule(drawn, alone, random):
    """Rows giving a partita IVA alone beside rows giving a codice fiscale alone, runs of one
    value beside others, shuffled among rows giving both: the mixes whose rows are found by
    their values' runs rather than compared."""
    rows = [*drawn, *((f"V{n}", "", dated) if side == "vat" else ("", f"CF{n}", dated) for side, n, dated in alone)]
    random.shuffle(rows)
    _told_as_the_pairwise_rule(_rows(rows))


@pytest.mark.parametrize("mix", ["one side alone each", "one partita IVA, many codici fiscali"])
def test_a_row_compares_no_earlier_identity(monkeypatch, mix):
    """1,000 rows giving a partita IVA alone beside 1,000 giving a codice fiscale alone, or 1,000
    codici fiscali of one partita IVA beside another buyer: each row's answer is found from its
    own values, where comparing identities made two million comparisons (1.6 s of CPU)."""
    compared = []
    monkeypatch.setattr(letter_cited, "two_buyers", lambda a, b: compared.append(1) or two_buyers(a, b))
    if mix == "one side alone each":
        drawn = [row for n in range(1000) for row in ((f"V{n:04}", "", True), ("", f"CF{n:04}", n % 4 != 3))]
    else:
        drawn = [("07643520567", f"CF{n:04}", True) for n in range(1000)] + [("09887760560", "", False)] \
            + [("07643520567", f"CF{n:04}", True) for n in range(1000, 2000)]
    rows, sharing = _rows(drawn), SharingRows()
    told = []
    for c in rows:
        told.append(sharing.of_other_buyers(buyer_ids(c), NAMED))
        sharing.first_same(buyer_ids(c))
        sharing.add(c, NAMED)
    assert len(compared) < 50
    last = told[-1]
    assert last is not None and last.count == (999 if mix == "one side alone each" else 1)
    assert last.several is (mix == "one side alone each")


@pytest.mark.parametrize("mix", ["one partita IVA's codici fiscali, codici fiscali alone",
                                 "one partita IVA's codici fiscali, one codice fiscale's partite IVA"])
def test_identities_alternating_between_a_row_s_two_marks_are_not_stepped_over_one_by_one(monkeypatch, mix):
    """2,000 identities each sharing one of a later row's two marks, alternating (its partita IVA
    with a codice fiscale of its own beside codici fiscali alone, for a row giving that partita IVA
    alone; or that partita IVA's codici fiscali beside that codice fiscale's partite IVA, for a row
    giving both), then another buyer: the row's other buyer is found with a few look-ups, where
    jumping over each mark's runs made one a run, every identity a run of its own (1,000 such
    rows took 3.3 s and 9.3 s of CPU)."""
    looked = []
    for name in ("bisect_left", "bisect_right"):
        if hasattr(letter_cited, name):
            found = getattr(letter_cited, name)
            monkeypatch.setattr(letter_cited, name, lambda *a, _f=found, **k: looked.append(1) or _f(*a, **k))
    if mix.endswith("codici fiscali alone"):
        pairs = [(("07643520567", f"CF{n:04}", True), ("", f"DF{n:04}", True)) for n in range(1000)]
        asking = ("07643520567", "", True)
    else:
        pairs = [(("07643520567", f"CF{n:04}", True), (f"IT{n:09}", "RSSMRA80A01H501U", True)) for n in range(1000)]
        asking = ("07643520567", "RSSMRA80A01H501U", True)
    rows = _rows([row for pair in pairs for row in pair] + [("09887760560", "BNCLRD75B02F205X", False), asking])
    sharing = SharingRows()
    for c in rows[:-1]:
        sharing.add(c, NAMED)
    looked.clear()
    found = sharing.of_other_buyers(buyer_ids(rows[-1]), NAMED)
    assert found is not None and [c.code for c in found.first] == [rows[-2].code]
    assert (found.count, found.undated, found.several) == (1, 0, False)
    assert len(looked) < 400
    _told_as_the_pairwise_rule(rows[-400:])


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(_row, max_size=14))
def test_the_date_a_row_is_told_is_the_first_dated_row_the_pairwise_rule_does_not_part_from_it(drawn):
    rows = _rows(drawn)
    dated = dating_rows(rows)
    for c in rows:
        first = next((e for e in rows if e.intent_date is not None and not two_buyers(buyer_ids(e), buyer_ids(c))),
                     None)
        assert first_dating(c, dated) is first, c.code
        assert dated_for(c, dated) is (first if c.intent_date is None else None), c.code
