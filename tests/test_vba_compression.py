"""MS-OVBA 2.4.1 compression: the spec's worked examples and round trips."""

from __future__ import annotations

import doctest
import random
import struct
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import decompress_stream

from toolkit.excel.vba import compression
from toolkit.excel.vba.compression import CHUNK_SIZE, compress, decompress

# MS-OVBA 3.2.1 (no compression), 3.2.2 (normal), 3.2.3 (maximum).
SPEC_EXAMPLES = [
    pytest.param(
        b"abcdefghijklmnopqrstuv.",
        "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E",
        id="3.2.1-no-compression",
    ),
    pytest.param(
        b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
        "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20"
        " 6D 6E 6F 70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C",
        id="3.2.2-normal-compression",
    ),
    pytest.param(b"a" * 73, "01 03 B0 02 61 45 00", id="3.2.3-maximum-compression"),
]


@pytest.mark.parametrize(("plain", "packed"), SPEC_EXAMPLES)
def test_spec_example_decompresses_to_documented_bytes(plain: bytes, packed: str) -> None:
    assert decompress(bytes.fromhex(packed)) == plain


@pytest.mark.parametrize(("plain", "packed"), SPEC_EXAMPLES)
def test_spec_example_compresses_to_documented_bytes(plain: bytes, packed: str) -> None:
    assert compress(plain) == bytes.fromhex(packed)


def test_module_doctests() -> None:
    result = doctest.testmod(compression)
    assert result.attempted > 0 and result.failed == 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=20_000), st.binary(min_size=4_000, max_size=20_000)))
def test_round_trip_arbitrary_bytes(data: bytes) -> None:
    packed = compress(data)
    assert decompress(packed) == data
    assert decompress_stream(bytearray(packed)) == data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from([b"a", b"b", b"ab", b"    ", b"\r\n", b"End Sub", b"Dim x As Long", b"\x00", b"\xff"]),
        max_size=3_000,
    ).map(b"".join)
)
def test_round_trip_repetitive_bytes(data: bytes) -> None:
    packed = compress(data)
    assert decompress(packed) == data
    assert decompress_stream(bytearray(packed)) == data


def realistic_vba_source(size: int) -> bytes:
    rng = random.Random(1234)
    names = ["Quantità", "Prezzo", "Cliente", "Articolo", "Totale", "Sconto"]
    parts = ["Attribute VB_Name = \"Ordini\"\r\nOption Explicit\r\n\r\n"]
    n = 0
    while sum(map(len, parts)) < size:
        a, b = rng.sample(names, 2)
        n += 1
        parts.append(
            f"Public Function Calcola{n}(ByVal {a} As Double, ByVal {b} As Double) As Double\r\n"
            f"    ' Calcola {a.lower()} per {b.lower()} (riga {rng.randint(1, 999)})\r\n"
            f"    If {a} <= 0 Then\r\n"
            f"        Calcola{n} = 0\r\n"
            f"    Else\r\n"
            f"        Calcola{n} = Round({a} * {b} * {rng.random():.4f}, 2)\r\n"
            f"    End If\r\n"
            f"End Function\r\n\r\n"
        )
    return "".join(parts).encode("cp1252")


def test_realistic_10kb_source_round_trips_and_shrinks() -> None:
    source = realistic_vba_source(10_240)
    packed = compress(source)
    assert decompress(packed) == source
    assert decompress_stream(bytearray(packed)) == source
    assert len(packed) < len(source) // 2
    assert all(header & 0x8000 for header in chunk_headers(packed))


def chunk_headers(packed: bytes) -> list[int]:
    headers, pos = [], 1
    while pos < len(packed):
        (header,) = struct.unpack_from("<H", packed, pos)
        headers.append(header)
        pos += (header & 0x0FFF) + 3
    return headers


def test_chunks_split_every_4096_bytes() -> None:
    data = b"Sub A()\r\nEnd Sub\r\n" * 1000
    headers = chunk_headers(compress(data))
    assert len(headers) == -(-len(data) // CHUNK_SIZE)
    assert all((h >> 12) & 0b0111 == 0b011 for h in headers)


def test_incompressible_chunk_is_stored_raw() -> None:
    data = random.Random(7).randbytes(2 * CHUNK_SIZE)
    packed = compress(data)
    assert chunk_headers(packed) == [0x3FFF, 0x3FFF]
    assert packed[3 : 3 + CHUNK_SIZE] == data[:CHUNK_SIZE]
    assert decompress(packed) == data


def test_short_incompressible_final_chunk_round_trips_without_padding() -> None:
    data = random.Random(8).randbytes(CHUNK_SIZE + 4000)
    packed = compress(data)
    assert len(packed) == 1 + 2 + CHUNK_SIZE + 2 + 4000
    assert decompress(packed) == data


def test_empty_input() -> None:
    assert compress(b"") == b"\x01"
    assert decompress(b"\x01") == b""


@pytest.mark.parametrize("bad", [b"", b"\x00\x19\xb0", b"\x01\x19\x00abc"])
def test_decompress_rejects_malformed_containers(bad: bytes) -> None:
    with pytest.raises(ValueError):
        decompress(bad)


def test_decompress_rejects_copy_before_chunk_start() -> None:
    with pytest.raises(ValueError, match="before the start"):
        decompress(bytes.fromhex("01 03 B0 01 00 F0"))
