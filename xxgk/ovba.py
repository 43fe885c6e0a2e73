"""The two algorithms of [MS-OVBA] a VBA project writer needs: compression (§2.4.1) and data encryption (§2.4.3).

`compress` gives the output of the pseudocode of §2.4.1.3.6-§2.4.1.3.19 (the examples of §3.2 byte for
byte; only the search for matches is faster): 4096-byte chunks, each a CompressedChunkHeader (signature
0b011) and token sequences (a flag byte, then up to eight literal bytes or copy tokens), the longest copy
in the chunk so far winning and the nearest on a tie; a chunk whose tokens do not fit in 4096 bytes is
stored raw (§2.4.1.3.10). A RawChunk always decompresses to 4096 bytes, so the spec's padding of a short final
chunk would append NUL bytes to the data: only a full 4096-byte chunk is stored raw here, and a final chunk
that is shorter and incompressible raises ValueError instead (VBA source and the dir stream, all this writer
compresses, are text and records that always compress). `decompress` is §2.4.1.3.1. `encrypt` is the obfuscation
of the PROJECT stream's CMG=, DPB= and GC= values (§2.4.3.2).
"""

from __future__ import annotations

import struct

CHUNK = 4096  # bytes of decompressed data per chunk (§2.4.1.1.3)


def _copy_token_help(difference: int) -> tuple[int, int]:
    """§2.4.1.3.19.1: (BitCount, MaximumLength) of a copy token `difference` bytes into its chunk."""
    bit_count = max((difference - 1).bit_length(), 4)  # ceil(log2(difference)), at least 4
    return bit_count, (0xFFFF >> bit_count) + 3


def compress(data: bytes) -> bytes:
    """§2.4.1.3.6: the CompressedContainer of `data` (a SignatureByte 0x01, then one chunk per 4096 bytes)."""
    data = bytes(data)
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        out += _compress_chunk(data, start, min(start + CHUNK, len(data)))
    return bytes(out)


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    """§2.4.1.3.7: token sequences while they fit in 4096 bytes of chunk data, else a RawChunk."""
    body = bytearray()  # CompressedChunkData; the spec's CompressedCurrent is chunk start + 2 + len(body)
    seen: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions in this chunk (the only candidates)
    pos = start
    while pos < end and len(body) < CHUNK:  # §2.4.1.3.8 Compressing a TokenSequence
        flag_at = len(body)
        body.append(0)
        for bit in range(8):
            if pos >= end or len(body) >= CHUNK:
                break
            offset, length = _match(data, start, pos, end, seen)
            if offset:  # §2.4.1.3.9 Compressing a Token: a CopyToken if its two bytes still fit
                if len(body) + 2 > CHUNK:  # no room left: "SET CompressedCurrent TO CompressedEnd"
                    return _raw_chunk(data, start, end)
                bit_count, _ = _copy_token_help(pos - start)
                body += struct.pack("<H", ((offset - 1) << (16 - bit_count)) | (length - 3))  # §2.4.1.3.19.3
                body[flag_at] |= 1 << bit
            else:
                length = 1
                body.append(data[pos])
            for p in range(pos, pos + length):
                seen.setdefault(data[p : p + 3], []).append(p)
            pos += length
    if pos < end:
        return _raw_chunk(data, start, end)
    return struct.pack("<H", 0xB000 | (len(body) - 1)) + bytes(body)  # §2.4.1.3.13: size = 2 + len(body) - 3


def _raw_chunk(data: bytes, start: int, end: int) -> bytes:
    """§2.4.1.3.10: the chunk's 4096 bytes as they are; the header's size field is then 4095.

    The spec pads a shorter chunk with NUL bytes, which a reader would take for data: refused instead.
    """
    if end - start != CHUNK:
        raise ValueError(
            f"the final {end - start} bytes do not compress: a raw chunk would append "
            f"{CHUNK - (end - start)} NUL bytes to the data"
        )
    return struct.pack("<H", 0x3000 | (CHUNK - 1)) + data[start:end]


def _match(data: bytes, start: int, pos: int, end: int, seen: dict) -> tuple[int, int]:
    """§2.4.1.3.19.4 Matching: (Offset, Length) of the longest copy from earlier in the chunk, (0, 0) if < 3.

    The spec scans every candidate from the nearest back to the chunk start and keeps a strictly longer match
    (counted up to the chunk end, then capped at MaximumLength); only candidates sharing the next 3 bytes can
    reach length 3, so scanning just those (nearest first) gives the same answer.
    """
    best_len, best = 0, 0
    for cand in reversed(seen.get(data[pos : pos + 3], ())):
        n = _common_length(data, cand, pos, end)
        if n > best_len:
            best_len, best = n, cand
            if n == end - pos:
                break
    if best_len < 3:
        return 0, 0
    return pos - best, min(best_len, _copy_token_help(pos - start)[1])


def _common_length(data: bytes, a: int, b: int, end: int) -> int:
    """How many bytes data[a:] and data[b:] have in common before `end` (a < b; the copies may overlap)."""
    lo, hi = 0, end - b
    while lo < hi:  # binary search on slice equality: C-speed comparisons
        mid = (lo + hi + 1) // 2
        if data[a : a + mid] == data[b : b + mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def decompress(data: bytes) -> bytes:
    """§2.4.1.3.1: the bytes of a CompressedContainer. Raises ValueError on a malformed container."""
    if not data or data[0] != 0x01:
        raise ValueError("not an MS-OVBA compressed container (signature byte is not 0x01)")
    out = bytearray()
    pos = 1
    while pos < len(data):  # §2.4.1.3.2 Decompressing a CompressedChunk
        if pos + 2 > len(data):
            raise ValueError("truncated chunk header")
        header = int.from_bytes(data[pos : pos + 2], "little")
        if (header >> 12) & 0b111 != 0b011:
            raise ValueError(f"bad chunk signature at byte {pos}")
        chunk_end = min(pos + (header & 0x0FFF) + 3, len(data))
        pos += 2
        if not header & 0x8000:  # §2.4.1.3.3 Decompressing a RawChunk
            out += data[pos : pos + CHUNK]
            pos += CHUNK
            continue
        chunk_start = len(out)
        while pos < chunk_end:  # §2.4.1.3.4 Decompressing a TokenSequence
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if not flags >> bit & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                if pos + 2 > chunk_end:  # §2.4.1.3.5 Decompressing a Token (a copy token, §2.4.1.3.19.2)
                    raise ValueError("truncated copy token")
                token = int.from_bytes(data[pos : pos + 2], "little")
                pos += 2
                bit_count, _ = _copy_token_help(len(out) - chunk_start)
                offset, length = (token >> (16 - bit_count)) + 1, (token & (0xFFFF >> bit_count)) + 3
                if offset > len(out) - chunk_start:
                    raise ValueError("copy token reaches before its chunk")
                for _ in range(length):  # byte by byte: the copy may overlap what it writes
                    out.append(out[-offset])
    return bytes(out)


def encrypt(data: bytes, project_id: str, seed: int, ignored: bytes | None = None) -> str:
    """§2.4.3.2 Data Encryption, as the hex digits written in the PROJECT stream (§2.3.1.15-§2.3.1.17).

    `project_id` is the ID="{...}" GUID with its braces (ProjKey is the sum of its bytes). `seed` is the
    Seed byte (random in Office; fixed here so that builds are reproducible); `ignored` the (seed & 6) / 2
    arbitrary IgnoredEnc bytes before encryption (zeros by default).
    """
    if ignored is None:
        ignored = bytes((seed & 6) // 2)
    if len(ignored) != (seed & 6) // 2:
        raise ValueError("IgnoredEnc must be (Seed AND 6) / 2 bytes")
    version_enc = seed ^ 2  # Version MUST be 2
    proj_key = sum(project_id.encode("ascii")) & 0xFF
    out = bytearray([seed, version_enc, seed ^ proj_key])
    unencrypted1, encrypted1, encrypted2 = proj_key, seed ^ proj_key, version_enc
    for byte in ignored + struct.pack("<I", len(data)) + bytes(data):  # IgnoredEnc, DataLengthEnc, DataEnc
        byte_enc = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(byte_enc)
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte_enc, byte
    return out.hex().upper()
