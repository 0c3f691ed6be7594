"""vbaProject.bin: read back by olevba, olefile and LibreOffice."""

from __future__ import annotations

import html
import io
import re
import shutil
import struct
import subprocess
import warnings
import zipfile
from pathlib import Path

import olefile
import pytest
import xlsxwriter

from toolkit.excel.vba import VbaModule, build_vba_project
from toolkit.excel.vba.bas import document_module, read_bas
from toolkit.excel.vba.cfb import build_compound_file, cfb_name_key
from toolkit.excel.vba.compression import decompress
from toolkit.excel.vba.project import module_text

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser


def long_module_source() -> str:
    body = ["Option Explicit", "", "' Calcoli sugli ordini: Quantità, Prezzo unitario, Sconto (€)", ""]
    n = 0
    while sum(len(line) + 1 for line in body) < 6_000:
        n += 1
        body += [
            f"Public Function TotaleRiga{n}(ByVal Quantità As Double, ByVal Prezzo As Double) As Double",
            f'    \' Riga {n}: perché lo sconto è già applicato, non si ricalcola',
            "    If Quantità <= 0 Then",
            f"        TotaleRiga{n} = 0",
            "    Else",
            f"        TotaleRiga{n} = Round(Quantità * Prezzo * (1 - {n} / 100), 2)",
            "    End If",
            "End Function",
            "",
        ]
    return "\n".join(body)


MODULES = [
    document_module("ThisWorkbook", "Private Sub Workbook_Open()\n    Application.StatusBar = \"Pronto\"\nEnd Sub\n"),
    document_module("Sheet1"),
    VbaModule("Module1", 'Sub Hello()\n    MsgBox "Hello from Module1"\nEnd Sub\n'),
    VbaModule("Calcoli", long_module_source()),
    VbaModule(
        "Utils",
        "Option Explicit\r\n\r\nPublic Function Doppio(x As Long) As Long\r\n    Doppio = 2 * x\r\nEnd Function",
    ),
]


@pytest.fixture(scope="module")
def project_bin() -> bytes:
    return build_vba_project(MODULES)


@pytest.fixture(scope="module")
def bin_path(project_bin: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("vba") / "vbaProject.bin"
    path.write_bytes(project_bin)
    return path


@pytest.fixture(scope="module")
def xlsm_path(bin_path: Path) -> Path:
    path = bin_path.with_name("macro.xlsm")
    workbook = xlsxwriter.Workbook(str(path))
    worksheet = workbook.add_worksheet()
    workbook.set_vba_name("ThisWorkbook")
    worksheet.set_vba_name("Sheet1")
    workbook.add_vba_project(str(bin_path))
    worksheet.write("A1", "Ordini")
    worksheet.insert_button("B3", {"macro": "Module1.Hello", "caption": "Hello"})
    workbook.close()
    return path


def code_lines(text: str) -> str:
    lines = text.replace("\r\n", "\n").split("\n")
    kept = [line for line in lines if not line.startswith("Attribute VB_")]
    return "\n".join(kept).strip("\n")


def extracted_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path), relaxed=False)
    try:
        return {Path(stream).name: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def test_module_stream_size_exceeds_the_old_ms_ovba_limit() -> None:
    assert len(MODULES[3].source.encode("cp1252")) > 5_000
    assert "à" in MODULES[3].source


@pytest.mark.parametrize("container", ["bin", "xlsm"])
def test_olevba_extracts_every_module_exactly(container: str, bin_path: Path, xlsm_path: Path) -> None:
    found = extracted_modules(bin_path if container == "bin" else xlsm_path)
    assert sorted(found) == sorted(m.name for m in MODULES)
    for module in MODULES:
        assert code_lines(found[module.name]) == code_lines(module.source), module.name
        assert found[module.name] == module_text(module), module.name


def test_olevba_sees_module_kinds_and_header_attributes(bin_path: Path) -> None:
    parser = VBA_Parser(str(bin_path), relaxed=False)
    try:
        files = {Path(stream).name: name for _, stream, name, _ in parser.extract_macros()}
        codes = {Path(stream).name: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()
    assert files["ThisWorkbook"] == "ThisWorkbook.cls"
    assert files["Module1"] == "Module1.bas"
    assert codes["Module1"].startswith('Attribute VB_Name = "Module1"\r\nSub Hello()\r\n')
    assert codes["Sheet1"].splitlines()[:3] == [
        'Attribute VB_Name = "Sheet1"',
        'Attribute VB_Base = "0{00020820-0000-0000-C000-000000000046}"',
        "Attribute VB_GlobalNameSpace = False",
    ]
    assert 'VB_Base = "0{00020819-0000-0000-C000-000000000046}"' in codes["ThisWorkbook"]
    assert "\n" not in codes["Utils"].replace("\r\n", "")


def test_build_is_deterministic(project_bin: bytes) -> None:
    assert build_vba_project(MODULES) == project_bin
    assert build_vba_project(MODULES, project_name="Altro") != project_bin


EXPECTED_STREAMS = {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir"} | {f"VBA/{m.name}" for m in MODULES}


def test_olefile_reads_back_every_stream(project_bin: bytes) -> None:
    ole = olefile.OleFileIO(io.BytesIO(project_bin), raise_defects=olefile.DEFECT_INCORRECT)
    streams = {"/".join(path) for path in ole.listdir(streams=True, storages=False)}
    assert streams == EXPECTED_STREAMS
    assert ole.listdir(streams=False, storages=True) == [["VBA"]]
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000000")
    for module in MODULES:
        text = decompress(ole.openstream(f"VBA/{module.name}").read()).decode("cp1252")
        assert text.startswith(f'Attribute VB_Name = "{module.name}"\r\n')
        assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert ole.openstream("PROJECTwm").read() == b"".join(
        m.name.encode() + b"\0" + m.name.encode("utf-16-le") + b"\0\0" for m in MODULES
    ) + b"\0\0"


def test_project_stream(project_bin: bytes) -> None:
    ole = olefile.OleFileIO(io.BytesIO(project_bin))
    lines = ole.openstream("PROJECT").read().decode("cp1252").split("\r\n")
    project_id = re.fullmatch(r'ID="(\{[0-9A-F-]{36}\})"', lines[0]).group(1)
    assert lines[1:6] == [
        "Document=ThisWorkbook/&H00000000",
        "Document=Sheet1/&H00000000",
        "Module=Module1",
        "Module=Calcoli",
        "Module=Utils",
    ]
    assert 'Name="VBAProject"' in lines and 'HelpContextID="0"' in lines
    values = dict(line.split("=", 1) for line in lines if line[:4] in ("CMG=", "DPB=", "GC=\""))
    assert deobfuscate(values["CMG"].strip('"'), project_id) == bytes(4)
    assert deobfuscate(values["DPB"].strip('"'), project_id) == b"\x00"
    assert deobfuscate(values["GC"].strip('"'), project_id) == b"\xff"
    assert "[Host Extender Info]" in lines and "[Workspace]" in lines
    assert "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000" in lines


def deobfuscate(hex_text: str, project_id: str) -> bytes:
    """Data Decryption, MS-OVBA 2.4.3.3, written out independently."""
    data = bytes.fromhex(hex_text)
    seed, version_enc, key_enc = data[:3]
    assert seed ^ version_enc == 2
    assert seed ^ key_enc == sum(project_id.encode()) & 0xFF
    plain_last, enc_last, enc_prev = seed ^ key_enc, key_enc, version_enc
    out = []
    for enc in data[3:]:
        byte = enc ^ ((enc_prev + plain_last) & 0xFF)
        out.append(byte)
        enc_prev, enc_last, plain_last = enc_last, enc, byte
    ignored = (seed & 6) // 2
    length = struct.unpack("<I", bytes(out[ignored : ignored + 4]))[0]
    payload = bytes(out[ignored + 4 :])
    assert len(payload) == length
    return payload


def dir_records(project_bin: bytes) -> list[tuple[int, bytes]]:
    ole = olefile.OleFileIO(io.BytesIO(project_bin))
    data = decompress(ole.openstream("VBA/dir").read())
    records, pos = [], 0
    while pos < len(data):
        record_id, size = struct.unpack_from("<HI", data, pos)
        if record_id == 0x0009:
            size = 6
        records.append((record_id, data[pos + 6 : pos + 6 + size]))
        pos += 6 + size
    return records


STDOLE_LIBID = b"*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation"


def test_dir_stream_records(project_bin: bytes) -> None:
    records = dir_records(project_bin)
    ids = [record_id for record_id, _ in records]
    assert ids[:14] == [0x01, 0x02, 0x14, 0x03, 0x04, 0x05, 0x40, 0x06, 0x3D, 0x07, 0x08, 0x09, 0x0C, 0x3C]
    values = dict(records[:5])
    assert struct.unpack("<I", values[0x01]) == (1,)
    assert struct.unpack("<I", values[0x02]) == (0x409,)
    assert struct.unpack("<I", values[0x14]) == (0x409,)
    assert struct.unpack("<H", values[0x03]) == (1252,)
    assert values[0x04] == b"VBAProject"
    libid = next(payload for record_id, payload in records if record_id == 0x0D)
    assert STDOLE_LIBID in libid
    assert (0x0F, struct.pack("<H", len(MODULES))) in records
    types = [record_id for record_id, _ in records if record_id in (0x21, 0x22)]
    assert types == [0x22, 0x22, 0x21, 0x21, 0x21]
    offsets = [payload for record_id, payload in records if record_id == 0x31]
    assert offsets == [bytes(4)] * len(MODULES)
    assert records[-1] == (0x10, b"")


def test_rejects_text_outside_the_code_page() -> None:
    with pytest.raises(ValueError, match="code page"):
        build_vba_project([VbaModule("Module1", 'MsgBox "Ωμέγα"')])


@pytest.mark.parametrize("name", ["1Module", "Mod ule", "X" * 32, "", "Dir", "Quantità"])
def test_rejects_bad_module_names(name: str) -> None:
    with pytest.raises(ValueError):
        VbaModule(name, "")


def test_rejects_duplicate_and_vb_name_in_source() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        build_vba_project([VbaModule("A", ""), VbaModule("a", "")])
    with pytest.raises(ValueError, match="VB_Name"):
        VbaModule("A", 'Attribute VB_Name = "A"\nSub X()\nEnd Sub')


def test_read_bas(tmp_path: Path) -> None:
    exported = tmp_path / "export.bas"
    text = 'Attribute VB_Name = "Ordini"\r\nOption Explicit\r\nSub Q()\r\n  q = "Quantità"\r\nEnd Sub\r\n'
    exported.write_bytes(text.encode("cp1252"))
    module = read_bas(exported)
    assert module == VbaModule("Ordini", 'Option Explicit\nSub Q()\n  q = "Quantità"\nEnd Sub\n', "standard")
    plain = tmp_path / "Helpers.bas"
    plain.write_text("Sub H()\nEnd Sub\n", encoding="utf-8")
    assert read_bas(plain) == VbaModule("Helpers", "Sub H()\nEnd Sub\n")
    assert document_module("Sheet2") == VbaModule("Sheet2", "", "document")


def test_read_bas_round_trips_through_the_project(tmp_path: Path) -> None:
    exported = tmp_path / "m.bas"
    exported.write_text('Attribute VB_Name = "Esportato"\nSub E()\n  Debug.Print "già"\nEnd Sub\n', encoding="utf-8")
    module = read_bas(exported)
    path = tmp_path / "vbaProject.bin"
    path.write_bytes(build_vba_project([document_module("ThisWorkbook"), module]))
    assert code_lines(extracted_modules(path)["Esportato"]) == code_lines(module.source)


RED = 0  # MS-CFB 2.6.1 Color Flag: 0x00 red, 0x01 black


def red_black_violations(ole: olefile.OleFileIO) -> list[str]:
    """Check every sibling tree against MS-CFB 2.6.4."""
    entries = {entry.sid: entry for entry in ole.direntries if entry is not None}
    problems = []

    def walk(sid: int, parent_red: bool) -> tuple[int, list[str]]:
        if sid == olefile.NOSTREAM:
            return 1, []
        entry = entries[sid]
        red = entry.color == RED
        if red and parent_red:
            problems.append(f"red {entry.name} under red parent")
        left_height, left = walk(entry.sid_left, red)
        right_height, right = walk(entry.sid_right, red)
        if left_height != right_height:
            problems.append(f"black height differs under {entry.name}")
        return left_height + (not red), left + [entry.name] + right

    for entry in entries.values():
        if entry.entry_type in (olefile.STGTY_ROOT, olefile.STGTY_STORAGE) and entry.sid_child != olefile.NOSTREAM:
            if entries[entry.sid_child].color == RED:
                problems.append(f"red tree root under {entry.name}")
            _, names = walk(entry.sid_child, False)
            if names != sorted(names, key=cfb_name_key) or len(set(map(cfb_name_key, names))) != len(names):
                problems.append(f"children of {entry.name} out of order: {names}")
    return problems


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 40])
def test_cfb_sibling_trees_are_red_black(count: int) -> None:
    streams = {f"S/{'n' * (i % 5 + 1)}{i}": bytes([i]) * i for i in range(count)}
    ole = olefile.OleFileIO(io.BytesIO(build_compound_file(streams)), raise_defects=olefile.DEFECT_INCORRECT)
    assert red_black_violations(ole) == []
    for path, data in streams.items():
        assert ole.openstream(path).read() == data


def test_vba_project_directory_tree_is_valid(project_bin: bytes) -> None:
    assert red_black_violations(olefile.OleFileIO(io.BytesIO(project_bin))) == []


def test_cfb_name_order_is_length_then_uppercase() -> None:
    names = ["dir", "PROJECT", "Sheet1", "_VBA_PROJECT", "ab", "AC", "b"]
    assert sorted(names, key=cfb_name_key) == ["b", "ab", "AC", "dir", "Sheet1", "PROJECT", "_VBA_PROJECT"]


def test_cfb_large_file_uses_difat() -> None:
    big = bytes(range(256)) * (8 * 1024 * 4)
    data = build_compound_file({"Big": big, "small": b"x"})
    fat_sectors, difat_start, difat_count = struct.unpack_from("<I", data, 0x2C) + struct.unpack_from("<II", data, 0x44)
    assert fat_sectors > 109 and difat_count == 1 and difat_start != 0xFFFFFFFE
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    assert ole.openstream("Big").read() == big
    assert ole.openstream("small").read() == b"x"


def test_cfb_header_and_determinism() -> None:
    streams = {"A": b"a" * 5000, "B/C": b"c"}
    data = build_compound_file(streams)
    assert data == build_compound_file(dict(reversed(list(streams.items()))))
    assert data[:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    assert struct.unpack_from("<HHHHH", data, 0x18) == (0x3E, 3, 0xFFFE, 9, 6)
    assert len(data) % 512 == 0


@pytest.mark.parametrize("path", ["a/" + "x" * 32, "bad:name", "A/B", "a//b"])
def test_cfb_rejects_bad_paths(path: str) -> None:
    with pytest.raises(ValueError):
        build_compound_file({"a": b"1", path: b"2"} if path == "A/B" else {path: b""})


def test_libreoffice_opens_the_xlsm(xlsm_path: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not on PATH; cannot check that it opens the .xlsm")
    out = tmp_path / "out"
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "ods",
            "--outdir",
            str(out),
            str(xlsm_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    ods = out / "macro.ods"
    assert ods.exists(), result.stdout + result.stderr
    with zipfile.ZipFile(ods) as archive:
        content = archive.read("content.xml").decode()
        for module in MODULES:
            xml = archive.read(f"Basic/VBAProject/{module.name}.xml").decode()
            text = html.unescape(re.search(r"<script:module[^>]*>(.*)</script:module>", xml, re.S).group(1))
            assert code_lines(module.source) in text.replace("\r\n", "\n"), module.name
    assert 'form:label="Hello"' in content
    assert "vnd.sun.star.script:VBAProject.Module1.Hello?language=Basic&amp;location=document" in content
