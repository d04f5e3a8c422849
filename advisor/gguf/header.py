"""Read a GGUF file's header (metadata and tensor infos) from a byte prefix.

The parser is a pure function of the bytes it is given: it either returns the header,
raises :class:`NeedMoreData` (the prefix is too short; it says how many bytes it needs
at least) or raises :class:`GGUFFormatError` (not a GGUF file, or a corrupt one). A
reader then asks its source for growing prefixes until the header parses, so a header
costs one or a few small reads whatever the size of the file.

    Example (not run)::

        header = read_header(local_fetcher("model.gguf"))
        header.architecture, header.metadata["general.name"], len(header.tensors)
        # -> ('llama', 'SmolLM2 135M Instruct', 272)

Big arrays (the tokenizer's tokens and merges) are skipped, keeping only their length.
The work per header is bounded whatever it claims: elements visited one by one (strings,
nested arrays), arrays inside arrays, and the text kept are counted against fixed budgets
(``MAX_ITEMS``, ``MAX_NESTED``, ``MAX_KEPT_TEXT``), so a header bomb fails fast.

A header that parses can still describe no usable model (no tensors, a negative layer
count, an infinite number): :func:`check_header` says so with :class:`GGUFShapeError`.

    Example (not run)::

        check_header(read_local_header("model.gguf"), file_bytes=98_362_432).architecture
        # -> 'llama'
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
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


# Bounds of a plausible model, per ``{architecture}.{key}`` (per-layer arrays: every value).
SHAPE_BOUNDS: dict[str, tuple[int, int]] = {
    "block_count": (1, 4096),
    "context_length": (1, 1 << 30),
    "embedding_length": (1, 1 << 20),
    "feed_forward_length": (0, 1 << 22),
    "attention.head_count": (0, 1 << 16),
    "attention.head_count_kv": (0, 1 << 16),
    "attention.key_length": (0, 1 << 16),
    "attention.value_length": (0, 1 << 16),
    "attention.sliding_window": (0, 1 << 30),
    "expert_count": (0, 1 << 16),
    "expert_used_count": (0, 1 << 16),
    "vocab_size": (0, 1 << 24),
}
MAX_TENSOR_ELEMENTS = 1 << 44


def check_header(header: GGUFHeader, *, file_bytes: int | None = None) -> GGUFHeader:
    """``header`` when it describes a usable model; else :class:`GGUFShapeError` naming the
    key or tensor: no tensors, a size key (``SHAPE_BOUNDS``) negative, absurd or not a
    whole number, a non-finite number under ``general.`` or the architecture's keys, a
    tensor of absurd size, or (with ``file_bytes``) tensor data past the end of the file.

    Example (not run)::

        check_header(parse_header(open("m.gguf", "rb").read(1 << 20)), file_bytes=1 << 30)
        # -> GGUFHeader(version=3, ...)
    """
    arch = header.metadata.get("general.architecture")
    if not isinstance(arch, str) or not arch:
        raise GGUFShapeError("general.architecture is missing or not a string")
    if not header.tensors:
        raise GGUFShapeError("the file has no tensors: it holds no model")
    prefixes = ("general.", f"{arch}.")
    for key, value in header.metadata.items():
        if key.startswith(prefixes):
            for v in (value.values or ()) if isinstance(value, ArrayValue) else (value,):
                if isinstance(v, float) and not math.isfinite(v):
                    raise GGUFShapeError(f"{key} is {v}, not a finite number")
    for key, (low, high) in SHAPE_BOUNDS.items():
        full = f"{arch}.{key}"
        if full not in header.metadata:
            continue
        value = header.metadata[full]
        values = value.values if isinstance(value, ArrayValue) else (value,)
        if values is None:
            if value.count > 1 << 16:
                raise GGUFShapeError(f"{full} is an array of {value.count} values")
            continue
        for v in values:
            if isinstance(v, bool) or not isinstance(v, int):
                raise GGUFShapeError(f"{full} is {v!r:.40}, not a whole number")
            if not low <= v <= high:
                raise GGUFShapeError(f"{full} is {v}, outside {low}..{high}")
    data_bytes = None if file_bytes is None else file_bytes - header.data_offset
    if data_bytes is not None and data_bytes < 0:
        raise GGUFShapeError(f"the header says tensor data starts at byte {header.data_offset}, "
                             f"past the end of the {file_bytes}-byte file")
    for t in header.tensors:
        if t.n_elements > MAX_TENSOR_ELEMENTS:
            raise GGUFShapeError(f"tensor {t.name!r:.60} has {t.n_elements} elements")
        if data_bytes is not None and t.n_elements and t.offset >= data_bytes:
            raise GGUFShapeError(f"tensor {t.name!r:.60} starts past the end of the file")
    return header


Fetcher = Callable[[int, int], bytes]
"""``fetch(offset, length) -> bytes``: up to ``length`` bytes from ``offset`` (fewer at EOF)."""


def read_header(fetch: Fetcher, *, first: int = 1 << 20, limit: int = MAX_HEADER_BYTES
                ) -> tuple[GGUFHeader, int]:
    """Read growing prefixes through ``fetch`` until the header parses.

    Returns the header and the number of bytes fetched in all.

    Example (not run)::

        header, fetched = read_header(local_fetcher("m.gguf"))
    """
    buf = bytearray()
    want = first
    while True:
        requested = want - len(buf)
        chunk = fetch(len(buf), requested) if requested > 0 else b""
        eof = len(chunk) < requested
        buf += chunk
        try:
            return parse_header(memoryview(buf)), len(buf)
        except NeedMoreData as more:
            if eof or more.needed > limit:
                raise GGUFFormatError(
                    "file ends inside the GGUF header" if eof else
                    f"GGUF header larger than {limit} bytes") from None
            grow = max(more.hint, len(buf) * 5 // 4) if more.hint else len(buf) * 2
            want = max(more.needed, min(grow, limit))


def local_fetcher(path: str | Path) -> Fetcher:
    """A fetcher over a local file (opened per call, so nothing stays open)."""

    def fetch(offset: int, length: int) -> bytes:
        with open(path, "rb") as handle:
            handle.seek(offset)
            return handle.read(length)

    return fetch


def read_local_header(path: str | Path) -> GGUFHeader:
    """Header of a local GGUF file, reading only the header's bytes.

    Example (not run)::

        read_local_header("SmolLM2-135M-Instruct.Q4_1.gguf").architecture   # 'llama'
    """
    header, _ = read_header(local_fetcher(path), first=256 * 1024)
    return header
