"""Build ``vbaProject.bin`` (MS-OVBA 2.2) from VBA source text.

The project storage holds (MS-OVBA 2.2.1-2.3):

* ``PROJECT`` - the text description of the project (2.3.1),
* ``PROJECTwm`` - module names in MBCS and UTF-16 (2.3.3),
* ``VBA/_VBA_PROJECT`` - a 7-byte header with *no* performance cache
  (2.3.4.1), which tells the host to compile the modules from source,
* ``VBA/dir`` - the compressed binary project information (2.3.4.2),
* ``VBA/<module>`` - each module's compressed source (2.3.4.3).

Everything is derived from the input, so equal input gives equal bytes.
"""

from __future__ import annotations

import re
import struct
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .cfb import build_compound_file
from .compression import compress

__all__ = ["VbaModule", "build_vba_project", "module_text"]

ModuleKind = Literal["standard", "document", "class"]

_RESERVED = {"dir", "_vba_project"}
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}\Z")
_LCID = 0x0409
_WIN32 = 0x00000001
_STDOLE = (
    "stdole",
    "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation",
)
_WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
_WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
_CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
_CLASS_DEFAULTS = {
    "VB_GlobalNameSpace": "False",
    "VB_Creatable": "False",
    "VB_PredeclaredId": "False",
    "VB_Exposed": "False",
    "VB_TemplateDerived": "False",
    "VB_Customizable": "False",
}
_HEADER_ATTRIBUTE = re.compile(r"\s*Attribute\s+(VB_\w+)\s*=\s*(.*?)\s*\Z", re.IGNORECASE)
_VBE_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
_UNPROTECTED = bytes(4)
_NO_PASSWORD = b"\x00"
_VISIBLE = b"\xff"
_ID_NAMESPACE = uuid.UUID("6f1b7c1e-3a57-4c38-9a53-2d0c4b1f6a10")


@dataclass(frozen=True)
class VbaModule:
    """One VBA module: its name, its source (no ``Attribute VB_Name`` line)
    and whether it is a standard (procedural), a document or a class module.

    A document module is the code behind a workbook or sheet; its name must
    match the object's code name (``ThisWorkbook``, ``Sheet1``, ...).  A
    class module's source may start with its own header attributes
    (``Attribute VB_Exposed = True``, ``VB_Description``...), as a ``.cls``
    export has them; see :func:`module_text`.
    """

    name: str
    source: str
    kind: ModuleKind = "standard"

    def __post_init__(self) -> None:
        if not _IDENTIFIER.match(self.name):
            raise ValueError(f"not a VBA module name (letter, then letters, digits, _; max 31): {self.name!r}")
        if self.name.lower() in _RESERVED:
            raise ValueError(f"module name {self.name!r} would clash with the VBA/dir stream (MS-OVBA 2.3.4)")
        if self.kind not in ("standard", "document", "class"):
            raise ValueError(f"module kind must be 'standard', 'document' or 'class', not {self.kind!r}")
        if re.search(r"(?im)^\s*Attribute\s+VB_Name\b", self.source):
            raise ValueError(f"module {self.name}: leave out 'Attribute VB_Name'; it is added when building")


def build_vba_project(
    modules: Sequence[VbaModule], project_name: str = "VBAProject", codepage: int = 1252
) -> bytes:
    """Return the bytes of a ``vbaProject.bin`` holding ``modules``.

    Text is stored in the project's ANSI code page (MS-OVBA 2.3.4.2.1.4);
    a character it cannot represent raises ``ValueError``.
    """
    if not _IDENTIFIER.match(project_name):
        raise ValueError(f"not a VBA project name: {project_name!r}")
    seen: set[str] = set()
    for module in modules:
        if module.name.lower() in seen or module.name.lower() == project_name.lower():
            raise ValueError(f"duplicate name in VBA project: {module.name!r}")
        seen.add(module.name.lower())
    encoding = _codec(codepage)
    project_id = "{" + str(uuid.uuid5(_ID_NAMESPACE, project_name)).upper() + "}"
    streams = {
        "PROJECT": _project_stream(modules, project_name, project_id, encoding),
        "PROJECTwm": _projectwm_stream(modules, encoding),
        "VBA/_VBA_PROJECT": _vba_project_stream(),
        "VBA/dir": compress(_dir_stream(modules, project_name, codepage, encoding)),
    }
    for module in modules:
        streams[f"VBA/{module.name}"] = compress(_encode(module_text(module), encoding, module.name))
    return build_compound_file(streams)


def module_text(module: VbaModule) -> str:
    """The decompressed module source (MS-OVBA 2.3.4.3): attribute header
    lines, then the code, every line ending in CRLF.

    A document module's ``VB_Base`` names the Excel class it extends: the
    Workbook class for ``ThisWorkbook``, the Worksheet class for any other
    name (chart sheets are not supported).

    A class module gets the header the VBA editor stores for one: its
    ``VB_Base``, then the six flags with the editor's defaults for a new
    private class, overridden by the header attributes the source starts
    with; other header attributes (``VB_Description``) follow them.
    """
    lines = [f'Attribute VB_Name = "{module.name}"']
    code = module.source.replace("\r\n", "\n").replace("\r", "\n")
    if module.kind == "class":
        header, code = _class_header(code)
        lines += header
    if module.kind == "document":
        base = _WORKBOOK_BASE if module.name.lower() == "thisworkbook" else _WORKSHEET_BASE
        lines += [
            f'Attribute VB_Base = "{base}"',
            "Attribute VB_GlobalNameSpace = False",
            "Attribute VB_Creatable = False",
            "Attribute VB_PredeclaredId = True",
            "Attribute VB_Exposed = True",
            "Attribute VB_TemplateDerived = False",
            "Attribute VB_Customizable = True",
        ]
    if code:
        lines += code.removesuffix("\n").split("\n")
    return "".join(line + "\r\n" for line in lines)


def _class_header(code: str) -> tuple[list[str], str]:
    """A class module's header lines, and the code after the source's own header."""
    values = dict(_CLASS_DEFAULTS)
    extra: list[str] = []
    rest = code.split("\n")
    while rest and (match := _HEADER_ATTRIBUTE.match(rest[0])):
        key = next((k for k in values if k.lower() == match.group(1).lower()), None)
        if key is not None:
            values[key] = match.group(2)
        elif match.group(1).lower() != "vb_base":
            extra.append(f"Attribute {match.group(1)} = {match.group(2)}")
        rest.pop(0)
    header = [f'Attribute VB_Base = "{_CLASS_BASE}"'] + [f"Attribute {k} = {v}" for k, v in values.items()]
    return header + extra, "\n".join(rest)


def _vba_project_stream() -> bytes:
    """_VBA_PROJECT (MS-OVBA 2.3.4.1): Reserved1 0x61CC, Version 0xFFFF,
    Reserved2 0x00, Reserved3 0x0000 and no PerformanceCache, so the host
    ignores cached p-code and compiles from source."""
    return struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0000)


def _dir_stream(modules: Sequence[VbaModule], name: str, codepage: int, encoding: str) -> bytes:
    """The decompressed ``dir`` stream (MS-OVBA 2.3.4.2)."""
    return (
        _information_records(name, codepage, encoding)
        + _reference_records(encoding)
        + _module_records(modules, encoding)
        + struct.pack("<HI", 0x0010, 0)
    )


def _information_records(name: str, codepage: int, encoding: str) -> bytes:
    """PROJECTINFORMATION (2.3.4.2.1)."""
    return b"".join(
        [
            _record(0x0001, struct.pack("<I", _WIN32)),
            _record(0x0002, struct.pack("<I", _LCID)),
            _record(0x0014, struct.pack("<I", _LCID)),
            _record(0x0003, struct.pack("<H", codepage)),
            _record(0x0004, _encode(name, encoding, "project name")),
            _dual_record(0x0005, 0x0040, ""),
            _record(0x0006, b"") + _record(0x003D, b""),
            _record(0x0007, struct.pack("<I", 0)),
            _record(0x0008, struct.pack("<I", 0)),
            struct.pack("<HIIH", 0x0009, 4, 1, 0),
            _dual_record(0x000C, 0x003C, ""),
        ]
    )


def _reference_records(encoding: str) -> bytes:
    """PROJECTREFERENCES (2.3.4.2.2): REFERENCENAME + REFERENCEREGISTERED."""
    name, libid = _STDOLE
    libid_bytes = _encode(libid, encoding, "reference")
    registered = struct.pack("<I", len(libid_bytes)) + libid_bytes + struct.pack("<IH", 0, 0)
    return _dual_record(0x0016, 0x003E, name, encoding) + _record(0x000D, registered)


def _module_records(modules: Sequence[VbaModule], encoding: str) -> bytes:
    """PROJECTMODULES (2.3.4.2.3) with one MODULE record (2.3.4.2.3.2) each."""
    out = [
        _record(0x000F, struct.pack("<H", len(modules))),
        _record(0x0013, struct.pack("<H", 0xFFFF)),
    ]
    for module in modules:
        raw = _encode(module.name, encoding, module.name)
        out += [
            _record(0x0019, raw),
            _record(0x0047, module.name.encode("utf-16-le")),
            _dual_record(0x001A, 0x0032, module.name, encoding),
            _dual_record(0x001C, 0x0048, ""),
            _record(0x0031, struct.pack("<I", 0)),
            _record(0x001E, struct.pack("<I", 0)),
            _record(0x002C, struct.pack("<H", 0xFFFF)),
            struct.pack("<HI", 0x0021 if module.kind == "standard" else 0x0022, 0),
            struct.pack("<HI", 0x002B, 0),
        ]
    return b"".join(out)


def _record(record_id: int, payload: bytes) -> bytes:
    return struct.pack("<HI", record_id, len(payload)) + payload


def _dual_record(record_id: int, unicode_id: int, text: str, encoding: str = "ascii") -> bytes:
    """A record whose text is stored twice: MBCS, then UTF-16 under a
    second id (e.g. PROJECTDOCSTRING 2.3.4.2.1.6, MODULESTREAMNAME 2.3.4.2.3.2.3)."""
    return _record(record_id, _encode(text, encoding, text)) + _record(unicode_id, text.encode("utf-16-le"))


def _projectwm_stream(modules: Sequence[VbaModule], encoding: str) -> bytes:
    """PROJECTwm (MS-OVBA 2.3.3): NUL-terminated MBCS and UTF-16 names."""
    names = b"".join(
        _encode(m.name, encoding, m.name) + b"\0" + m.name.encode("utf-16-le") + b"\0\0" for m in modules
    )
    return names + b"\0\0"


def _project_stream(modules: Sequence[VbaModule], name: str, project_id: str, encoding: str) -> bytes:
    """PROJECT (MS-OVBA 2.3.1), in the order of the ABNF of 2.3.1.1.

    CMG, DPB and GC hold "unprotected", "no password" and "visible",
    obfuscated per 2.4.3.2 with fixed seeds so the output is stable.
    """
    lines = [f'ID="{project_id}"']
    for module in modules:
        if module.kind == "document":
            lines.append(f"Document={module.name}/&H00000000")
        elif module.kind == "class":
            lines.append(f"Class={module.name}")
        else:
            lines.append(f"Module={module.name}")
    lines += [
        f'Name="{name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{_obfuscate(_UNPROTECTED, project_id, seed=0x35)}"',
        f'DPB="{_obfuscate(_NO_PASSWORD, project_id, seed=0x4B)}"',
        f'GC="{_obfuscate(_VISIBLE, project_id, seed=0x61)}"',
        "",
        "[Host Extender Info]",
        _VBE_EXTENDER,
        "",
        "[Workspace]",
    ]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return _encode("".join(line + "\r\n" for line in lines), encoding, "PROJECT stream")


def _obfuscate(data: bytes, project_id: str, seed: int) -> str:
    """Data Encryption (MS-OVBA 2.4.3.2), returned as upper-case hex.

    Each byte is XORed with the sum of the next-to-last encrypted byte and
    the last plain byte; the "ignored" filler bytes are zero here.
    """
    version = 2
    key = sum(project_id.encode("ascii")) & 0xFF
    out = bytearray([seed, seed ^ version, seed ^ key])
    plain_last, enc_last, enc_prev = key, out[2], out[1]
    filler = bytes((seed & 6) // 2)
    for byte in filler + struct.pack("<I", len(data)) + data:
        enc = byte ^ ((enc_prev + plain_last) & 0xFF)
        out.append(enc)
        enc_prev, enc_last, plain_last = enc_last, enc, byte
    return out.hex().upper()


def _codec(codepage: int) -> str:
    name = f"cp{codepage}"
    try:
        "".encode(name)
    except LookupError:
        raise ValueError(f"unsupported code page: {codepage}") from None
    return name


def _encode(text: str, encoding: str, what: str) -> bytes:
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        bad = text[exc.start : exc.end]
        raise ValueError(f"{what}: {bad!r} cannot be written in code page {encoding}") from None
