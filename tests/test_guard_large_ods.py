"""A large .ods is read; padding of the same size is still refused.

LibreOffice writes a cell of an .ods in about three times the XML of an .xlsx's, so the L
benchmark (10,000 customers) saved as .ods unzips to about 305 MB, past the 256 MB that held
any package, and a distributor's LibreOffice workbook could be neither checked nor converted.
Past `MAX_UNZIPPED` a package is now read when its parts shrank no more than data does
(`DATA_RATIO`), up to `ROOM_FOR_DATA` times the limit; zeros and repeated strings, which shrink
a thousand to one, are refused as before (`test_guard.py`, `reliability/test_reliability_hostile.py`).
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest
from test_guard import ODS_CONTENT, ODS_MANIFEST, ODS_MIME, refusal, write_ods

from toolkit.intake.guard import DATA_RATIO, MAX_UNZIPPED, ROOM_FOR_DATA, check_workbook
from toolkit.intake.sources import read_vetted

WORDS = ("caffè", "tostato", "miscela", "arabica", "robusta", "grani", "macinato", "capsule", "cialde",
         "zucchero", "bustine", "tazzine", "latte", "intero", "scremato", "cacao", "orzo", "ginseng",
         "tè", "verde", "limone", "pesca", "bicchieri", "palette", "confezione", "cartone", "kg", "pz")


def _rows(first: int, count: int, seed: int) -> str:
    """`count` rows of the items' shape, as LibreOffice writes them: a code, a description of
    thirty words, a price, a date; the words drawn so the XML shrinks as real data does."""
    pick = random.Random(seed).choice
    return "".join(
        '<table:table-row table:style-name="ro1">'
        f'<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>A{n:07d}</text:p>'
        "</table:table-cell>"
        '<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>'
        + " ".join(pick(WORDS) for _ in range(30)) + "</text:p></table:table-cell>"
        f'<table:table-cell office:value-type="float" office:value="{n % 997}.25" calcext:value-type="float">'
        f"<text:p>{n % 997},25</text:p></table:table-cell>"
        '<table:table-cell table:style-name="ce1" office:value-type="date" office:date-value="2026-03-02" '
        'calcext:value-type="date"><text:p>02/03/2026</text:p></table:table-cell></table:table-row>'
        for n in range(first, first + count)
    )


def large_ods(path: Path, unzipped: int) -> tuple[Path, int]:
    """An .ods whose `content.xml` is at least `unzipped` bytes, one table *Articoli*, and the
    number of its rows. A block of 4,000 distinct rows is written again and again (deflate
    looks back 32 KB only, so the package shrinks as one block does), at level 1: about a
    second to write."""
    head, tail = ODS_CONTENT.replace('office:version="1.2">', 'xmlns:calcext="urn:org:documentfoundation:names:'
                                     'experimental:calc:xmlns:calcext:1.0" office:version="1.2">'
                                     ).split("{tables}")
    block = _rows(0, 4_000, seed=7).encode()
    repeats = -(-unzipped // len(block))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("mimetype", ODS_MIME, zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", ODS_MANIFEST.format(mime=ODS_MIME, encryption=""))
        with zf.open("content.xml", "w") as out:
            out.write(head.encode() + b'<table:table table:name="Articoli">')
            for _ in range(repeats):
                out.write(block)
            out.write(_rows(repeats * 4_000, 1, seed=8).encode() + b"</table:table>" + tail.encode())
    return path, repeats * 4_000 + 1


def test_an_ods_of_the_l_benchmarks_size_is_read(tmp_path):
    path, rows = large_ods(tmp_path / "Articoli.ods", 305 * 2**20)
    with zipfile.ZipFile(path) as zf:
        unzipped = sum(i.file_size for i in zf.infolist())
    assert MAX_UNZIPPED < unzipped < ROOM_FOR_DATA * MAX_UNZIPPED
    assert unzipped <= DATA_RATIO * path.stat().st_size

    raw, _ = read_vetted(path)

    (sheet,) = raw.sheets
    assert sheet.name == "Articoli" and len(sheet.rows) == rows
    assert sheet.rows[-1][0] == f"A{rows - 1:07d}" and sheet.rows[-1][2] == (rows - 1) % 997 + 0.25


MIB = 2**20
DATA = ODS_CONTENT.format(tables='<table:table table:name="Articoli">' + _rows(0, 4_000, seed=7) + "</table:table>")


@pytest.mark.parametrize("limit, read", [
    pytest.param(len(DATA) // 2, True, id="past-the-limit-as-data"),
    pytest.param(len(DATA) // (ROOM_FOR_DATA + 1), False, id="past-the-room-for-data"),
])
def test_data_past_the_limit_is_read_up_to_its_room(tmp_path, limit, read):
    path = write_ods(tmp_path / "Articoli.ods", content=DATA.encode())
    if read:
        assert check_workbook(path, max_unzipped=limit) == "ods"
    else:
        assert refusal(path, max_unzipped=limit).code == "file-zip-bomb"


def test_padding_past_the_limit_is_refused_though_within_its_room(tmp_path):
    """Parts of zeros, each under the size where one part's own ratio is weighed, add up past
    the limit by no more than data may: refused all the same, as they shrank as no data does."""
    padding = {f"Pictures/pad{i}.bin": bytes(MIB) for i in range(3)}
    path = write_ods(tmp_path / "Articoli.ods", more=padding)
    with zipfile.ZipFile(path) as zf:
        unzipped = sum(i.file_size for i in zf.infolist())
        packed = sum(i.compress_size for i in zf.infolist())
    assert MIB < unzipped < ROOM_FOR_DATA * MIB and unzipped > DATA_RATIO * packed

    assert refusal(path, max_unzipped=MIB).code == "file-zip-bomb"


def _declared(path: Path, name: str, *, packed: int, unzipped: int) -> Path:
    """`path` with the central directory declaring the part `name` `packed` bytes zipped and
    `unzipped` bytes unzipped, as a crafted file may: nothing checks the sizes against the file."""
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02")
    while data[entry + 46:entry + 46 + int.from_bytes(data[entry + 28:entry + 30], "little")] != name.encode():
        entry = data.index(b"PK\x01\x02", entry + 1)
    data[entry + 20:entry + 28] = packed.to_bytes(4, "little") + unzipped.to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("parts", [1, 100], ids=["one-part", "parts-each-under-10-MB"])
def test_padding_declared_packed_larger_than_the_file_is_refused(tmp_path, parts):
    """Parts of zeros whose directory entries say they are 900 MB unzipped from 100 MB zipped, in
    a file of a few KB: their declared sizes shrink as data does, and the file was read as data,
    the 100 MB packed never there. What is packed is at most the file: a thousand to one and
    more, a bomb, whether one part says so or the parts together."""
    names = [f"Pictures/pad{n}.bin" for n in range(parts)]
    path = write_ods(tmp_path / "Articoli.ods", more={name: bytes(2**10) for name in names})
    for name in names:
        _declared(path, name, packed=100 * MIB // parts, unzipped=900 * MIB // parts)
    size = path.stat().st_size
    assert size < 20 * 2**10

    problem = refusal(path)

    assert problem.code == "file-zip-bomb"
    assert f"passerebbe da {-(-size // 2**10)} KB a 90" in problem.message("it"), problem.message("it")
