"""A minimal, deterministic MS-CFB writer (compound file version 3).

``vbaProject.bin`` is a compound file: a little FAT file system inside one
file.  This module writes one from a mapping of stream paths to bytes,
e.g. ``{"PROJECT": b"...", "VBA/dir": b"..."}``; storages are implied by
the paths.  It writes the layout MS-CFB 2.2 describes for version 3
(512-byte sectors):

``header | FAT sectors | DIFAT sectors | directory | miniFAT | mini stream | streams``

Streams shorter than 4096 bytes live in the mini stream (64-byte mini
sectors, MS-CFB 2.5), the rest in regular sectors chained by the FAT
(2.3).  More than 109 FAT sectors spill into DIFAT sectors (2.5).  Every
storage's children form a red-black tree ordered as in 2.6.4.  Timestamps
and CLSIDs are zero, so equal input gives equal bytes.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["build_compound_file", "cfb_name_key"]

SECTOR = 512
MINI_SECTOR = 64
MINI_STREAM_CUTOFF = 4096
_IDS_PER_SECTOR = SECTOR // 4
_HEADER_DIFAT = 109
_DIR_ENTRY = 128

_ENDOFCHAIN = 0xFFFFFFFE
_FREESECT = 0xFFFFFFFF
_FATSECT = 0xFFFFFFFD
_DIFSECT = 0xFFFFFFFC
_NOSTREAM = 0xFFFFFFFF

_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1
_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_FORBIDDEN = set("/\\:!")


def cfb_name_key(name: str) -> tuple[int, str]:
    """Sort key of sibling names (MS-CFB 2.6.4): length first, then uppercase.

    Length counts UTF-16 code units; characters are upper-cased one by one
    (simple case mapping), so ``"ß"`` stays ``"ß"``.
    """
    upper = "".join(c.upper() if len(c.upper()) == 1 else c for c in name)
    return len(name.encode("utf-16-le")) // 2, upper


@dataclass
class _Node:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Node] = field(default_factory=dict)
    sid: int = 0
    left: int = _NOSTREAM
    right: int = _NOSTREAM
    child: int = _NOSTREAM
    color: int = _BLACK
    start: int = _ENDOFCHAIN


def build_compound_file(streams: Mapping[str, bytes]) -> bytes:
    """Return the bytes of a compound file holding ``streams``.

    Keys are ``/``-separated paths below the root storage; each element
    must be 1-31 UTF-16 code units without ``/ \\ : !`` (MS-CFB 2.6.1), and
    siblings must differ case-insensitively.
    """
    root = _tree(streams)
    nodes = _number(root)
    small = [n for n in nodes if n.kind == _STREAM and len(n.data) < MINI_STREAM_CUTOFF]
    large = [n for n in nodes if n.kind == _STREAM and len(n.data) >= MINI_STREAM_CUTOFF]

    mini_stream, mini_fat = _mini_allocate(small)
    dir_sectors = _sectors(len(nodes) * _DIR_ENTRY)
    minifat_sectors = _sectors(len(mini_fat) * 4)
    ministream_sectors = _sectors(len(mini_stream))
    large_sectors = [_sectors(len(n.data)) for n in large]
    payload = dir_sectors + minifat_sectors + ministream_sectors + sum(large_sectors)
    fat_count, difat_count = _fat_size(payload)

    fat: list[int] = []
    fat_ids = _claim(fat, fat_count, _FATSECT)
    difat_ids = _claim(fat, difat_count, _DIFSECT)
    dir_start = _chain(fat, dir_sectors)
    minifat_start = _chain(fat, minifat_sectors)
    root.start = _chain(fat, ministream_sectors)
    for node, count in zip(large, large_sectors):
        node.start = _chain(fat, count)
    fat += [_FREESECT] * (fat_count * _IDS_PER_SECTOR - len(fat))

    body = [
        _pack_ids(fat),
        _difat_sectors(fat_ids, difat_ids),
        _pad(b"".join(_entry(n, len(mini_stream)) for n in nodes) + _unused_entries(len(nodes))),
        _pad(_pack_ids(mini_fat), fill=b"\xff"),
        _pad(mini_stream),
        *(_pad(n.data) for n in large),
    ]
    header = _header(
        fat_ids=fat_ids,
        dir_start=dir_start,
        minifat_start=minifat_start,
        minifat_count=minifat_sectors,
        difat_ids=difat_ids,
    )
    return header + b"".join(body)


def _tree(streams: Mapping[str, bytes]) -> _Node:
    root = _Node("Root Entry", _ROOT)
    for path, data in streams.items():
        parts = path.split("/")
        node = root
        for depth, part in enumerate(parts):
            _check_name(part, path)
            kind = _STREAM if depth == len(parts) - 1 else _STORAGE
            key = cfb_name_key(part)[1]
            existing = node.children.get(key)
            if existing is None:
                existing = node.children[key] = _Node(part, kind)
            elif existing.kind != kind or kind == _STREAM or existing.name != part:
                raise ValueError(f"conflicting compound file path: {path!r}")
            node = existing
        node.data = bytes(data)
    return root


def _check_name(name: str, path: str) -> None:
    units = len(name.encode("utf-16-le")) // 2
    if not 1 <= units <= 31 or _FORBIDDEN & set(name):
        raise ValueError(f"invalid compound file name {name!r} in {path!r}")


def _number(root: _Node) -> list[_Node]:
    """Give every entry its directory index (breadth first) and link the trees."""
    nodes = [root]
    pending = [root]
    while pending:
        storage = pending.pop(0)
        children = sorted(storage.children.values(), key=lambda n: cfb_name_key(n.name))
        for child in children:
            child.sid = len(nodes)
            nodes.append(child)
        storage.child = _link(children, 0, len(children), depth=0, height=_height(len(children)))
        pending.extend(c for c in children if c.kind == _STORAGE)
    return nodes


def _height(count: int) -> int:
    return count.bit_length()


def _link(items: list[_Node], lo: int, hi: int, depth: int, height: int) -> int:
    """Balanced search tree over ``items[lo:hi]``; returns the root's index.

    Nodes on the deepest, possibly incomplete level are red and all others
    black, so every path has the same number of black nodes, no red node
    has a red child, and the root is black (MS-CFB 2.6.4).
    """
    if lo >= hi:
        return _NOSTREAM
    mid = (lo + hi) // 2
    node = items[mid]
    node.left = _link(items, lo, mid, depth + 1, height)
    node.right = _link(items, mid + 1, hi, depth + 1, height)
    node.color = _RED if depth == height - 1 and depth > 0 else _BLACK
    return node.sid


def _mini_allocate(small: list[_Node]) -> tuple[bytes, list[int]]:
    """Lay the small streams into the mini stream and build the miniFAT."""
    mini_fat: list[int] = []
    chunks = []
    for node in small:
        count = -(-len(node.data) // MINI_SECTOR)
        node.start = _chain(mini_fat, count)
        chunks.append(node.data + b"\0" * (count * MINI_SECTOR - len(node.data)))
    return b"".join(chunks), mini_fat


def _fat_size(payload: int) -> tuple[int, int]:
    """Smallest FAT (and DIFAT) that also maps its own sectors."""
    fat = difat = 0
    while True:
        need = -(-(payload + fat + difat) // _IDS_PER_SECTOR)
        need_difat = max(0, -(-(need - _HEADER_DIFAT) // (_IDS_PER_SECTOR - 1)))
        if (need, need_difat) == (fat, difat):
            return fat, difat
        fat, difat = need, need_difat


def _claim(table: list[int], count: int, marker: int) -> list[int]:
    first = len(table)
    table.extend([marker] * count)
    return list(range(first, first + count))


def _chain(table: list[int], count: int) -> int:
    """Append a chain of ``count`` consecutive sectors; return its start."""
    if count == 0:
        return _ENDOFCHAIN
    first = len(table)
    table.extend(range(first + 1, first + count))
    table.append(_ENDOFCHAIN)
    return first


def _sectors(size: int) -> int:
    return -(-size // SECTOR)


def _pad(data: bytes, fill: bytes = b"\0") -> bytes:
    return data + fill * (-len(data) % SECTOR)


def _pack_ids(ids: list[int]) -> bytes:
    return struct.pack(f"<{len(ids)}I", *ids)


def _difat_sectors(fat_ids: list[int], difat_ids: list[int]) -> bytes:
    """DIFAT sectors (MS-CFB 2.5): 127 FAT locations and a next pointer each."""
    rest = fat_ids[_HEADER_DIFAT:]
    out = []
    for i in range(len(difat_ids)):
        ids = rest[i * 127 : (i + 1) * 127]
        ids += [_FREESECT] * (127 - len(ids))
        nxt = difat_ids[i + 1] if i + 1 < len(difat_ids) else _ENDOFCHAIN
        out.append(_pack_ids(ids + [nxt]))
    return b"".join(out)


def _entry(node: _Node, mini_stream_size: int) -> bytes:
    """One 128-byte directory entry (MS-CFB 2.6.1)."""
    name = (node.name + "\0").encode("utf-16-le")
    if node.kind == _ROOT:
        start, size = node.start, mini_stream_size
    elif node.kind == _STORAGE:
        start, size = 0, 0
    else:
        start, size = (node.start if node.data else _ENDOFCHAIN), len(node.data)
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name,
        len(name),
        node.kind,
        node.color,
        node.left,
        node.right,
        node.child,
        b"\0" * 16,
        0,
        0,
        0,
        start,
        size,
    )


def _unused_entries(used: int) -> bytes:
    """Free directory slots: all zero but the three links (MS-CFB 2.6.3)."""
    free = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM, b"", 0, 0, 0, 0, 0)
    return free * (-used % (SECTOR // _DIR_ENTRY))


def _header(
    *, fat_ids: list[int], dir_start: int, minifat_start: int, minifat_count: int, difat_ids: list[int]
) -> bytes:
    """The 512-byte compound file header (MS-CFB 2.2), version 3.0x3E."""
    difat = fat_ids[:_HEADER_DIFAT] + [_FREESECT] * (_HEADER_DIFAT - min(len(fat_ids), _HEADER_DIFAT))
    return (
        _SIGNATURE
        + b"\0" * 16
        + struct.pack(
            "<HHHHH6sIIIIIIIII",
            0x003E,
            0x0003,
            0xFFFE,
            9,
            6,
            b"",
            0,
            len(fat_ids),
            dir_start,
            0,
            MINI_STREAM_CUTOFF,
            minifat_start,
            minifat_count,
            difat_ids[0] if difat_ids else _ENDOFCHAIN,
            len(difat_ids),
        )
        + _pack_ids(difat)
    )
