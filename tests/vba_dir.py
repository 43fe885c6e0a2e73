"""A reader of the MS-OVBA `dir` stream, written for the tests apart from the writer (xxgk/xlam.py).

`records(dir_bytes)` lists every record as (Id, payload) in stream order; `shape(records)` spells the Ids
as "01 4A 02 …" so that the order can be matched against the grammar of MS-OVBA §2.3.4.2 (GRAMMAR) and
compared with what Excel wrote.
"""

from __future__ import annotations

import re
import struct

# §2.3.4.2: PROJECTINFORMATION, PROJECTREFERENCES, PROJECTMODULES, Terminator. Two-digit hex Ids, in order.
_INFORMATION = (
    r"01 (4A )?02 14 03 04 "  # SYSKIND, COMPATVERSION (optional), LCID, LCIDINVOKE, CODEPAGE, NAME
    r"05 40 06 3D 07 08 09 "  # DOCSTRING (+ Unicode), HELPFILEPATH (1, 2), HELPCONTEXT, LIBFLAGS, VERSION
    r"(0C 3C )?"
)  # CONSTANTS (+ Unicode)
_CONTROL = r"2F (16 3E )?30 "  # §2.3.4.2.2.3 REFERENCECONTROL: twiddled part, optional extended name, extended part
_REFERENCE = rf"(16 3E )?(0D |0E |{_CONTROL}|33 {_CONTROL})"  # NAME; REGISTERED | PROJECT | CONTROL | ORIGINAL
_MODULE = (
    r"19 (47 )?1A 32 1C 48 31 1E 2C (21|22) "  # NAME, NAMEUNICODE, STREAMNAME, DOCSTRING, OFFSET, HELPCONTEXT,
    r"(25 )?(28 )?2B "
)  # COOKIE, TYPE, READONLY, PRIVATE (both optional), Terminator
GRAMMAR = re.compile(rf"{_INFORMATION}(?P<references>({_REFERENCE})*)0F 13 (?P<modules>({_MODULE})*)10 ")
MODULE = re.compile(_MODULE)

PROJECTVERSION, PROJECTMODULES, MODULENAME = 0x0009, 0x000F, 0x0019


def records(data: bytes) -> list[tuple[int, bytes]]:
    """(Id, payload) of every record. Each is Id (2 bytes), Size (4 bytes), Size bytes, except PROJECTVERSION,
    whose 4 bytes after the Id are a Reserved field (always 4) followed by 6 bytes of version."""
    out, pos = [], 0
    while pos < len(data):
        record_id, size = struct.unpack_from("<HI", data, pos)
        if record_id == PROJECTVERSION:
            size = 6
        payload = data[pos + 6 : pos + 6 + size]
        assert len(payload) == size, f"record {record_id:#06x} at byte {pos} runs past the end of the stream"
        out.append((record_id, payload))
        pos += 6 + size
    return out


def shape(recs) -> str:
    return "".join(f"{record_id:02X} " for record_id, _ in recs)


def module_shapes(recs) -> list[str]:
    """Each module's run of record Ids, from MODULENAME to its Terminator."""
    return [m.group(0) for m in MODULE.finditer(GRAMMAR.fullmatch(shape(recs)).group("modules"))]


def value(recs, record_id: int) -> int:
    payload = next(p for i, p in recs if i == record_id)
    return int.from_bytes(payload, "little")
