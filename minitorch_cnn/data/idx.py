"""Reading the IDX files that MNIST and Fashion-MNIST ship in.

An IDX file is a 4-byte magic number, then one big-endian uint32 per dimension, then the values::

    byte 0-1   always 0
    byte 2     type of the values (0x08 = unsigned byte, the only one Fashion-MNIST uses)
    byte 3     number of dimensions d
    4 .. 4+4d  the d sizes, big-endian uint32
    rest       prod(sizes) values, row-major

so labels have magic 0x00000801 = 2049 (1 dimension) and images 0x00000803 = 2051 (3 dimensions).
Files may be gzipped (the official downloads are); the first two bytes (1f 8b) tell.
"""
from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

# type byte -> numpy dtype (IDX stores multi-byte values big-endian)
_IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

LABELS_MAGIC = 2049   # 0x00000801: unsigned bytes, 1 dimension
IMAGES_MAGIC = 2051   # 0x00000803: unsigned bytes, 3 dimensions


def read_bytes(path: str | Path) -> bytes:
    """The file's content, gunzipped when it starts with the gzip magic bytes.

    A truncated or corrupt gzip stream raises ``ValueError`` naming the file.
    """
    path = Path(path)
    raw = path.read_bytes()
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as e:
        raise ValueError(f"{path}: corrupt or truncated gzip file ({len(raw)} bytes on disk): {e}") from None


def parse_idx(content: bytes, name: str = "<bytes>", expect_magic: int | None = None) -> np.ndarray:
    """Decode IDX bytes into an array of the stored shape; ``name`` is used in error messages.

    Checks the magic number (against ``expect_magic`` when given) and that the payload holds exactly
    ``prod(sizes)`` values, so a truncated file is an error naming expected and actual sizes,
    never a garbled array.
    """
    if len(content) < 4:
        raise ValueError(f"{name}: not an IDX file: only {len(content)} bytes, a header needs at least 4")
    magic = int.from_bytes(content[:4], "big")
    if expect_magic is not None and magic != expect_magic:
        raise ValueError(f"{name}: wrong IDX magic number: expected {expect_magic} "
                         f"(0x{expect_magic:08x}), got {magic} (0x{magic:08x})")
    zero, type_code, ndim = int.from_bytes(content[:2], "big"), content[2], content[3]
    if zero != 0 or type_code not in _IDX_DTYPES:
        raise ValueError(f"{name}: not an IDX file: magic number 0x{magic:08x} "
                         f"(expected 0x0000TTDD with a known type byte TT)")
    header = 4 + 4 * ndim
    if len(content) < header:
        raise ValueError(f"{name}: truncated IDX header: {ndim} dimensions need {header} bytes, "
                         f"the file has {len(content)}")
    shape = tuple(int.from_bytes(content[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    dtype = _IDX_DTYPES[type_code]
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(content) != expected:
        kind = "truncated" if len(content) < expected else "has trailing bytes"
        raise ValueError(f"{name}: IDX file {kind}: shape {shape} needs {expected} bytes "
                         f"(uncompressed), the file has {len(content)}")
    arr = np.frombuffer(content, dtype=dtype, offset=header).reshape(shape)
    return arr.astype(dtype.newbyteorder("="))  # native byte order, and a writable copy


def read_idx(path: str | Path, expect_magic: int | None = None) -> np.ndarray:
    """Read an IDX file (plain or gzipped) into a NumPy array. See :func:`parse_idx`."""
    return parse_idx(read_bytes(path), str(path), expect_magic)


def write_idx(path: str | Path, array: np.ndarray, compress: bool | None = None) -> Path:
    """Write ``array`` as an IDX file (gzipped when ``compress`` or the name ends in .gz).

    Used by tests and by anyone who wants to store their own images in the MNIST format.
    """
    path = Path(path)
    array = np.asarray(array)
    codes = {v.newbyteorder("=").str if v.itemsize > 1 else v.str: k for k, v in _IDX_DTYPES.items()}
    key = array.dtype.newbyteorder("=").str if array.dtype.itemsize > 1 else array.dtype.str
    if key not in codes:
        raise TypeError(f"write_idx: dtype {array.dtype} has no IDX type code")
    code = codes[key]
    head = bytes([0, 0, code, array.ndim]) + b"".join(int(s).to_bytes(4, "big") for s in array.shape)
    body = np.ascontiguousarray(array, dtype=_IDX_DTYPES[code]).tobytes()
    content = head + body
    if compress or (compress is None and path.suffix == ".gz"):
        content = gzip.compress(content, mtime=0)
    path.write_bytes(content)
    return path
