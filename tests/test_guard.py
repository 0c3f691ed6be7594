"""The input guard: every unusable file is refused with its own code and one line per language.

Each bad file is built here, in `tmp_path`, so the tests need no binary fixtures: truncated and
tampered zips from a real openpyxl workbook, hostile XML, a zip bomb written as a stream (200 MB
of zeros in about 200 KB), and CFB (OLE2) files from a minimal MS-CFB v3 writer below.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from toolkit.basics.problems import Problem, UnusableInput, all_problem_types
from toolkit.intake.guard import MAX_MEMBERS, check_workbook, describe_exception, read_cfb_streams

# -- builders ----------------------------------------------------------------------------------

XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10)
               for i in range(1, 10))
    + b']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
      b"<sheetData><row><c t=\"inlineStr\"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"
)

ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
)
ODS_TABLE = (
    '<table:table table:name="Clienti"><table:table-row><table:table-cell office:value-type="string">'
    "<text:p>Bar Centrale</text:p></table:table-cell></table:table-row></table:table>"
)
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="{mime}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{encryption}'
    "</manifest:file-entry></manifest:manifest>"
)
ODS_ENCRYPTION = (
    '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
    '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AAAA"/>'
    "</manifest:encryption-data>"
)


def xlsx(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Clienti"
    ws.append(["Codice", "Ragione sociale"])
    ws.append(["C001", "Bar Centrale S.n.c."])
    wb.save(path)
    return path


def rezip(src: Path, dst: Path, replace: dict[str, bytes] | None = None, drop: tuple[str, ...] = (),
          compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """A copy of `src` with some members replaced (or added) and some dropped."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compression) as zout:
        for name in zin.namelist():
            if name not in drop:
                zout.writestr(name, replace.get(name, zin.read(name)))
        for name in replace.keys() - set(zin.namelist()):
            zout.writestr(name, replace[name])
    return dst


def edited(tmp_path: Path, name: str, member: str, edit: Callable[[bytes], bytes]) -> Path:
    """A real workbook whose `member` went through `edit`."""
    src = xlsx(tmp_path / "src.xlsx")
    with zipfile.ZipFile(src) as zf:
        data = zf.read(member)
    return rezip(src, tmp_path / name, {member: edit(data)})


def write_zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def write_ods(path: Path, *, tables: str = ODS_TABLE, mime: str = ODS_MIME, encryption: str = "",
              content: bytes | None = None, more: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", mime)
        zf.writestr("META-INF/manifest.xml", ODS_MANIFEST.format(mime=mime, encryption=encryption),
                    zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content or ODS_CONTENT.format(tables=tables), zipfile.ZIP_DEFLATED)
        for name, data in (more or {}).items():
            zf.writestr(name, data, zipfile.ZIP_DEFLATED)
    return path


FREE, END_OF_CHAIN, FAT_SECTOR, DIFAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC
CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def write_cfb(path: Path, streams: dict[str, bytes], pad_sectors: int = 0) -> Path:
    """A minimal MS-CFB v3 file (512-byte sectors) with `streams` in its root storage.

    Streams are padded to 4096 bytes so none lives in the mini stream. `pad_sectors` free sectors
    come first, written sparse, so a big file (whose FAT needs DIFAT sectors) costs no disk.
    """
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    chains: dict[int, int] = {}

    def allocate(start: int, count: int) -> int:
        for i in range(count):
            chains[start + i] = start + i + 1 if i < count - 1 else END_OF_CHAIN
        return start + count

    blobs = [streams[n].ljust(4096, b"\0") for n in names]
    starts, sector = [], pad_sectors
    for blob in blobs:
        starts.append(sector)
        sector = allocate(sector, -(-len(blob) // 512))
    directory_start, directory_count = sector, -(-(len(names) + 1) // 4)
    sector = allocate(sector, directory_count)

    fats = difats = 0
    while True:
        need_fats = -(-(sector + fats + difats) // 128)
        need_difats = -(-max(0, need_fats - 109) // 127)
        if (need_fats, need_difats) == (fats, difats):
            break
        fats, difats = need_fats, need_difats
    fat_sectors = list(range(sector, sector + fats))
    difat_sectors = list(range(sector + fats, sector + fats + difats))
    chains.update({s: FAT_SECTOR for s in fat_sectors} | {s: DIFAT_SECTOR for s in difat_sectors})
    fat = [chains.get(i, FREE) for i in range(fats * 128)]

    header = bytearray(512)
    header[:8] = CFB_MAGIC
    struct.pack_into("<5H", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<2L", header, 44, fats, directory_start)
    struct.pack_into("<5L", header, 56, 4096, END_OF_CHAIN, 0,
                     difat_sectors[0] if difat_sectors else END_OF_CHAIN, difats)
    struct.pack_into("<109L", header, 76, *(fat_sectors[:109] + [FREE] * (109 - len(fat_sectors[:109]))))

    entries = [_cfb_entry("Root Entry", 5, child=1 if names else FREE)]
    entries += [_cfb_entry(n, 2, right=i + 2 if i + 1 < len(names) else FREE, start=s, size=len(b))
                for i, (n, s, b) in enumerate(zip(names, starts, blobs))]
    entries += [_cfb_entry("", 0)] * (directory_count * 4 - len(entries))

    with path.open("wb") as f:
        def put(at: int, data: bytes) -> None:
            f.seek((at + 1) * 512)
            f.write(data)

        f.write(header)
        for start, blob in zip(starts, blobs):
            put(start, blob)
        put(directory_start, b"".join(entries))
        for k, s in enumerate(fat_sectors):
            put(s, struct.pack("<128L", *fat[k * 128:(k + 1) * 128]))
        for k, s in enumerate(difat_sectors):
            listed = fat_sectors[109 + k * 127:109 + (k + 1) * 127]
            following = difat_sectors[k + 1] if k + 1 < len(difat_sectors) else END_OF_CHAIN
            put(s, struct.pack("<128L", *listed, *[FREE] * (127 - len(listed)), following))
    return path


def _cfb_entry(name: str, kind: int, *, right: int = FREE, child: int = FREE,
               start: int = END_OF_CHAIN, size: int = 0) -> bytes:
    raw = bytearray(128)
    encoded = name.encode("utf-16-le") + b"\0\0" if name else b""
    raw[:len(encoded)] = encoded
    struct.pack_into("<HBB3L", raw, 64, len(encoded), kind, 1, FREE, right, child)
    struct.pack_into("<LQ", raw, 116, start, size)
    return bytes(raw)


def encrypted_cfb(tmp_path: Path) -> Path:
    return write_cfb(tmp_path / "Anagrafiche.xlsx",
                     {"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": b"\x99" * 5000})


def biff(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def legacy_xls(t: Path, row: int = 65535, column: int = 255, dimension: tuple[int, int] = (1, 1), *,
               mini: bool = False) -> Path:
    """A BIFF8 .xls whose sheet *Clienti* declares A1 and holds one NUMBER at (row, column);
    with `mini`, its Workbook stream lives in the mini stream, as a stream under 4 KB does."""
    bof = struct.pack("<HHHHLL", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0)
    head = biff(0x0809, bof)
    sheet_at = len(head) + len(biff(0x0085, bytes(8 + 7))) + len(biff(0x000A))
    workbook = (head + biff(0x0085, struct.pack("<LBBBB", sheet_at, 0, 0, 7, 0) + b"Clienti") + biff(0x000A)
                + biff(0x0809, bof[:2] + struct.pack("<H", 0x0010) + bof[4:])
                + biff(0x0200, struct.pack("<LLHHH", 0, dimension[0], 0, dimension[1], 0))
                + biff(0x0203, struct.pack("<HHHd", 0, 0, 15, 1.0))
                + biff(0x0203, struct.pack("<HHHd", row, column, 15, 2.0)) + biff(0x000A))
    if mini:
        return write_mini_cfb(t / "Anagrafiche.xls", "Workbook", workbook)
    return write_cfb(t / "Anagrafiche.xls", {"Workbook": workbook})


def write_mini_cfb(path: Path, name: str, data: bytes) -> Path:
    """A CFB v3 file whose one stream (under 4 KB) is kept in 64-byte mini sectors: sector 0
    the FAT, 1 the directory, 2 the mini FAT, then the root's mini-stream container."""
    minis = -(-len(data) // 64)
    container = -(-minis * 64 // 512)
    fat = [FAT_SECTOR, END_OF_CHAIN, END_OF_CHAIN]
    fat += [3 + i + 1 if i + 1 < container else END_OF_CHAIN for i in range(container)]
    mini_fat = [i + 1 if i + 1 < minis else END_OF_CHAIN for i in range(minis)]
    header = bytearray(512)
    header[:8] = CFB_MAGIC
    struct.pack_into("<5H", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<2L", header, 44, 1, 1)
    struct.pack_into("<5L", header, 56, 4096, 2, 1, END_OF_CHAIN, 0)
    struct.pack_into("<109L", header, 76, 0, *[FREE] * 108)
    entries = [_cfb_entry("Root Entry", 5, child=1, start=3, size=minis * 64),
               _cfb_entry(name, 2, start=0, size=len(data)), _cfb_entry("", 0), _cfb_entry("", 0)]
    path.write_bytes(bytes(header) + struct.pack("<128L", *fat, *[FREE] * (128 - len(fat))) + b"".join(entries)
                     + struct.pack("<128L", *mini_fat, *[FREE] * (128 - len(mini_fat)))
                     + data.ljust(container * 512, b"\0"))
    return path



# -- the table of refusals ---------------------------------------------------------------------

def _missing(t: Path) -> Path:
    return t / "Anagrafiche.xlsx"


def _folder(t: Path) -> Path:
    (t / "Anagrafiche.xlsx").mkdir()
    return t / "Anagrafiche.xlsx"


def _bytes(name: str, data: bytes) -> Callable[[Path], Path]:
    def build(t: Path) -> Path:
        (t / name).write_bytes(data)
        return t / name
    return build


def _open_in(lock_name: str) -> Callable[[Path], Path]:
    def build(t: Path) -> Path:
        (t / lock_name).write_bytes(b"\x0bMario Rossi" + b"\x20" * 150)
        return xlsx(t / "Anagrafiche.xlsx")
    return build


def _truncated(t: Path) -> Path:
    data = xlsx(t / "full.xlsx").read_bytes()
    return _bytes("Anagrafiche.xlsx", data[: len(data) // 2])(t)


def _bad_crc(t: Path) -> Path:
    stored = rezip(xlsx(t / "src.xlsx"), t / "Anagrafiche.xlsx", compression=zipfile.ZIP_STORED)
    data = stored.read_bytes()
    at = data.index(b"<Types")
    stored.write_bytes(data[:at + 1] + b"X" + data[at + 2:])
    return stored


def _no_end_record(t: Path) -> Path:
    data = xlsx(t / "full.xlsx").read_bytes()
    return _bytes("Anagrafiche.xlsx", data.replace(b"PK\x05\x06", b"PK\x00\x00"))(t)


def _random_members(t: Path) -> Path:
    return write_zip(t / "Anagrafiche.xlsx", {"note.txt": "ciao", "dati/1.bin": b"\x00\x01\x02"})


def _docx(t: Path) -> Path:
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    body = '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
    return write_zip(t / "Anagrafiche.xlsx", {"[Content_Types].xml": types, "word/document.xml": body})


def _no_sheets(t: Path) -> Path:
    import re
    return edited(t, "Anagrafiche.xlsx", "xl/workbook.xml",
                  lambda xml: re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", xml))


def _no_workbook_part(t: Path) -> Path:
    return rezip(xlsx(t / "src.xlsx"), t / "Anagrafiche.xlsx", drop=("xl/workbook.xml",))


def _hostile(member: str, data: bytes) -> Callable[[Path], Path]:
    return lambda t: edited(t, "Anagrafiche.xlsx", member, lambda _: data)


def _doctype_after_padding(t: Path) -> Path:
    padded = b'<?xml version="1.0"?>\n<!--' + b" " * 5000 + b"-->" + BILLION_LAUGHS.split(b"\n", 1)[1]
    return _hostile("xl/worksheets/sheet1.xml", padded)(t)


def _too_many_members(t: Path) -> Path:
    path = t / "Anagrafiche.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for i in range(MAX_MEMBERS + 1):
            zf.writestr(f"xl/{i}.xml", b"")
    return path


def _too_many_members_lying_count(t: Path) -> Path:
    path = _too_many_members(t)
    data = bytearray(path.read_bytes())
    end = data.rindex(b"PK\x05\x06")
    struct.pack_into("<2H", data, end + 8, 1, 1)
    path.write_bytes(bytes(data))
    return path


def _cfb_doc(t: Path) -> Path:
    return write_cfb(t / "Anagrafiche.xls", {"WordDocument": b"\xec\xa5", "1Table": b""})


def _cfb_truncated(t: Path) -> Path:
    return _bytes("Anagrafiche.xls", CFB_MAGIC + b"\x00" * 100)(t)


def _odt(t: Path) -> Path:
    return write_ods(t / "Anagrafiche.ods", mime="application/vnd.oasis.opendocument.text")


def _ods_hostile(t: Path) -> Path:
    return write_ods(t / "Anagrafiche.ods", content=BILLION_LAUGHS)


def _ods_encrypted(t: Path) -> Path:
    return write_ods(t / "Anagrafiche.ods", encryption=ODS_ENCRYPTION, content=bytes(range(256)) * 8)


XML_2003 = (
    b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
    b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>'
)

REFUSALS = [
    pytest.param(_missing, "file-not-found", {}, "", id="missing"),
    pytest.param(_folder, "file-is-folder", {}, "", id="folder"),
    pytest.param(_bytes("Anagrafiche.xlsx", b""), "file-empty", {}, "", id="empty"),
    pytest.param(_open_in("~$Anagrafiche.xlsx"), "file-input-open-in-excel", {}, "~$Anagrafiche.xlsx",
                 id="open-in-excel"),
    pytest.param(_open_in(".~lock.Anagrafiche.xlsx#"), "file-input-open-in-excel", {}, "", id="open-in-libreoffice"),
    pytest.param(_bytes("~$Anagrafiche.xlsx", b"\x0bMario Rossi" + b"\x20" * 150), "file-is-lock-file", {},
                 "Anagrafiche.xlsx", id="picked-the-lock-file"),
    pytest.param(_bytes("Anagrafiche.xlsx", b"ciao, sono un file di testo\n"), "file-not-a-workbook", {},
                 "text or CSV", id="text"),
    pytest.param(_bytes("Anagrafiche.csv", "Codice;Ragione sociale\nC001;Caffè Roma\n".encode("cp1252")),
                 "file-not-a-workbook", {}, "text or CSV", id="csv-cp1252"),
    pytest.param(_bytes("Anagrafiche.txt", "Codice\tNome\r\nC001\tCaffè\r\n".encode("utf-16")),
                 "file-not-a-workbook", {}, "text or CSV", id="excel-unicode-text"),
    pytest.param(_bytes("Anagrafiche.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), "file-not-a-workbook",
                 {}, "PDF", id="pdf"),
    pytest.param(_bytes("Export.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>"),
                 "file-not-a-workbook", {}, "HTML", id="html-saved-as-xls"),
    pytest.param(_bytes("Export.xls", XML_2003), "file-not-a-workbook", {}, "XML Spreadsheet 2003", id="xml-2003"),
    pytest.param(_bytes("Anagrafiche.xlsx", bytes(range(256)) * 4), "file-not-a-workbook", {}, "unknown type",
                 id="random-bytes"),
    pytest.param(_random_members, "file-not-a-workbook", {}, "zip archive", id="zip-not-a-package"),
    pytest.param(_bytes("Anagrafiche.xlsx", b"PK\x05\x06" + b"\0" * 18), "file-not-a-workbook", {}, "zip archive",
                 id="empty-zip"),
    pytest.param(_docx, "file-not-a-workbook", {}, "Word document", id="docx"),
    pytest.param(_odt, "file-not-a-workbook", {}, "LibreOffice document", id="odt"),
    pytest.param(_cfb_doc, "file-not-a-workbook", {}, "Word document", id="doc"),
    pytest.param(_truncated, "file-corrupt", {}, "", id="truncated-xlsx"),
    pytest.param(_no_end_record, "file-corrupt", {}, "", id="no-end-record"),
    pytest.param(_bad_crc, "file-corrupt", {}, "", id="bad-crc"),
    pytest.param(_no_workbook_part, "file-corrupt", {}, "", id="no-workbook-part"),
    pytest.param(_cfb_truncated, "file-corrupt", {}, "", id="truncated-cfb"),
    pytest.param(encrypted_cfb, "file-encrypted", {}, "Encrypt with Password", id="encrypted-xlsx"),
    pytest.param(_ods_encrypted, "file-encrypted", {}, "", id="encrypted-ods"),
    pytest.param(lambda t: xlsx(t / "Anagrafiche.xlsx"), "file-too-large", {"max_bytes": 1000}, "at most 1 KB",
                 id="too-large"),
    pytest.param(lambda t: xlsx(t / "Anagrafiche.xlsx"), "file-zip-bomb", {"max_unzipped": 1000}, "",
                 id="unzips-too-large"),
    pytest.param(_too_many_members, "file-too-many-parts", {}, "10000", id="too-many-members"),
    pytest.param(_too_many_members_lying_count, "file-too-many-parts", {}, "", id="too-many-members-count-lies"),
    pytest.param(_hostile("xl/worksheets/sheet1.xml", BILLION_LAUGHS), "file-unsafe-xml", {},
                 "xl/worksheets/sheet1.xml", id="billion-laughs-sheet"),
    pytest.param(_hostile("[Content_Types].xml", b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Types/>'),
                 "file-unsafe-xml", {}, "[Content_Types].xml", id="xxe-content-types"),
    pytest.param(_hostile("xl/workbook.xml", BILLION_LAUGHS), "file-unsafe-xml", {}, "xl/workbook.xml",
                 id="billion-laughs-workbook"),
    pytest.param(lambda t: rezip(xlsx(t / "src.xlsx"), t / "Anagrafiche.xlsx", {"xl/sharedStrings.xml": BILLION_LAUGHS}),
                 "file-unsafe-xml", {}, "xl/sharedStrings.xml", id="billion-laughs-shared-strings"),
    pytest.param(_hostile("xl/worksheets/sheet1.xml", BILLION_LAUGHS.decode().encode("utf-16")), "file-unsafe-xml",
                 {}, "", id="billion-laughs-utf16"),
    pytest.param(_doctype_after_padding, "file-unsafe-xml", {}, "", id="doctype-pushed-past-4kb"),
    pytest.param(_ods_hostile, "file-unsafe-xml", {}, "content.xml", id="billion-laughs-ods"),
    pytest.param(_no_sheets, "file-no-sheets", {}, "", id="no-sheets"),
    pytest.param(lambda t: write_ods(t / "Anagrafiche.ods", tables=""), "file-no-sheets", {}, "", id="ods-no-sheets"),
]


def refusal(path: Path, **limits: int) -> Problem:
    with pytest.raises(UnusableInput) as info:
        check_workbook(path, **limits)
    return info.value.problem


def assert_one_clear_line(problem: Problem, path: Path) -> None:
    for lang in ("it", "en"):
        message = problem.message(lang)
        assert "\n" not in message and "\r" not in message, message
        assert path.name in message, message
        assert ": " in message, f"says what is wrong, then what to do: {message}"
        assert "{" not in message and "Traceback" not in message, message


@pytest.mark.parametrize("build, code, limits, hint", REFUSALS)
def test_refuses_unusable_input_with_its_own_code(tmp_path, build, code, limits, hint):
    path = build(tmp_path)
    problem = refusal(path, **limits)
    assert problem.code == code
    assert_one_clear_line(problem, path)
    assert hint in problem.message("en")


def test_every_refusal_code_is_a_file_problem_with_both_languages():
    codes = {p.values[1] for p in REFUSALS} | {"file-no-access", "file-unreadable"}
    kinds = {k.code: k for k in all_problem_types()}
    for code in codes:
        assert code.startswith("file-")
        assert kinds[code].templates["it"] and kinds[code].templates["en"]


# -- zip bomb: refused from the central directory, in bounded memory ---------------------------

@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory) -> Path:
    """A real workbook plus a sheet of 200 MB of zeros, written as a stream: about 200 KB on disk."""
    path = xlsx(tmp_path_factory.mktemp("bomb") / "Anagrafiche.xlsx")
    zeros = bytes(2**20)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf, zf.open("xl/worksheets/sheet2.xml", "w") as out:
        for _ in range(200):
            out.write(zeros)
    assert path.stat().st_size < 2 * 2**20
    return path


def test_zip_bomb_is_refused_in_bounded_memory(zip_bomb):
    tracemalloc.start()
    try:
        problem = refusal(zip_bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problem.code == "file-zip-bomb"
    assert "200 MB" in problem.message("en")
    assert_one_clear_line(problem, zip_bomb)
    assert peak < 50 * 2**20


def test_many_bombs_add_up_past_the_unzipped_limit(zip_bomb):
    assert refusal(zip_bomb, max_ratio=10**9, max_unzipped=100 * 2**20).code == "file-zip-bomb"


def test_a_sheet_that_compresses_well_but_is_small_is_no_bomb(tmp_path):
    path = xlsx(tmp_path / "Anagrafiche.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/zeros.bin", bytes(5 * 2**20))
    assert check_workbook(path) == "xlsx"


# -- what passes -------------------------------------------------------------------------------

def _read_back(path: Path) -> list:
    from python_calamine import CalamineWorkbook

    with path.open("rb") as f:
        return CalamineWorkbook.from_filelike(f).get_sheet_by_index(0).to_python()


def test_openpyxl_xlsx_passes(tmp_path):
    path = xlsx(tmp_path / "Anagrafiche.xlsx")
    assert check_workbook(path) == "xlsx"
    assert _read_back(path)[1] == ["C001", "Bar Centrale S.n.c."]


def test_xlsm_passes(tmp_path):
    path = edited(tmp_path, "Anagrafiche.xlsm", "[Content_Types].xml",
                  lambda xml: xml.replace(XLSX_MAIN.encode(), XLSM_MAIN.encode()))
    assert check_workbook(path) == "xlsm"
    assert _read_back(path)[1] == ["C001", "Bar Centrale S.n.c."]


def test_format_comes_from_content_not_name(tmp_path):
    assert check_workbook(xlsx(tmp_path / "Export.xls")) == "xlsx"


def test_ods_passes(tmp_path):
    path = write_ods(tmp_path / "Anagrafiche.ods")
    assert check_workbook(path) == "ods"
    assert _read_back(path) == [["Bar Centrale"]]


LIBREOFFICE_BASIC_LIBRARY = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">\n'
    b'<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard"/>')
"""What LibreOffice writes in `Basic/` for an .ods holding macros (the .xlsm's VBA saved as .ods)."""


def test_an_ods_with_libreoffice_macros_passes(tmp_path):
    path = write_ods(tmp_path / "Anagrafiche.ods", more={"Basic/Standard/script-lb.xml": LIBREOFFICE_BASIC_LIBRARY,
                                                         "Basic/script-lc.xml": LIBREOFFICE_BASIC_LIBRARY})
    assert check_workbook(path) == "ods"
    assert _read_back(path) == [["Bar Centrale"]]


def test_an_ods_declaring_a_dtd_in_a_part_read_is_still_refused(tmp_path):
    path = write_ods(tmp_path / "Anagrafiche.ods", more={"styles.xml": LIBREOFFICE_BASIC_LIBRARY})
    with pytest.raises(UnusableInput) as refused:
        check_workbook(path)
    assert refused.value.problem.code == "file-unsafe-xml" and "styles.xml" in str(refused.value)


@pytest.mark.parametrize(("part", "head"), [
    ("Basic/Standard/script-lb.xml", b'<?xml version="1.0"?>\n<!DOCTYPE library:library PUBLIC "x" "library.dtd" '
     b'[<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<library:library>&b;</library:library>'),
    ("Basic/script-lc.xml", b'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "file:///etc/passwd">\n<r/>'),
    ("Basic/../styles.xml", LIBREOFFICE_BASIC_LIBRARY), ("Dialogs/./x.xml", LIBREOFFICE_BASIC_LIBRARY)])
def test_an_ods_macro_part_is_let_through_only_with_libreoffices_own_doctype(tmp_path, part, head):
    """The Basic/ exemption was a whole folder: any DTD, entities and all, or a name that only
    starts there (`Basic/../styles.xml`), passed unexamined."""
    path = write_ods(tmp_path / "Anagrafiche.ods", more={part: head})
    with pytest.raises(UnusableInput) as refused:
        check_workbook(path)
    assert refused.value.problem.code == "file-unsafe-xml" and part in str(refused.value)


def test_xlsb_passes_on_its_content_type(tmp_path):
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Override PartName="/xl/workbook.bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
        "</Types>"
    )
    path = write_zip(tmp_path / "Anagrafiche.xlsb", {"[Content_Types].xml": types, "xl/workbook.bin": b"\x83\x01\x00"})
    assert check_workbook(path) == "xlsb"


def test_legacy_xls_passes(tmp_path):
    path = write_cfb(tmp_path / "Anagrafiche.xls", {"Workbook": b"\x09\x08\x10\x00", "\x05SummaryInformation": b""})
    assert check_workbook(path) == "xls"


@pytest.mark.libreoffice
@pytest.mark.parametrize("target", ["xls", "ods", "xlsx"])
def test_files_saved_by_libreoffice_pass(tmp_path, target):
    soffice = shutil.which("soffice") or pytest.skip("LibreOffice (soffice) is not on PATH")
    src = xlsx(tmp_path / "Anagrafiche.xlsx")
    out = tmp_path / "out"
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", target, "--outdir", str(out), str(src)],
                   check=True, capture_output=True, timeout=180)
    assert check_workbook(out / f"Anagrafiche.{target}") == target
    assert _read_back(out / f"Anagrafiche.{target}")[1] == ["C001", "Bar Centrale S.n.c."]


def test_unlocked_after_closing(tmp_path):
    path = _open_in("~$Anagrafiche.xlsx")(tmp_path)
    (tmp_path / "~$Anagrafiche.xlsx").unlink()
    assert check_workbook(path) == "xlsx"


# -- CFB directory reading ---------------------------------------------------------------------

def test_cfb_streams_of_an_encrypted_workbook(tmp_path):
    assert read_cfb_streams(encrypted_cfb(tmp_path)) == {"EncryptionInfo", "EncryptedPackage"}


def test_cfb_streams_agree_with_olefile(tmp_path):
    olefile = pytest.importorskip("olefile")
    path = write_cfb(tmp_path / "x.xls", {"Workbook": b"x", "\x05SummaryInformation": b"", "Ctls": b""})
    with olefile.OleFileIO(str(path)) as ole:
        expected = {entry[0] for entry in ole.listdir(streams=True, storages=True)}
    assert read_cfb_streams(path) == expected


def test_cfb_directory_found_through_difat_sectors(tmp_path):
    """A file over ~7 MB lists its FAT beyond the header's 109 slots; the directory sits at the end."""
    path = write_cfb(tmp_path / "big.xls", {"Workbook": b"x"}, pad_sectors=20_000)
    assert path.stat().st_size > 109 * 128 * 512
    assert read_cfb_streams(path) == {"Workbook"}
    assert check_workbook(path) == "xls"
    olefile = pytest.importorskip("olefile")
    with olefile.OleFileIO(str(path)) as ole:
        assert ole.exists("Workbook")


def test_cfb_directory_loop_is_corrupt_not_a_hang(tmp_path):
    path = write_cfb(tmp_path / "Anagrafiche.xls", {"Workbook": b"x"})
    data = bytearray(path.read_bytes())
    directory = struct.unpack_from("<L", data, 48)[0]
    fat = struct.unpack_from("<L", data, 76)[0]
    struct.pack_into("<L", data, (fat + 1) * 512 + directory * 4, directory)
    path.write_bytes(bytes(data))
    assert refusal(path).code == "file-corrupt"


def test_real_encrypted_workbook_is_refused(tmp_path):
    """An xlsx encrypted the way Excel does it (agile encryption), via msoffcrypto-tool if present."""
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    plain = xlsx(tmp_path / "plain.xlsx")
    path = tmp_path / "Anagrafiche.xlsx"
    with plain.open("rb") as fin, path.open("wb") as fout:
        ooxml.OOXMLFile(fin).encrypt("segreto", fout)
    assert {"EncryptionInfo", "EncryptedPackage"} <= read_cfb_streams(path)
    problem = refusal(path)
    assert problem.code == "file-encrypted"
    assert_one_clear_line(problem, path)


# -- readers' failures on files that pass the guard --------------------------------------------

@pytest.fixture
def garbage_sheet(tmp_path) -> Path:
    path = edited(tmp_path, "Anagrafiche.xlsx", "xl/worksheets/sheet1.xml",
                  lambda _: b'<worksheet><sheetData><row><c r="A1"><v>1</c>\x00\xff\xfe garbage')
    assert check_workbook(path) == "xlsx"
    return path


def test_calamine_failure_becomes_one_line(garbage_sheet):
    from python_calamine import CalamineWorkbook

    with pytest.raises(Exception) as info:
        CalamineWorkbook.from_path(str(garbage_sheet)).get_sheet_by_index(0).to_python()
    problem = describe_exception(info.value, garbage_sheet).problem
    assert problem.code == "file-unreadable"
    assert_one_clear_line(problem, garbage_sheet)
    assert "Error" in problem.message("en")


def test_openpyxl_failure_becomes_one_line(garbage_sheet):
    import openpyxl

    with pytest.raises(Exception) as info:
        openpyxl.load_workbook(garbage_sheet)
    problem = describe_exception(info.value, garbage_sheet).problem
    assert problem.code == "file-unreadable"
    assert_one_clear_line(problem, garbage_sheet)


def test_read_workbook_reports_the_broken_sheet(garbage_sheet):
    from toolkit.intake.sources import read_workbook

    with pytest.raises(UnusableInput) as info:
        read_workbook(garbage_sheet)
    assert info.value.problem.code == "file-unreadable"


def test_password_error_means_encrypted(tmp_path):
    from python_calamine import PasswordError

    problem = describe_exception(PasswordError("Workbook is password protected"), tmp_path / "Vecchio.xls").problem
    assert problem.code == "file-encrypted"


def test_long_multiline_reader_message_is_cut_to_one_line(tmp_path):
    exc = ValueError("line one\n" + "<row>" * 500 + "\n  Traceback (most recent call last):")
    problem = describe_exception(exc, tmp_path / "Anagrafiche.xlsx").problem
    assert_one_clear_line(problem, tmp_path / "Anagrafiche.xlsx")
    assert len(problem.message("en")) < 400


def test_unusable_input_passes_through(tmp_path):
    exc = UnusableInput(refusal(tmp_path / "nope.xlsx"))
    assert describe_exception(exc, tmp_path / "nope.xlsx") is exc


def test_limits_leave_room_for_a_real_master_workbook():
    from toolkit.intake.guard import MAX_SHEET_CELLS, MAX_SHEETS, MAX_UNZIPPED, ROOM_FOR_DATA

    assert MAX_SHEETS >= 10 * 15
    assert MAX_SHEET_CELLS >= 5 * 200_000 * 5, "ten times the L benchmark's 200,000 template lines × 5"
    assert MAX_UNZIPPED >= 2 * 110 * 2**20, "twice the L benchmark unzipped"
    assert ROOM_FOR_DATA * MAX_UNZIPPED >= 3 * 305 * 2**20, "three times the L benchmark saved as .ods"


def _sheet_with(rows: str, dimension: str = '<dimension ref="A1"/>') -> bytes:
    return (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + dimension.encode() + b"<sheetData>" + rows.encode() + b"</sheetData></worksheet>")


def test_a_wide_sheet_within_the_limit_passes_whatever_its_dimension_says(tmp_path):
    rows = "".join(f'<row r="{r}"><c r="AD{r}"><v>{r}</v></c></row>' for r in range(1, 300))
    path = rezip(xlsx(tmp_path / "source.xlsx"), tmp_path / "Anagrafiche.xlsx", {"xl/worksheets/sheet1.xml":
                                                                                 _sheet_with(rows)})
    assert check_workbook(path) == "xlsx"


@pytest.mark.parametrize("declared", ["A1:Z1048576", "A1:XFD1048576"])
def test_a_sheet_declaring_the_whole_sheet_over_a_few_rows_is_read(tmp_path, declared):
    """Some generators write `<dimension ref="A1:Z1048576">` over the rows they hold; calamine
    reserves no memory by it (only below 100,000 cells) and reads the two rows in a few MB, so
    the guard counts the cells, as for an .xlsb's declared range, where it refused the file."""
    from toolkit.intake.sources import read_vetted

    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Codice</t></is></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>C001</t></is></c><c r="C2"><v>3</v></c></row>')
    path = rezip(xlsx(tmp_path / "source.xlsx"), tmp_path / "Anagrafiche.xlsx", {
        "xl/worksheets/sheet1.xml": _sheet_with(rows, f'<dimension ref="{declared}"/>')})
    assert check_workbook(path) == "xlsx"
    raw, _ = read_vetted(path)
    assert raw.sheets[0].name == "Clienti" and raw.sheets[0].rows == [["Codice", "", ""], ["C001", "", 3.0]]
    far = rows + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    problem = refusal(rezip(xlsx(tmp_path / "source.xlsx"), tmp_path / "far.xlsx", {
        "xl/worksheets/sheet1.xml": _sheet_with(far, f'<dimension ref="{declared}"/>')}))
    assert problem.code == "file-sheet-too-large" and "XFD1048576" in problem.message("en")


@pytest.mark.parametrize("chunk", [3, 7, 64])
def test_a_far_cell_cut_by_a_chunk_end_is_still_found(tmp_path, monkeypatch, chunk):
    from toolkit.intake import guard

    monkeypatch.setattr(guard, "_CHUNK", chunk)
    far = '<row r="1048576"><c   r  =  "XFD1048576"><v>2</v></c></row>'
    path = rezip(xlsx(tmp_path / "source.xlsx"), tmp_path / "Anagrafiche.xlsx", {"xl/worksheets/sheet1.xml":
                                                                                 _sheet_with(far, "")})
    problem = refusal(path)
    assert problem.code == "file-sheet-too-large"
    assert "XFD1048576" in problem.message("en") and "“Clienti”" in problem.message("en")


def test_no_far_reference_means_the_sheet_fits():
    """The first pass looks for columns from AI and rows from 290,000: below both a sheet holds
    at most AH × 289,999 cells, which the limit must cover."""
    from toolkit.intake.guard import MAX_SHEET_CELLS, NEAR_BOX

    assert NEAR_BOX == (34, 289_999) and NEAR_BOX[0] * NEAR_BOX[1] <= MAX_SHEET_CELLS


def test_the_formats_widest_sheet_is_inflated_once(tmp_path, monkeypatch):
    """Clienti filled to its last column (AE) holds no far reference: the guard inflates its part
    once, to clear it and show it to the error marks' search, and does not read it a second time
    turning every reference into numbers (at L 0.17 s of CPU holding the interpreter)."""
    from toolkit.intake import guard
    from toolkit.model.sheets import SHEETS

    widest = max(len(s.columns) for s in SHEETS if not s.key_value)
    assert widest <= guard.NEAR_BOX[0]
    book = Workbook()
    sheet = book.active
    sheet.title = "Clienti"
    for row in range(1, 60):
        sheet.append([f"C{row:04d}" if column == 0 else row * column for column in range(widest)])
    book.save(tmp_path / "wide.xlsx")
    inflated: list[str] = []
    chunks = guard._chunks
    monkeypatch.setattr(guard, "_chunks", lambda zf, part: (inflated.append(part), chunks(zf, part))[1])
    with zipfile.ZipFile(tmp_path / "wide.xlsx") as zf:
        guard.check_sheet_part(zf, tmp_path / "wide.xlsx", "xl/workbook.xml", "xl/worksheets/sheet1.xml")
    assert inflated == ["xl/worksheets/sheet1.xml"]


@pytest.mark.parametrize("chunk", [5, 40, 2**20])
def test_ods_repeated_rows_and_cells_count_only_up_to_the_last_value(tmp_path, monkeypatch, chunk):
    from toolkit.intake import guard

    monkeypatch.setattr(guard, "_CHUNK", chunk)
    value = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
    trailing = ('<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
                'table:number-columns-repeated="1024"/></table:table-row>')
    fits = write_ods(tmp_path / "fits.ods", tables=(
        f'<table:table table:name="Clienti"><table:table-row>{value}<table:table-cell '
        f'table:number-columns-repeated="1020"/></table:table-row>{trailing}</table:table>'))
    assert check_workbook(fits) == "ods"
    far = write_ods(tmp_path / "far.ods", tables=(
        f'<table:table table:name="Listino"><table:table-row>{value}</table:table-row>'
        f'<table:table-row table:number-rows-repeated="4000000"><table:table-cell/></table:table-row>'
        f'<table:table-row><table:table-cell table:number-columns-repeated="2"/>{value}</table:table-row>'
        "</table:table>"))
    problem = refusal(far)
    assert problem.code == "file-sheet-too-large"
    assert "C4000002" in problem.message("en") and "“Listino”" in problem.message("en")


def _ods_with_total_row(path: Path) -> Path:
    """*Clienti* as LibreOffice saves an Excel table with its Total Row: a database range over
    A1:B3 whose last row sums with `SUBTOTAL`."""
    def cell(text: str, formula: str = "") -> str:
        kind = 'office:value-type="float" office:value="7"' if formula else 'office:value-type="string"'
        return f'<table:table-cell {formula} {kind}><text:p>{text}</text:p></table:table-cell>'

    rows = "".join(f"<table:table-row>{a}{b}</table:table-row>" for a, b in (
        (cell("Codice"), cell("Fido")), (cell("C001"), cell("7")),
        (cell("Totale"), cell("7", 'table:formula="of:=SUBTOTAL(109;[.B2:.B2])"'))))
    ranges = ('<table:database-ranges><table:database-range table:name="Tabella1" '
              'table:target-range-address="Clienti.A1:Clienti.B3"/></table:database-ranges>')
    return write_ods(path, tables=f'<table:table table:name="Clienti">{rows}</table:table>{ranges}')


@pytest.mark.parametrize("chunk", [7, 2**16])
def test_an_ods_is_inflated_for_its_total_rows_only_when_it_may_hold_one(tmp_path, monkeypatch, chunk):
    """The Total Row's search inflated `content.xml` once more whatever it held: at L, 0.7 s of
    CPU of an .ods's 9.2 s read (8 %). The guard, reading it through anyway, tells whether it
    names a database range and a SUBTOTAL, a word cut by its chunks' ends too; without both the
    reader looks no further, and with both it still finds the Total Row."""
    from toolkit.intake import guard, total_rows
    from toolkit.intake.sources import read_vetted

    monkeypatch.setattr(guard, "_CHUNK", chunk)
    with_total = _ods_with_total_row(tmp_path / "tabella.ods")
    assert guard.vet_workbook(with_total).total_rows is True
    raw, _ = read_vetted(with_total)
    assert raw.sheets[0].rows == [["Codice", "Fido"], ["C001", "7"], ["", ""]]

    plain = write_ods(tmp_path / "Anagrafiche.ods")
    assert guard.vet_workbook(plain).total_rows is False
    monkeypatch.setattr(total_rows, "total_rows", lambda source: pytest.fail("content.xml inflated again"))
    raw, _ = read_vetted(plain)
    assert raw.sheets[0].rows == [["Bar Centrale"]]


def test_a_legacy_xls_within_the_limit_passes_and_a_far_cell_is_refused(tmp_path):
    assert check_workbook(legacy_xls(tmp_path, 99, 9, (100, 10))) == "xls"
    problem = refusal(legacy_xls(tmp_path, 65535, 255))
    assert problem.code == "file-sheet-too-large"
    assert "IV65536" in problem.message("en") and "“Clienti”" in problem.message("en")


def test_an_xls_whose_workbook_stream_is_in_the_mini_stream_is_read_too(tmp_path):
    honest = legacy_xls(tmp_path, 99, 9, (100, 10), mini=True)
    assert read_cfb_streams(honest) == {"Workbook"}
    assert check_workbook(honest) == "xls"
    problem = refusal(legacy_xls(tmp_path, 65535, 255, mini=True))
    assert problem.code == "file-sheet-too-large" and "IV65536" in problem.message("en")


def test_the_xls_extent_walk_reads_a_cells_place_without_cutting_out_its_record(tmp_path, monkeypatch):
    """bench-L.xls is 1.6 million records, 1.07 million of them LABELSST: the guard cut each out
    and handed it up to read its first 4 bytes, 1.09 s of CPU before calamine could start, the
    .xls reader's extra over the .xlsx one (0.53 s read in place). The far cell is still found."""
    from toolkit.intake import guard

    def cut_out(pieces):
        raise AssertionError("every record of the Workbook stream cut out and handed up")

    monkeypatch.setattr(guard, "_biff_records", cut_out)
    assert check_workbook(legacy_xls(tmp_path, 99, 9, (100, 10))) == "xls"
    problem = refusal(legacy_xls(tmp_path, 65535, 255))
    assert problem.code == "file-sheet-too-large" and "IV65536" in problem.message("en")


def test_the_xls_extent_walk_finds_what_the_record_by_record_walk_found():
    """Random streams of cells, MULRK, DIMENSIONS, short and foreign records, two sheets, cut into
    sectors of random sizes: each sheet's reach and each range declared as `_biff_records` gave them
    (a MULRK's reach its first column and its last, the first counting where a sheet's grid begins;
    a STRING's the FORMULA's before it, A1 with none since the substream began or ended)."""
    import random

    from toolkit.intake import guard

    def reach_by_records(stream: bytes) -> list[tuple[int, int]]:
        reached, declared, rows, columns, formula = [], [], 0, 0, (1, 1)
        for _, kind, body in guard._biff_records(iter([stream])):
            if kind in guard._XLS_CELLS and len(body) >= 4:
                row, column = struct.unpack_from("<HH", body)
                rows, columns = max(rows, row + 1), max(columns, column + 1)
                formula = (row + 1, column + 1) if kind == 0x0006 else formula
            elif kind == 0x0207:
                rows, columns = max(rows, formula[0]), max(columns, formula[1])
            elif kind in guard._XLS_RANGES and len(body) >= 6:
                rows = max(rows, struct.unpack_from("<H", body)[0] + 1)
                columns = max(columns, struct.unpack_from("<H", body, 2)[0] + 1,
                              struct.unpack_from("<H", body, len(body) - 2)[0] + 1)
            elif kind == 0x0200 and len(body) in (10, 14):
                declared.append(guard.reserved_by(body))
            elif kind == 0x0809:
                reached.append((rows, columns))
                rows, columns, formula = 0, 0, (1, 1)
            elif kind == 0x000A:
                formula = (1, 1)
        return [*reached, (rows, columns), *declared]

    def reach_in_place(stream: bytes, cuts: list[int]) -> list[tuple[int, int]]:
        pieces = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)])]
        reached, declared, rows, columns = [], [], 0, 0
        for _, kind, row, column, _ in guard._xls_reaches(iter(pieces)):
            if kind == 0x0809:
                reached.append((rows, columns))
                rows, columns = 0, 0
            elif kind == 0x0200:
                declared.append((row, column))
            elif kind not in (0x0085, 0x000A):
                rows, columns = max(rows, row), max(columns, column)
        return [*reached, (rows, columns), *declared]

    chosen = random.Random(20)
    for _ in range(300):
        records = []
        for _ in range(chosen.randint(1, 40)):
            kind = chosen.choice([*guard._XLS_CELLS, *guard._XLS_RANGES, 0x0200, 0x0809, 0x0208, 0x003C, 0x0201, 0x00BE,
                                   0x0207, 0x000A])
            size = chosen.choice([10, 14]) if kind == 0x0200 and chosen.random() < 0.8 else chosen.randint(0, 20)
            records.append(biff(kind, bytes(chosen.randrange(256) for _ in range(size))))
        stream = b"".join(records)
        cuts = sorted(chosen.sample(range(1, len(stream)), min(3, len(stream) - 1))) if len(stream) > 1 else []
        assert reach_in_place(stream, cuts) == reach_by_records(stream)


def _dimensions(path: Path, first_row: int, last_row: int, last_column: int, *, short: bool = False) -> Path:
    """`path`'s DIMENSIONS record made to say rows `first_row` to `last_row` (0-based, the last
    exclusive) and columns A to `last_column`; with `short`, in BIFF5's 10 bytes (2-byte rows)."""
    data = bytearray(path.read_bytes())
    at = data.find(struct.pack("<HH", 0x0200, 14))
    body = (struct.pack("<HHHHH", first_row, last_row, 0, last_column, 0) + bytes(4) if short
            else struct.pack("<LLHHH", first_row, last_row, 0, last_column, 0))
    data[at + 4:at + 18] = body
    if short:
        struct.pack_into("<H", data, at + 2, 10)
        data[at + 14:at + 18] = struct.pack("<HH", 0x0000, 0)  # the 4 bytes left over: an empty record
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("short", [False, True])
def test_an_xls_whose_dimensions_run_backwards_is_refused_not_left_to_abort_the_process(tmp_path, short):
    """A 2 KB .xls whose DIMENSIONS record says rows 6 to 1 (Excel never writes it): calamine
    subtracts them in 32 bits, reserves room for four billion rows, 171 GB, and the allocation
    refused aborted the process (exit 134, a Rust backtrace, no message); the guard had read the
    last row alone, 1, and let it through. Refused naming the sheet and the range as it is declared."""
    path = _dimensions(legacy_xls(tmp_path, 1, 1), 5, 1, 1, short=short)
    problem = refusal(path)
    assert problem.code == "file-xls-declared-range"
    assert "the range A6:A1 in its sheet “Clienti”, which the .xls reader counts as 4,294,967,292 cells" in \
        problem.message("en")
    done = subprocess.run([sys.executable, "-m", "toolkit", "check", str(path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2, done.returncode
    assert "file-xls-declared-range" in done.stderr or "nel foglio «Clienti»" in done.stderr, done.stderr[-400:]


def test_an_xls_sheet_reaching_past_the_limit_around_an_embedded_chart_is_refused(tmp_path):
    """A NUMBER at A65536, an embedded chart (its own BOF and EOF, which calamine skips), a NUMBER
    at IV1: calamine builds the sheet's grid from both, 65,536 rows by 256 columns, a gigabyte.
    The chart's BOF began the reach again from nothing, as a sheet's does, and the sheet passed,
    its reach taken as 65,536 rows by one column, then one row by 256."""
    bof = struct.pack("<HHHHLL", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0)
    head = biff(0x0809, bof)
    sheet_at = len(head) + len(biff(0x0085, bytes(8 + 7))) + len(biff(0x000A))
    chart = biff(0x0809, bof[:2] + struct.pack("<H", 0x0020) + bof[4:]) + biff(0x0203, struct.pack("<HHHd", 0, 0, 15, 3.0))
    workbook = (head + biff(0x0085, struct.pack("<LBBBB", sheet_at, 0, 0, 7, 0) + b"Clienti") + biff(0x000A)
                + biff(0x0809, bof[:2] + struct.pack("<H", 0x0010) + bof[4:])
                + biff(0x0203, struct.pack("<HHHd", 65535, 0, 15, 1.0)) + chart + biff(0x000A)
                + biff(0x0203, struct.pack("<HHHd", 0, 255, 15, 2.0)) + biff(0x000A))
    problem = refusal(write_cfb(tmp_path / "Anagrafiche.xls", {"Workbook": workbook}))
    assert problem.code == "file-sheet-too-large"
    assert "in its sheet “Clienti” (16,777,216 cells, at most 10,000,000)" in problem.message("en")


def xlsb_record(kind: int, body: bytes = b"") -> bytes:
    """A BIFF12 record: type and size as 7-bit varints, then the body."""
    def varint(n: int) -> bytes:
        out = bytearray()
        while True:
            out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
            n >>= 7
            if not n:
                return bytes(out)
    return varint(kind) + varint(len(body)) + body


def xlsb(path: Path, sheet: bytes) -> Path:
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Override PartName="/xl/workbook.bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
        "</Types>"
    )
    return write_zip(path, {"[Content_Types].xml": types, "xl/workbook.bin": b"\x83\x01\x00",
                            "xl/worksheets/sheet1.bin": sheet})


def test_an_xlsb_sheet_is_bounded_by_its_records(tmp_path):
    dimension = xlsb_record(148, struct.pack("<4L", 0, 0, 0, 0))
    real = xlsb_record(5, struct.pack("<LLd", 0, 0, 1.0))
    rows = b"".join(xlsb_record(0, struct.pack("<L", r) + bytes(13)) + real for r in range(50))
    assert check_workbook(xlsb(tmp_path / "fits.xlsb", dimension + rows)) == "xlsb"
    far = dimension + rows + xlsb_record(0, struct.pack("<L", 1048575) + bytes(13)) + \
        xlsb_record(5, struct.pack("<LLd", 16383, 0, 2.0))
    problem = refusal(xlsb(tmp_path / "far.xlsb", far))
    assert problem.code == "file-sheet-too-large" and "XFD1048576" in problem.message("en")
    lying = xlsb_record(148, struct.pack("<4L", 0, 1048575, 0, 16383)) + rows
    assert check_workbook(xlsb(tmp_path / "declared.xlsb", lying)) == "xlsb", "a declared range is a hint"


# -- the small-package path reads parts from memory and decides as the stream does ------------

def _bad_crc_past_the_head(t: Path) -> Path:
    """A theme part whose checksum is wrong only past its first 4 KB, which is all the guard
    reads of it: the stream never sees the fault, and neither may the small-package path."""
    stored = rezip(xlsx(t / "src.xlsx"), t / "Anagrafiche.xlsx", compression=zipfile.ZIP_STORED)
    data = stored.read_bytes()
    at = data.index(b"<a:theme") + 6000
    stored.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1:])
    return stored


def _outcome(path: Path, limits: dict[str, int]) -> str:
    try:
        return check_workbook(path, **limits)
    except UnusableInput as exc:
        return f"{exc.problem.code}: {exc.problem.message('en')}"


@pytest.mark.parametrize("build, limits", [pytest.param(p.values[0], p.values[2], id=p.id) for p in REFUSALS]
                         + [pytest.param(lambda t: xlsx(t / "Anagrafiche.xlsx"), {}, id="passes"),
                            pytest.param(_bad_crc_past_the_head, {}, id="bad-crc-past-the-head")])
def test_small_packages_are_decided_as_on_the_stream(tmp_path, monkeypatch, build, limits):
    """Small files (every one here) are read whole into memory and their parts inflated once;
    with that path turned off, each file gets exactly the same answer."""
    from toolkit.intake import guard

    path = build(tmp_path)
    in_memory = _outcome(path, limits)
    monkeypatch.setattr(guard, "_SMALL_PACKAGE", -1)
    assert _outcome(path, limits) == in_memory
