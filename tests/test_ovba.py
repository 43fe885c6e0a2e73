"""MS-OVBA compression and data encryption (xxgk/ovba.py) against the spec's worked examples and oletools.

The examples are [MS-OVBA] §3.2.1-§3.2.3 (compression) and §3.1.6 (the PROJECT stream's encrypted values),
byte for byte. oletools' decompressor is an independent reader of our output.
"""

from __future__ import annotations

import random
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream

from xxgk.ovba import CHUNK, compress, decompress, encrypt

SPEC_EXAMPLES = {
    "3.2.1 No Compression": (
        b"abcdefghijklmnopqrstuv.",
        "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E",
    ),
    "3.2.2 Normal Compression": (
        b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
        "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20 6D 6E 6F "
        "70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C",
    ),
    "3.2.3 Maximum Compression": (b"a" * 73, "01 03 B0 02 61 45 00"),
}


@pytest.mark.parametrize("name", SPEC_EXAMPLES)
def test_spec_examples(name):
    raw, hex_compressed = SPEC_EXAMPLES[name]
    compressed = bytes.fromhex(hex_compressed)
    assert compress(raw) == compressed
    assert decompress(compressed) == raw
    assert decompress_stream(bytearray(compressed)) == raw


def _chunks(container: bytes) -> list[tuple[bool, int]]:
    """(compressed?, chunk size in bytes) of each chunk of a container."""
    out, pos = [], 1
    while pos < len(container):
        header = struct.unpack_from("<H", container, pos)[0]
        assert header >> 12 & 0b111 == 0b011
        size = (header & 0x0FFF) + 3
        out.append((bool(header & 0x8000), size))
        pos += size
    assert pos == len(container)
    return out


_TEXT = "\r\n".join(f"    Dim v{i} As Long: v{i} = {i * 7919 % 1000} ' line {i}" for i in range(2000)).encode()


# Random bytes of 4095 or 9000: an incompressible short final chunk is refused (test_no_nul_padding).
_ROUND_TRIPS = [
    (size, kind)
    for size in (0, 1, 3, 100, 4095, 4096, 4097, 9000, 30000)
    for kind in ("random", "text", "same byte")
    if (size, kind) not in ((4095, "random"), (9000, "random"))
]


@pytest.mark.parametrize("size,kind", _ROUND_TRIPS)
def test_round_trip_through_oletools(size, kind):
    if kind == "random":
        data = random.Random(size).randbytes(size)
    elif kind == "text":
        data = _TEXT[:size]
    else:
        data = b"a" * size
    compressed = compress(data)
    assert decompress_stream(bytearray(compressed)) == data
    assert decompress(compressed) == data
    chunks = _chunks(compressed)
    assert len(chunks) == -(-size // CHUNK)
    assert all(n <= CHUNK + 2 for _, n in chunks)
    if kind != "random":
        assert all(is_compressed for is_compressed, _ in chunks)


def test_incompressible_chunks_are_raw():
    """§2.4.1.3.7/§2.4.1.3.10: a full chunk whose tokens exceed 4096 bytes is stored raw, byte for byte."""
    data = random.Random(0).randbytes(2 * CHUNK) + b"tail"
    compressed = compress(data)
    assert _chunks(compressed) == [(False, CHUNK + 2), (False, CHUNK + 2), (True, 2 + 5)]
    assert compressed[3 : 3 + CHUNK] == data[:CHUNK]
    assert decompress(compressed) == data
    assert decompress_stream(bytearray(compressed)) == data


@pytest.mark.parametrize("size", [3641, 4095, CHUNK + 4000])
def test_no_nul_padding(size):
    """A RawChunk decompresses to 4096 bytes: a short final chunk stored raw would gain NUL bytes. Refused."""
    data = random.Random(size).randbytes(size)
    with pytest.raises(ValueError, match="NUL"):
        compress(data)
    assert decompress(_spec_compress(data)).endswith(b"\0" * (CHUNK - size % CHUNK))  # what the spec would do


def test_final_chunk_that_fits_is_never_raw():
    """Up to 3640 incompressible bytes still fit as literal tokens (n + n/8 <= 4096): compressed, exact."""
    data = random.Random(7).randbytes(CHUNK + 3640)
    compressed = compress(data)
    assert [flag for flag, _ in _chunks(compressed)] == [False, True]
    assert decompress(compressed) == decompress_stream(bytearray(compressed)) == data


def test_decompress_rejects_garbage():
    for bad in (b"", b"\x00\x19\xb0", b"\x01\x19\x00", b"\x01\x03\xb0\x01\x00"):
        with pytest.raises(ValueError):
            decompress(bad)


_VBA_WORDS = [b"Dim ", b"As ", b"String", b"Long", b"\r\n", b"    ", b"End Sub", b"If ", b"Then", b"x", b"1", b"'"]


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=9000), st.lists(st.sampled_from(_VBA_WORDS), max_size=3000).map(b"".join)))
def test_round_trip_property(data):
    try:
        compressed = compress(data)
    except ValueError:  # only an incompressible short final chunk (random bytes) is refused
        tail = data[len(data) - len(data) % CHUNK :]
        assert 3640 < len(tail) < CHUNK
        return
    assert decompress(compressed) == data
    assert decompress_stream(bytearray(compressed)) == data
    assert compress(data) == compressed  # deterministic


def _spec_compress(data: bytes) -> bytes:
    """§2.4.1.3.6-§2.4.1.3.19 transcribed literally (slow: every candidate, byte by byte)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        end, body, pos = min(start + CHUNK, len(data)), bytearray(), start
        while pos < end and len(body) < CHUNK:
            flag_at = len(body)
            body.append(0)
            for index in range(8):
                if pos >= end or len(body) >= CHUNK:
                    break
                best_len = best = 0
                for cand in range(pos - 1, start - 1, -1):
                    c, d = cand, pos
                    while d < end and data[d] == data[c]:
                        c, d = c + 1, d + 1
                    if d - pos > best_len:
                        best_len, best = d - pos, cand
                bit_count = max(4, next(b for b in range(17) if 2**b >= pos - start)) if pos > start else 4
                if best_len >= 3 and len(body) + 1 < CHUNK:
                    length = min(best_len, (0xFFFF >> bit_count) + 3)
                    body += struct.pack("<H", ((pos - best - 1) << (16 - bit_count)) | (length - 3))
                    body[flag_at] |= 1 << index
                    pos += length
                elif best_len < 3:
                    body.append(data[pos])
                    pos += 1
                else:
                    body = bytearray(CHUNK)
        if pos < end:
            out += struct.pack("<H", 0x3FFF) + data[start:end].ljust(CHUNK, b"\0")
        else:
            out += struct.pack("<H", 0xB000 | (len(body) - 1)) + body
    return bytes(out)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=600),
        st.text("ab \r\n", max_size=1500).map(str.encode),
        st.lists(st.sampled_from(_VBA_WORDS), max_size=200).map(b"".join),
    )
)
def test_same_output_as_the_spec_pseudocode(data):
    assert compress(data) == _spec_compress(data)


@pytest.mark.parametrize(
    "data",
    [
        random.Random(1).randbytes(4096),  # a raw chunk
        bytes(random.Random(2).choice(b"ab") for _ in range(5000)),  # many candidates, two chunks
        _TEXT[:9000],
    ],
    ids=["random", "two letters", "text"],
)
def test_same_output_as_the_spec_pseudocode_on_chunks(data):
    for raw, hex_compressed in SPEC_EXAMPLES.values():  # the reference itself agrees with the spec's examples
        assert _spec_compress(raw) == bytes.fromhex(hex_compressed)
    assert compress(data) == _spec_compress(data)


# §3.1.6: the PROJECT stream example of the spec; its values decrypt to state 0, no password, visible.
SPEC_PROJECT_ID = "{917DED54-440B-4FD1-A5C1-74ACF261E600}"
SPEC_ENCRYPTED = {
    "CMG": ("0705D8E3D8EDDBF1DBF1DBF1DBF1", bytes(4)),
    "DPB": ("0E0CD1ECDFF4E7F5E7F5E7", bytes(1)),
    "GC": ("1517CAF1D6F9D7F9D706", b"\xff"),
}


def _decrypt(hex_text: str, project_id: str) -> tuple[int, bytes, bytes]:
    """§2.4.3.3 Decryption, written out independently: (Seed, IgnoredEnc decrypted, Data)."""
    enc = bytes.fromhex(hex_text)
    seed, version_enc, proj_key_enc = enc[:3]
    assert version_enc ^ seed == 2
    assert proj_key_enc ^ seed == sum(project_id.encode()) % 256
    unencrypted1, encrypted1, encrypted2 = proj_key_enc ^ seed, proj_key_enc, version_enc
    plain = bytearray()
    for byte_enc in enc[3:]:
        byte = byte_enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        plain.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte_enc, byte
    ignored = (seed & 6) // 2
    length = struct.unpack_from("<I", plain, ignored)[0]
    assert len(plain) == ignored + 4 + length
    return seed, bytes(plain[:ignored]), bytes(plain[ignored + 4 :])


@pytest.mark.parametrize("key", SPEC_ENCRYPTED)
def test_encrypt_matches_spec_example(key):
    hex_text, data = SPEC_ENCRYPTED[key]
    seed, ignored, decrypted = _decrypt(hex_text, SPEC_PROJECT_ID)
    assert decrypted == data
    assert encrypt(data, SPEC_PROJECT_ID, seed, ignored) == hex_text


@pytest.mark.parametrize("seed", [0x00, 0x11, 0x17, 0xFE])
def test_encrypt_round_trip(seed):
    for data in (bytes(4), b"\x00", b"\xff", b"password\x00"):
        decrypted_seed, _, decrypted = _decrypt(encrypt(data, SPEC_PROJECT_ID, seed), SPEC_PROJECT_ID)
        assert (decrypted_seed, decrypted) == (seed, data)
