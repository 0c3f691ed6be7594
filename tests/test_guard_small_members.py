"""The guard reads a small package's members straight from the bytes it holds
(`guard._clean_member`), and gives them back to zipfile whenever zipfile would not read them
as they are: flags zipfile refuses (compressed patched data, strong encryption) and a local
header whose UTF-8 flag disagrees with the central directory's, which makes zipfile read a
different name. Each such file gets the answer the stream path gives. The guard also hands
back the bytes it vetted, and a form's digest is taken from them."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest
from test_guard import _outcome, rezip, xlsx

from toolkit.intake import guard
from toolkit.intake.tables import digest, read_form_tables


def _set_flags(path: Path, member: str, *, central: int = 0, local: int = 0, clear_local: int = 0) -> Path:
    """`path` with general-purpose flag bits of `member` set in its central entry and its local
    header (or cleared in the local header)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        at, entry = zf.getinfo(member).header_offset, zf.start_dir
    flags = struct.unpack_from("<H", data, at + 6)[0]
    struct.pack_into("<H", data, at + 6, (flags | local) & ~clear_local)
    while True:
        name_length, extra_length, comment_length = struct.unpack_from("<3H", data, entry + 28)
        if bytes(data[entry + 46:entry + 46 + name_length]) == member.encode("utf-8"):
            break
        entry += 46 + name_length + extra_length + comment_length
    flags = struct.unpack_from("<H", data, entry + 8)[0]
    struct.pack_into("<H", data, entry + 8, flags | central)
    path.write_bytes(bytes(data))
    return path


def _patched(t: Path) -> Path:
    return _set_flags(xlsx(t / "Anagrafiche.xlsx"), "xl/worksheets/sheet1.xml", central=0x20, local=0x20)


def _strong(t: Path) -> Path:
    return _set_flags(xlsx(t / "Anagrafiche.xlsx"), "xl/worksheets/sheet1.xml", central=0x40, local=0x40)


def _local_name_not_utf8(t: Path) -> Path:
    src = rezip(xlsx(t / "src.xlsx"), t / "Anagrafiche.xlsx", {"xl/média.xml": b"<x/>"})
    return _set_flags(src, "xl/média.xml", clear_local=0x800)


@pytest.mark.parametrize("build", [_patched, _strong, _local_name_not_utf8])
def test_members_zipfile_would_not_read_as_they_are_go_back_to_it(tmp_path, monkeypatch, build):
    path = build(tmp_path)
    small = _outcome(path, {})
    monkeypatch.setattr(guard, "_SMALL_PACKAGE", -1)
    assert _outcome(path, {}) == small


def test_a_local_header_naming_the_member_otherwise_is_not_read_from_memory(tmp_path):
    path = _local_name_not_utf8(tmp_path)
    with guard._Package(path.open("rb")) as package:
        assert package.whole("xl/média.xml") is None
        assert package.whole("xl/workbook.xml") is not None
    assert _outcome(path, {}).startswith("file-corrupt")


def test_the_guard_hands_back_the_bytes_it_vetted(tmp_path, monkeypatch):
    path = xlsx(tmp_path / "Anagrafiche.xlsx")
    assert guard.vet_workbook(path) == guard.Vetted("xlsx", path.read_bytes())
    monkeypatch.setattr(guard, "_SMALL_PACKAGE", -1)
    assert guard.vet_workbook(path) == guard.Vetted("xlsx", None)


def test_a_forms_digest_is_the_files_whatever_the_path_it_was_read_by(tmp_path, monkeypatch):
    path = xlsx(tmp_path / "ordine.xlsx")
    raw, key = read_form_tables(path)
    assert key == digest(path) and raw.sheets[0].rows[1] == ["C001", "Bar Centrale S.n.c."]
    monkeypatch.setattr(guard, "_SMALL_PACKAGE", -1)
    assert read_form_tables(path) == (raw, key)
