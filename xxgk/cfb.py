"""A minimal writer of [MS-CFB] version 3 compound files: the container format of vbaProject.bin.

`write_compound({"PROJECT": b"...", "VBA/dir": b"..."})` returns the bytes of a compound file holding those
streams (storages are implied by the paths). The layout is fixed, so the same streams always give the same
bytes: header (with the DIFAT), FAT sectors, directory sectors, MiniFAT sectors, the mini stream, then the
streams of 4096 bytes or more, each in its own chain of 512-byte sectors. Streams below 4096 bytes live in
the mini stream (64-byte mini sectors). Every storage's children form a red-black tree sorted as §2.6.4
says. CLSIDs, state bits and timestamps are zero. Files up to about 7 MB (109 FAT sectors, the DIFAT
entries of the header) are supported; larger ones raise ValueError.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096  # streams smaller than this go to the mini stream (§2.2 header MiniStreamCutoffSize)
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5  # directory entry object types (§2.6.1)
RED, BLACK = 0, 1
_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_HEADER_DIFAT = 109


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict = field(default_factory=dict)  # upper-cased name -> _Entry (names are case-insensitive)
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = BLACK
    start: int = ENDOFCHAIN
    size: int = 0


def _sort_key(name: str) -> tuple:
    """§2.6.4: shorter names first, then by upper-cased UTF-16 code units."""
    units = name.upper().encode("utf-16-le")
    return len(units), struct.unpack(f"<{len(units) // 2}H", units)


def write_compound(streams: dict[str, bytes]) -> bytes:
    """The compound file holding `streams` ({"storage/.../stream": bytes})."""
    entries = _directory(streams)
    small = [e for e in entries if e.kind == STREAM and len(e.data) < MINI_CUTOFF]
    big = [e for e in entries if e.kind == STREAM and len(e.data) >= MINI_CUTOFF]

    # The mini stream and its MiniFAT (chains in units of 64 bytes).
    mini, minifat = bytearray(), []
    for e in small:
        if e.data:
            e.start, e.size = len(mini) // MINI_SECTOR, len(e.data)
            n = -(-len(e.data) // MINI_SECTOR)
            minifat += [e.start + i + 1 for i in range(n - 1)] + [ENDOFCHAIN]
            mini += e.data.ljust(n * MINI_SECTOR, b"\0")

    # Sector counts, then the FAT size (it must also cover its own sectors).
    n_dir = -(-len(entries) // 4)
    n_minifat = -(-len(minifat) // (SECTOR // 4))
    n_mini = -(-len(mini) // SECTOR)
    n_big = [-(-len(e.data) // SECTOR) for e in big]
    n_other = n_dir + n_minifat + n_mini + sum(n_big)
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + n_other:
        n_fat += 1
    if n_fat > _HEADER_DIFAT:
        raise ValueError("compound file too large for this writer (more than 109 FAT sectors)")

    fat = [FATSECT] * n_fat

    def chain(count: int) -> int:
        """Append a chain of `count` sectors to the FAT; its first sector (ENDOFCHAIN when empty)."""
        if not count:
            return ENDOFCHAIN
        first = len(fat)
        fat.extend(list(range(first + 1, first + count)) + [ENDOFCHAIN])
        return first

    dir_start = chain(n_dir)
    minifat_start = chain(n_minifat)
    entries[0].start, entries[0].size = chain(n_mini), len(mini)
    for e, n in zip(big, n_big):
        e.start, e.size = chain(n), len(e.data)
    fat += [FREESECT] * (n_fat * (SECTOR // 4) - len(fat))

    header = struct.pack(  # §2.2 Compound File Header
        "<8s16sHHHHH6sIIIIIIIII",
        _SIGNATURE,
        bytes(16),  # signature, CLSID
        0x003E,
        0x0003,
        0xFFFE,
        9,
        6,
        bytes(6),  # version 3.0x3E, little-endian, 2^9 and 2^6 byte sectors
        0,
        n_fat,
        dir_start,
        0,  # directory sector count (0 in version 3), FAT sectors, first directory sector
        MINI_CUTOFF,
        minifat_start,
        n_minifat,
        ENDOFCHAIN,
        0,
    )  # mini stream cutoff, MiniFAT, no DIFAT sectors
    header += struct.pack(f"<{_HEADER_DIFAT}I", *range(n_fat), *[FREESECT] * (_HEADER_DIFAT - n_fat))
    out = bytearray(header)
    out += struct.pack(f"<{len(fat)}I", *fat)
    out += b"".join(_pack_entry(e) for e in entries)
    for _ in range(n_dir * 4 - len(entries)):  # unused entries: zeros, but NOSTREAM links (§2.6)
        out += struct.pack("<64sHBBIII", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM).ljust(128, b"\0")
    minifat += [FREESECT] * (n_minifat * (SECTOR // 4) - len(minifat))
    out += struct.pack(f"<{len(minifat)}I", *minifat)
    out += mini.ljust(n_mini * SECTOR, b"\0")
    for e, n in zip(big, n_big):
        out += e.data.ljust(n * SECTOR, b"\0")
    return bytes(out)


def _directory(streams: dict[str, bytes]) -> list[_Entry]:
    """The directory entries in stream-ID order (root first, then each storage's children in sorted order)."""
    root = _Entry("Root Entry", ROOT)
    for path, data in streams.items():
        *storages, name = path.split("/")
        node = root
        for part in storages:
            node = node.children.setdefault(part.upper(), _Entry(_checked(part), STORAGE))
            if node.kind != STORAGE:
                raise ValueError(f"{path}: {part} is a stream, not a storage")
        if name.upper() in node.children:
            raise ValueError(f"{path}: duplicate name (names are case-insensitive)")
        node.children[name.upper()] = _Entry(_checked(name), STREAM, bytes(data))

    entries = [root]

    def number(storage: _Entry) -> None:
        kids = sorted(storage.children.values(), key=lambda e: _sort_key(e.name))
        first = len(entries)
        entries.extend(kids)
        storage.child = _tree(entries, list(range(first, first + len(kids))))
        for kid in kids:
            if kid.kind == STORAGE:
                number(kid)

    number(root)
    return entries


def _tree(entries: list[_Entry], ids: list[int]) -> int:
    """Link the sorted sibling `ids` into a balanced binary search tree coloured as a red-black tree.

    Splitting at the middle fills every level but the deepest; colouring that level red when it is
    incomplete, and everything else black, gives every path from the root the same number of black nodes.
    Returns the root's ID (NOSTREAM for no siblings).
    """
    depth = {}

    def build(lo: int, hi: int, level: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        depth[ids[mid]] = level
        node = entries[ids[mid]]
        node.left, node.right = build(lo, mid, level + 1), build(mid + 1, hi, level + 1)
        return ids[mid]

    top = build(0, len(ids), 0)
    deepest = max(depth.values(), default=0)
    complete = len(ids) == 2 ** (deepest + 1) - 1
    for i, level in depth.items():
        entries[i].color = RED if level == deepest and not complete else BLACK
    return top


def _checked(name: str) -> str:
    if not 0 < len(name) <= 31 or any(c in name for c in "/\\:!"):
        raise ValueError(f"invalid compound file entry name: {name!r}")
    return name


def _pack_entry(e: _Entry) -> bytes:
    """A 128-byte directory entry (§2.6.1)."""
    name = e.name.encode("utf-16-le") + b"\0\0"
    start = e.start if e.kind != STORAGE else 0
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name,
        len(name),
        e.kind,
        e.color,
        e.left,
        e.right,
        e.child,
        bytes(16),
        0,
        0,
        0,
        start,
        e.size,
    )
