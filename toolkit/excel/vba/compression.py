"""MS-OVBA 2.4.1 compression: the LZ77 variant that wraps every VBA stream.

The ``dir`` stream and each module's source are stored as a
CompressedContainer (2.4.1.1.1): a signature byte ``0x01`` followed by
CompressedChunks, each encoding up to 4096 bytes of input.  A chunk is a
2-byte header (2.4.1.1.5) and either TokenSequences (a flag byte and up
to eight literal or copy tokens, 2.4.1.1.7) or, when tokens would not fit
in 4096 bytes, the raw input (2.4.1.3.10).

The compressor follows the pseudocode of 2.4.1.3.6-2.4.1.3.9 exactly,
including the matching rule of 2.4.1.3.19.4 (the longest match, the
nearest candidate on ties), so it reproduces the byte arrays published in
section 3.2:

>>> compress(b"abcdefghijklmnopqrstuv.").hex(" ")
'01 19 b0 00 61 62 63 64 65 66 67 68 00 69 6a 6b 6c 6d 6e 6f 70 00 71 72 73 74 75 76 2e'
>>> compress(b"a" * 73).hex(" ")
'01 03 b0 02 61 45 00'
>>> decompress(bytes.fromhex("01 03 b0 02 61 45 00")) == b"a" * 73
True
"""

from __future__ import annotations

import struct
from bisect import bisect_left
from collections import defaultdict

__all__ = ["compress", "decompress", "CHUNK_SIZE"]

CHUNK_SIZE = 4096
_SIGNATURE = 0x01
_MAX_CHUNK_BYTES = 4098
_MIN_MATCH = 3
_RAW_HEADER = 0x3000 | (_MAX_CHUNK_BYTES - 3)


def compress(data: bytes) -> bytes:
    """Compress ``data`` into a CompressedContainer (MS-OVBA 2.4.1.3.6).

    One deviation from the letter of 2.4.1.3.10: a *final* chunk that does
    not compress (3,641 to 4,095 bytes with almost no repeats, which never
    happens for source text) is written raw without the zero padding the
    spec appends, because padding would add NUL bytes to the decompressed
    stream.  Its header still declares a full raw chunk, which readers such
    as olevba expect, and :func:`decompress` stops at the container's end.
    """
    data = bytes(data)
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), CHUNK_SIZE):
        out += _compress_chunk(data, start, min(start + CHUNK_SIZE, len(data)))
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """Decompress a CompressedContainer (MS-OVBA 2.4.1.3.1).

    Raises ``ValueError`` on a wrong signature byte or chunk signature, or
    on a copy token that points before the start of its chunk.
    """
    container = bytes(container)
    if not container or container[0] != _SIGNATURE:
        raise ValueError("not an MS-OVBA CompressedContainer (signature byte must be 0x01)")
    out = bytearray()
    pos = 1
    while pos < len(container):
        if pos + 2 > len(container):
            raise ValueError(f"truncated chunk header at offset {pos}")
        (header,) = struct.unpack_from("<H", container, pos)
        if (header >> 12) & 0b111 != 0b011:
            raise ValueError(f"bad CompressedChunkSignature at offset {pos}")
        end = min(len(container), pos + (header & 0x0FFF) + 3)
        if header & 0x8000:
            _decompress_tokens(container, pos + 2, end, out)
            pos = end
        else:
            out += container[pos + 2 : pos + 2 + CHUNK_SIZE]
            pos += 2 + CHUNK_SIZE
    return bytes(out)


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    """Compressing a DecompressedChunk (2.4.1.3.7): tokens, else raw.

    The token data may take at most 4096 bytes; as soon as the next token
    would not fit, the chunk is written raw instead (2.4.1.3.9, 2.4.1.3.10).
    """
    raw = struct.pack("<H", _RAW_HEADER) + data[start:end]
    budget = _MAX_CHUNK_BYTES - 2
    body = bytearray()
    finder = _MatchFinder(data, start, end)
    current = start
    while current < end:
        if len(body) >= budget:
            return raw
        flag_index = len(body)
        body.append(0)
        for bit in range(8):
            if current >= end:
                break
            offset, length = finder.match(current)
            size = 2 if length else 1
            if len(body) + size > budget:
                return raw
            if length:
                body += struct.pack("<H", _pack_copy_token(current - start, offset, length))
                body[flag_index] |= 1 << bit
                current += length
            else:
                body.append(data[current])
                current += 1
    return struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + bytes(body)


def _decompress_tokens(container: bytes, pos: int, end: int, out: bytearray) -> None:
    """Decompressing a CompressedChunk's TokenSequences (2.4.1.3.2, 2.4.1.3.4)."""
    chunk_start = len(out)
    while pos < end:
        flags = container[pos]
        pos += 1
        for bit in range(8):
            if pos >= end:
                break
            if not flags & (1 << bit):
                out.append(container[pos])
                pos += 1
                continue
            if pos + 2 > end:
                raise ValueError("truncated copy token")
            (token,) = struct.unpack_from("<H", container, pos)
            pos += 2
            offset, length = _unpack_copy_token(len(out) - chunk_start, token)
            source = len(out) - offset
            if source < chunk_start:
                raise ValueError("copy token points before the start of its chunk")
            if offset >= length:
                out += out[source : source + length]
            else:
                for i in range(length):
                    out.append(out[source + i])


def _bit_count(position: int) -> int:
    """CopyToken Help (2.4.1.3.19.1): offset bits for a position in a chunk."""
    return max((position - 1).bit_length(), 4)


def _max_length(position: int) -> int:
    return (0xFFFF >> _bit_count(position)) + 3


def _pack_copy_token(position: int, offset: int, length: int) -> int:
    """Pack CopyToken (2.4.1.3.19.3)."""
    bits = _bit_count(position)
    return ((offset - 1) << (16 - bits)) | (length - 3)


def _unpack_copy_token(position: int, token: int) -> tuple[int, int]:
    """Unpack CopyToken (2.4.1.3.19.2): returns (offset, length)."""
    bits = _bit_count(position)
    return (token >> (16 - bits)) + 1, (token & (0xFFFF >> bits)) + 3


class _MatchFinder:
    """Matching (2.4.1.3.19.4) over one chunk, without the quadratic scan.

    The spec tries every earlier position of the chunk, nearest first, and
    keeps a candidate only when it is strictly longer than the best so far.
    A match shorter than three bytes is never used, so only candidates that
    share the first three bytes can win: indexing the chunk by those three
    bytes and walking each list nearest-first picks the same candidate.
    """

    def __init__(self, data: bytes, start: int, end: int) -> None:
        self._data = data
        self._start = start
        self._end = end
        index: dict[bytes, list[int]] = defaultdict(list)
        for pos in range(start, end - _MIN_MATCH + 1):
            index[data[pos : pos + _MIN_MATCH]].append(pos)
        self._index = index

    def match(self, current: int) -> tuple[int, int]:
        """Return (offset, length) of the match at ``current``, or (0, 0)."""
        if current + _MIN_MATCH > self._end:
            return 0, 0
        candidates = self._index[self._data[current : current + _MIN_MATCH]]
        limit = self._end - current
        best_length = 0
        best = current
        for i in range(bisect_left(candidates, current) - 1, -1, -1):
            candidate = candidates[i]
            length = self._common_prefix(candidate, current, limit)
            if length > best_length:
                best_length, best = length, candidate
                if length == limit:
                    break
        if best_length < _MIN_MATCH:
            return 0, 0
        return current - best, min(best_length, _max_length(current - self._start))

    def _common_prefix(self, a: int, b: int, limit: int) -> int:
        data = self._data
        n = _MIN_MATCH
        step = 64
        while n + step <= limit and data[a + n : a + n + step] == data[b + n : b + n + step]:
            n += step
        while n < limit and data[a + n] == data[b + n]:
            n += 1
        return n
