"""The separator of a CSV handed to `convert`, `ship --quantities` or `payments import`: a
tab-separated file (Excel's «Testo Unicode») whose texts hold semicolons or commas (`Note; varie`,
`Via Roma, 5`) was split on `;` when its first line held as many of them as tabs, every row
cut at its texts' semicolons and the columns shifted. A tab parts every line of such a file,
which no text typed in Excel holds (the key moves to the next cell)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from toolkit.intake.tables import read_csv, sniff_separator, tab_separated, text_rows

_TEXT = st.text(alphabet="ab ;,.'\"0123456789àè\t\n", max_size=12)


@st.composite
def _rows(draw: st.DrawFn, separator_free: str = "") -> list[list[str]]:
    width = draw(st.integers(2, 6))
    texts = _TEXT.map(lambda t: t.translate({ord(c): None for c in separator_free}))
    return draw(st.lists(st.lists(texts, min_size=width, max_size=width), min_size=1, max_size=20))


def _written(rows: list[list[str]], delimiter: str, end: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=end).writerows(rows)
    return out.getvalue()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_rows(), end=st.sampled_from(["\n", "\r\n"]))
def test_a_tab_separated_file_is_split_on_its_tabs_whatever_its_texts_hold(tmp_path: Path, rows, end):
    assume(any(v.strip() for row in rows for v in row))
    text = _written(rows, "\t", end)
    assert sniff_separator(text) == "\t"
    path = tmp_path / "incassi.csv"
    path.write_text(text, encoding="utf-8")
    assert text_rows(path) == rows


@settings(max_examples=300, deadline=None)
@given(rows=_rows(separator_free="\t"), delimiter=st.sampled_from([";", ","]))
def test_a_file_whose_texts_hold_no_tab_is_never_taken_for_tab_separated(rows, delimiter):
    assert not tab_separated(_written(rows, delimiter, "\r\n"))


def test_a_tab_separated_export_converts_its_texts_semicolons_and_all(tmp_path: Path):
    """Two columns, a note of two semicolons in the first line: once split on `;` into three
    columns, *Importo* a text and the amount under *varie*."""
    path = tmp_path / "clienti.csv"
    path.write_text("Cliente\tNote; varie; altro\nC001\t12,50\nC002\tVia Roma, 5; scala B\n", encoding="utf-8")
    [sheet] = read_csv(path).sheets
    assert [list(row) for row in sheet.rows] == [["Cliente", "Note; varie; altro"], ["C001", 12.5],
                                                 ["C002", "Via Roma, 5; scala B"]]
