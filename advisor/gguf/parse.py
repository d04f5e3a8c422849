"""The GGUF header's binary layout: the values and errors it yields and the pure parser.

:func:`parse_header` is a pure function of the bytes it is given: it returns the header,
raises :class:`NeedMoreData` (the prefix is too short; it says how many bytes it needs at
least) or raises :class:`GGUFFormatError` (not a GGUF file, or a corrupt one). Big arrays
(the tokenizer's tokens and merges) are skipped, keeping only their length, and the work
is counted against fixed budgets (``MAX_ITEMS``, ``MAX_NESTED``, ``MAX_KEPT_TEXT``), so a
header bomb fails fast. Reading from a source and checking the model it describes:
:mod:`advisor.gguf.header`.

    >>> parse_header(b"GGUF")
    Traceback (most recent call last):
    ...
    advisor.gguf.parse.NeedMoreData: need at least 8 bytes
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

GGUF_MAGIC = b"GGUF"
DEFAULT_ALIGNMENT = 32
MAX_HEADER_BYTES = 512 * 1024 * 1024     # a header beyond this is taken for garbage
_MAX_KEY = 65_536
_MAX_STRING = 64 * 1024 * 1024
_MAX_ARRAY = 1 << 28
_MAX_KV = 1 << 16
_MAX_TENSORS = 1 << 20
_MAX_DIMS = 8
_KEEP_ARRAY = 64                          # arrays up to this length keep their values
MAX_ITEMS = 1 << 22          # elements read one by one per header (big vocabularies: ~1M)
MAX_NESTED = 1 << 16         # elements of arrays inside arrays per header (real files: none)
MAX_KEPT_TEXT = 64 << 20     # bytes of strings decoded and kept per header

# GGUF value types (gguf.GGUFValueType), with their struct codes for the fixed sizes.
_SCALAR = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q",
           12: "d"}
_STRING, _ARRAY = 8, 9


class GGUFError(Exception):
    """Base of the header reader's own errors."""


class GGUFFormatError(GGUFError):
    """The bytes are not a (readable) GGUF header."""


class GGUFShapeError(GGUFFormatError):
    """The header parses but does not describe a usable model (see :func:`check_header`)."""


class NeedMoreData(GGUFError):
    """The prefix ends inside the header; ``needed`` is a lower bound on the bytes required."""

    def __init__(self, needed: int, hint: int | None = None) -> None:
        super().__init__(f"need at least {needed} bytes")
        self.needed = needed
        self.hint = hint          # a guess at the header's end, from a partly read array


@dataclass(frozen=True)
class ArrayValue:
    """A metadata array: its element type and length; ``values`` only when short."""

    elem_type: int
    count: int
    values: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class TensorInfo:
    name: str
    shape: tuple[int, ...]
    ggml_type: int
    offset: int                    # relative to the start of the data section

    @property
    def n_elements(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n


@dataclass(frozen=True)
class GGUFHeader:
    version: int
    metadata: dict[str, Any]
    tensors: list[TensorInfo]
    header_bytes: int              # bytes up to the end of the tensor infos
    data_offset: int               # where tensor data starts (aligned)
    byte_order: str = "<"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def architecture(self) -> str | None:
        arch = self.metadata.get("general.architecture")
        return arch if isinstance(arch, str) else None

    def arch_value(self, key: str, default: Any = None) -> Any:
        """``{architecture}.{key}`` from the metadata, e.g. ``arch_value("block_count")``."""
        return self.metadata.get(f"{self.architecture}.{key}", default)


class _Cursor:
    def __init__(self, buf: bytes | memoryview, order: str) -> None:
        self.buf, self.pos, self.order = memoryview(buf), 0, order
        self.items = self.nested = self.text = 0      # work done, against the budgets

    def spend(self, *, items: int = 0, nested: int = 0, text: int = 0) -> None:
        self.items += items
        self.nested += nested
        self.text += text
        if self.items > MAX_ITEMS:
            raise GGUFFormatError(f"header has more than {MAX_ITEMS} array elements")
        if self.nested > MAX_NESTED:
            raise GGUFFormatError(f"header has more than {MAX_NESTED} elements in nested arrays")
        if self.text > MAX_KEPT_TEXT:
            raise GGUFFormatError(f"header has more than {MAX_KEPT_TEXT} bytes of text")

    def need(self, n: int) -> None:
        if n < 0:
            raise GGUFFormatError("negative length")
        end = self.pos + n
        if end > MAX_HEADER_BYTES:
            raise GGUFFormatError(f"header larger than {MAX_HEADER_BYTES} bytes")
        if end > len(self.buf):
            raise NeedMoreData(end)

    def unpack(self, code: str) -> Any:
        size = struct.calcsize(code)
        self.need(size)
        (value,) = struct.unpack_from(self.order + code, self.buf, self.pos)
        self.pos += size
        return value

    def skip(self, n: int) -> None:
        self.need(n)
        self.pos += n

    def string(self, limit: int = _MAX_STRING) -> str:
        n = self.unpack("Q")
        if n > limit:
            raise GGUFFormatError(f"string of {n} bytes at offset {self.pos - 8}")
        self.need(n)
        self.spend(text=n)
        raw = bytes(self.buf[self.pos:self.pos + n])
        self.pos += n
        return raw.decode("utf-8", errors="replace")



def _value(cur: _Cursor, vtype: int, depth: int = 0) -> Any:
    if vtype in _SCALAR:
        return cur.unpack(_SCALAR[vtype])
    if vtype == _STRING:
        return cur.string()
    if vtype == _ARRAY:
        if depth > 2:
            raise GGUFFormatError("arrays nested too deeply")
        elem = cur.unpack("I")
        count = cur.unpack("Q")
        if count > _MAX_ARRAY:
            raise GGUFFormatError(f"array of {count} elements")
        if elem in _SCALAR:
            size = struct.calcsize(_SCALAR[elem])
            if count <= _KEEP_ARRAY:
                values = tuple(cur.unpack(_SCALAR[elem]) for _ in range(count))
                return ArrayValue(elem, count, values)
            cur.skip(size * count)
            return ArrayValue(elem, count)
        if elem == _STRING:
            cur.spend(items=count)
            if count <= _KEEP_ARRAY:
                return ArrayValue(elem, count, tuple(cur.string() for _ in range(count)))
            _skip_strings(cur, count)
            return ArrayValue(elem, count)
        if elem == _ARRAY:
            cur.spend(items=count, nested=count)
            if count <= _KEEP_ARRAY:
                return ArrayValue(elem, count, tuple(_value(cur, _ARRAY, depth + 1)
                                                     for _ in range(count)))
            for _ in range(count):
                _value(cur, _ARRAY, depth + 1)
            return ArrayValue(elem, count)
        raise GGUFFormatError(f"unknown array element type {elem}")
    raise GGUFFormatError(f"unknown value type {vtype}")


def _skip_strings(cur: _Cursor, count: int) -> None:
    """Step over ``count`` strings (the hot loop of a tokenizer's vocabulary)."""
    length = struct.Struct(cur.order + "Q")
    buf, start = cur.buf, cur.pos
    size, pos, needed = len(buf), start, 0
    for i in range(count):
        if pos + 8 > size:
            needed = pos + 8
            break
        (n,) = length.unpack_from(buf, pos)
        if n > _MAX_STRING:
            raise GGUFFormatError(f"string of {n} bytes at offset {pos}")
        pos += 8 + n
        if pos > size:
            needed = pos
            break
    else:
        cur.pos = pos
        return
    if needed > MAX_HEADER_BYTES:
        raise GGUFFormatError(f"header larger than {MAX_HEADER_BYTES} bytes")
    # extrapolate the array's end from the strings read so far
    hint = int(start + (pos - start) / max(i, 1) * count * 1.05) + 64 * 1024 if i else None
    raise NeedMoreData(needed, hint)


def parse_header(buf: bytes | memoryview) -> GGUFHeader:
    """Parse the GGUF header at the start of ``buf``.

    Example (not run)::

        parse_header(open("m.gguf", "rb").read(4 << 20)).version   # 3
    """
    if len(buf) < 4:
        raise NeedMoreData(4)
    if bytes(buf[:4]) != GGUF_MAGIC:
        raise GGUFFormatError("not a GGUF file (bad magic)")
    if len(buf) < 8:
        raise NeedMoreData(8)
    order = "<"
    (version,) = struct.unpack_from("<I", buf, 4)
    if version & 0xFFFF == 0:
        order = ">"
        (version,) = struct.unpack_from(">I", buf, 4)
    if version not in (2, 3):
        raise GGUFFormatError(f"unsupported GGUF version {version}")
    cur = _Cursor(buf, order)
    cur.pos = 8
    n_tensors = cur.unpack("Q")
    n_kv = cur.unpack("Q")
    if n_kv > _MAX_KV or n_tensors > _MAX_TENSORS:
        raise GGUFFormatError(f"implausible counts: {n_kv} keys, {n_tensors} tensors")
    metadata: dict[str, Any] = {}
    for _ in range(n_kv):
        key = cur.string(_MAX_KEY)
        vtype = cur.unpack("I")
        metadata[key] = _value(cur, vtype)
    tensors: list[TensorInfo] = []
    for _ in range(n_tensors):
        name = cur.string(_MAX_KEY)
        n_dims = cur.unpack("I")
        if n_dims > _MAX_DIMS:
            raise GGUFFormatError(f"tensor {name!r} has {n_dims} dimensions")
        shape = tuple(cur.unpack("Q") for _ in range(n_dims))
        ggml_type = cur.unpack("I")
        offset = cur.unpack("Q")
        tensors.append(TensorInfo(name, shape, ggml_type, offset))
    alignment = metadata.get("general.alignment", DEFAULT_ALIGNMENT)
    if not isinstance(alignment, int) or isinstance(alignment, bool) or not 0 < alignment <= 1 << 20:
        raise GGUFFormatError(f"bad general.alignment {alignment!r}")
    end = cur.pos
    data_offset = (end + alignment - 1) // alignment * alignment
    return GGUFHeader(int(version), metadata, tensors, end, data_offset, order)
