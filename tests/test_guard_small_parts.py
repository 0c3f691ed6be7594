"""The guard parses a small package's parts with Python's C parser (`guard._small_tree`), not
defusedxml's: these are the parts that only the parse can catch, because the 4 KB head check
does not see their DTD (an encoding that hides it from a byte search), and the parts the head
check catches, given to the C parser directly. None is expanded: each goes back to the stream
parser, and the file gets the answer the defusedxml parse gave."""

from __future__ import annotations

import io
import zipfile

import pytest
from test_guard import BILLION_LAUGHS, _hostile, _outcome

from toolkit.intake import guard

HIDDEN = BILLION_LAUGHS.split(b"\n", 1)[1].decode()
"""The billion laughs without their XML declaration."""

PARTS = [
    pytest.param(HIDDEN.encode("utf-16-be"), id="utf-16-be-without-bom-or-declaration"),
    pytest.param(HIDDEN.encode("utf-16-le"), id="utf-16-le-without-bom-or-declaration"),
    pytest.param(b'<?xml version="1.0" encoding="cp500"?>' + HIDDEN.encode("cp500"), id="ebcdic"),
    pytest.param(BILLION_LAUGHS, id="billion-laughs"),
    pytest.param(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', id="xxe"),
    pytest.param(b'<!DOCTYPE x SYSTEM "http://example.com/x.dtd"><x/>', id="external-dtd"),
    pytest.param(b"<x>&e;</x>", id="undeclared-entity"),
]


@pytest.mark.parametrize("data", PARTS)
def test_the_c_parse_hands_every_hostile_part_back_to_the_stream(data):
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", data)
    with guard._Package(packed) as package:
        assert package.whole("xl/workbook.xml") == data
        assert guard._small_tree(package, "xl/workbook.xml") is None


@pytest.mark.parametrize("data", PARTS)
@pytest.mark.parametrize("member", ["xl/workbook.xml", "[Content_Types].xml"])
def test_a_hostile_part_is_refused_as_on_the_stream(tmp_path, monkeypatch, member, data):
    path = _hostile(member, data)(tmp_path)
    small = _outcome(path, {})
    assert small.startswith(("file-unsafe-xml", "file-corrupt")), small
    monkeypatch.setattr(guard, "_SMALL_PACKAGE", -1)
    assert _outcome(path, {}) == small


def test_a_utf_16_doctype_the_head_check_cannot_see_is_refused_as_unsafe(tmp_path):
    path = _hostile("xl/workbook.xml", HIDDEN.encode("utf-16-be"))(tmp_path)
    assert _outcome(path, {}).startswith("file-unsafe-xml")
