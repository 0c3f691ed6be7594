"""The guard inflates a large part's next chunk in a second thread while it searches the one it
has (`toolkit.intake.guard._inflated_ahead`): the chunks, and a broken part's error, must be
those of the plain loop (`tests/oracles/guard_chunks.py`), for any chunk size (issue 20)."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from oracles import guard_chunks

from toolkit.intake import guard


def _package(data: bytes, method: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", data)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def _sheet(rng: random.Random, rows: int) -> bytes:
    cells = []
    for r in range(1, rows + 1):
        blanks = " " * rng.choice((0, 0, 1, 300))
        column = rng.choice(("A", "B", "Z", "AA", "XFD"))
        cells.append(f'<row r="{r}">{blanks}<c r="{column}{r}" t="inlineStr"><is><t>{rng.random()}</t></is></c></row>')
    return ("<worksheet><sheetData>" + "".join(cells) + "</sheetData></worksheet>").encode()


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("chunk", [5, 256, 4096, 2**20])
def test_the_chunks_are_those_read_one_after_the_other(monkeypatch, seed, chunk):
    rng = random.Random(seed)
    monkeypatch.setattr(guard, "_CHUNK", chunk)
    data = _sheet(rng, rng.choice((1, 50, 400 if chunk < 256 else 3000)))
    method = zipfile.ZIP_STORED if seed % 3 == 0 else zipfile.ZIP_DEFLATED
    zf = _package(data, method)
    part = "xl/worksheets/sheet1.xml"
    assert list(guard._chunks(zf, part)) == list(guard_chunks.chunks(zf, part))
    assert guard._farthest_cell(zf, part) == _farthest_cell_of_oracle(zf, part)


def _farthest_cell_of_oracle(zf: zipfile.ZipFile, part: str) -> tuple[int, int]:
    if not any(guard_chunks.FAR.search(text) for text in guard_chunks.chunks(zf, part)):
        return 1, 1
    rows, columns = 1, 1
    for text in guard_chunks.chunks(zf, part):
        for letters, digits in guard._REF.findall(text):
            rows, columns = max(rows, int(digits)), max(columns, guard._column_number(letters))
    return rows, columns


@pytest.mark.parametrize("chunk", [64, 4096])
def test_a_part_that_does_not_inflate_fails_as_before(monkeypatch, chunk):
    monkeypatch.setattr(guard, "_CHUNK", chunk)
    data = _sheet(random.Random(1), 3000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", data)
    raw = bytearray(buffer.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename)
    raw[start + info.compress_size // 2] ^= 0xFF  # the second half of the data no longer inflates
    outcomes = []
    for read in (guard._chunks, guard_chunks.chunks):
        got = []
        try:
            for text in read(zipfile.ZipFile(io.BytesIO(bytes(raw))), "xl/worksheets/sheet1.xml"):
                got.append(text)
        except Exception as exc:  # the same type and message from both
            got.append((type(exc), str(exc)))
        outcomes.append(got)
    assert outcomes[0] == outcomes[1]
    assert isinstance(outcomes[0][-1], tuple)


NEAR = (b"r", b"=", b'"', b"'", b" ", b"\t", b"\n", b"A", b"Q", b"z", b"$", b"0", b"1", b"2", b"3", b"7", b"9",
        b"<", b">", b"c", b'r="', b'<c r="', b"<row r='", b"xmlns:r=")


OTHER = (b"\r", b"\x0b", b"\x0c", b"\x1c", b"\x85", b"\xa0", b"\xc2\xa0", b"\xe2\x80\x83", b"\xd9\xa3",
         b"\xef\xbc\x91", b"\xc3\xa0", b"\xff", b"\x00", b"_", b"t=\"e\"", b"</f>")
"""Bytes a pattern of text could read otherwise than one of bytes: spaces and digits of other
scripts (NBSP, NEL, an em space, ٣, １) whole or cut, other control characters, non-ASCII bytes."""


def _far(text: bytes) -> bool:
    """The guard's search for a far reference, as it searches a chunk (`guard._farthest_cell`)."""
    return guard.found_in(guard._FAR)(text)


@pytest.mark.parametrize("seed", range(8))
def test_the_far_search_matches_where_its_plain_spelling_does(seed):
    """`_FAR`, searched by Rust's regular expressions in the chunk read as text, against its
    first spelling, searched in the bytes by `re` (`tests/oracles/guard_chunks.FAR`): on strings
    made of what a reference is made of, a match in one is a match in the other."""
    rng = random.Random(seed)
    found = 0
    for _ in range(5000):
        text = b"".join(rng.choice(NEAR) for _ in range(rng.randint(1, 16)))
        want = guard_chunks.FAR.search(text) is not None
        assert _far(text) == want, text
        found += want
    assert 50 < found < 4950


@pytest.mark.parametrize("seed", range(4))
def test_the_far_search_reads_bytes_beyond_ascii_as_bytes_patterns_do(seed):
    """Other scripts' spaces and digits are no `\\s` or `\\d` to a pattern of bytes: the search
    in the text must not take them for ones either (nor miss what they sit beside), whether the
    chunk reads as UTF-8 or, a character cut or a byte no UTF-8 has, as Latin-1."""
    rng = random.Random(seed)
    alphabet = NEAR + OTHER
    found = 0
    for _ in range(5000):
        text = b"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 20)))
        want = guard_chunks.FAR.search(text) is not None
        assert _far(text) == want, text
        found += want
    assert 50 < found < 4950
    for text in (b'<c r=\xa0"A1"', b'<c r\x85="A1"', b'<c r="A\xd9\xa3\xd9\xa3\xd9\xa3\xd9\xa3\xd9\xa3\xd9\xa3"',
                 b'<c r="A\xef\xbc\x93\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90"', b'<c r=\x0c"A1"'):
        assert _far(text) == (guard_chunks.FAR.search(text) is not None), text


@pytest.mark.parametrize("reference", [b"A1", b"Z299999", b"AA1", b"XFD1048576", b"A300000", b"299999", b"300000",
                                       b"1000000", b"A0999999", b"$A$1", b"ab", b"abc1", b"abcd1", b"a1234567",
                                       b"AE10001", b"AH289999", b"ah1", b"AI1", b"ai1", b"BA1", b"Aa1", b"A290000",
                                       b"AH290000", b"289999", b"290000", b"AB1234567"])
@pytest.mark.parametrize("spelling", [b'<c r="{}"', b"<c r='{}'", b'<c r ="{}"', b'<c r= "{}"', b'<c r\t=\n"{}"'])
def test_the_far_search_on_references(reference, spelling):
    text = spelling.replace(b"{}", reference)
    assert _far(text) == (guard_chunks.FAR.search(text) is not None)
