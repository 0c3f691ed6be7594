"""`SharingRows` keeps a protocol's *Clienti* rows by buyer identity so the check and invoicing
need not compare each row with every earlier one; what it answers must be what the pairwise rule
(`two_buyers` of each pair of rows) answered: which earlier rows are another buyer's (the first
few in sheet order, how many, how many of the rest undated, whether they are several buyers) and
which is the first dated row that is not (`dated_for`)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.core.letter_cited import (
    SharingRows,
    buyer_ids,
    dated_for,
    dating_rows,
    first_dating,
    several_buyers,
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


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(_row, max_size=14))
def test_sharing_rows_tell_the_earlier_rows_of_other_buyers_as_the_pairwise_rule(drawn):
    rows, sharing = _rows(drawn), SharingRows()
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
def test_the_date_a_row_is_told_is_the_first_dated_row_the_pairwise_rule_does_not_part_from_it(drawn):
    rows = _rows(drawn)
    dated = dating_rows(rows)
    for c in rows:
        first = next((e for e in rows if e.intent_date is not None and not two_buyers(buyer_ids(e), buyer_ids(c))),
                     None)
        assert first_dating(c, dated) is first, c.code
        assert dated_for(c, dated) is (first if c.intent_date is None else None), c.code


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.sampled_from(("", "P1", "P2", "A")), st.sampled_from(("", "A", "B", "P1"))),
                unique=True, max_size=7))
def test_several_buyers_is_the_pairwise_rule_in_one_pass(identities):
    """Values shared across the cells (a company's codice fiscale its partita IVA's digits), in any order."""
    assert several_buyers(identities) == any(two_buyers(a, b) for a in identities for b in identities)
