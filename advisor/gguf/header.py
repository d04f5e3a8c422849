"""Read a GGUF file's header (metadata and tensor infos) from a byte prefix, and check
that it describes a usable model.

A reader asks its source for growing prefixes until the header parses
(:func:`advisor.gguf.parse.parse_header`, a pure function of the bytes), so a header
costs one or a few small reads whatever the size of the file.

    Example (not run)::

        header = read_header(local_fetcher("model.gguf"))
        header.architecture, header.metadata["general.name"], len(header.tensors)
        # -> ('llama', 'SmolLM2 135M Instruct', 272)

A header that parses can still describe no usable model (no tensors, a negative layer
count, an infinite number): :func:`check_header` says so with :class:`GGUFShapeError`.

    Example (not run)::

        check_header(read_local_header("model.gguf"), file_bytes=98_362_432).architecture
        # -> 'llama'

The parser's types, errors and budgets are importable from here as well.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from advisor.gguf.parse import (DEFAULT_ALIGNMENT, GGUF_MAGIC, MAX_HEADER_BYTES,  # noqa: F401
                                MAX_ITEMS, MAX_KEPT_TEXT, MAX_NESTED, ArrayValue,  # (re-exported)
                                GGUFError, GGUFFormatError, GGUFHeader, GGUFShapeError,
                                NeedMoreData, TensorInfo, parse_header)

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
