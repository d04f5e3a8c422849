"""A model's size, context and architecture as the Hub's model-info reply states them.

Pure functions over the reply's ``gguf`` object (``total`` parameters, ``architecture``,
``context_length``), its ``safetensors`` object (``total`` and ``parameters`` per stored
dtype), its ``config`` (``quantization_config``) and its file sizes. Untrusted: a value of
the wrong type or out of range reads as unknown (None), never as 0.

Packed quantizations store several weights in one element: MXFP4 (gpt-oss) keeps two
4-bit weights per U8 byte plus one U8 scale per 32 weights; GPTQ and AWQ keep eight 4-bit
weights per I32. The Hub's own counter (huggingface.js ``parseSafetensorsMetadata``)
unpacks them since August 2025, but a count made before then stays as it was: stored
elements. Which one a reply holds is read off the weight files' bytes, when the reply
lists them, and the basis says which:

    >>> mxfp4 = {"quant_method": "mxfp4"}
    >>> unpacked_parameters({"BF16": 1_000, "U8": 32_000}, mxfp4, weight_bytes=19_000)[1]
    'safetensors, U8 counted by the Hub as MXFP4 weights (checked against 18.6 KiB of weight files)'
    >>> unpacked_parameters({"BF16": 1_000, "U8": 17_000}, mxfp4, weight_bytes=19_000)
    (33000.0, 'safetensors, U8 read as MXFP4 (32 weights per 17 stored bytes; checked against 18.6 KiB of weight files)')
    >>> unpacked_parameters({"F16": 100, "I32": 1_000}, {"quant_method": "gptq", "bits": 4}, 4_200)[0]
    8100.0
    >>> unpacked_parameters({"F16": 100, "I32": 8_000}, {"quant_method": "gptq", "bits": 4})
    (8100.0, 'safetensors, I32 as the Hub counts (4-bit packing not checked: no file sizes)')
    >>> unpacked_parameters({"BF16": 8_030_261_248}, None)
    (8030261248.0, 'safetensors')
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_PARAMETERS = 10**15
MAX_CONTEXT = 2**31
_PACKED = {"U8": 8, "I8": 8, "I32": 32, "U32": 32}      # bits per stored element
_ITEM_BYTES = {"F64": 8, "I64": 8, "U64": 8, "F32": 4, "I32": 4, "U32": 4, "F16": 2,
               "BF16": 2, "I16": 2, "U16": 2, "F8_E4M3": 1, "F8_E5M2": 1, "F8_E8M0": 1,
               "E8M0": 1, "UE8": 1, "I8": 1, "U8": 1, "BOOL": 1, "F6_E2M3": 0.75,
               "F6_E3M2": 0.75, "F4": 0.5, "FP4": 0.5}
# The files the Hub counts: a root model.safetensors or the shards of its index.
_WEIGHT_FILE = re.compile(r"model(-\d{5,6}-of-\d{5,6})?\.safetensors")
_NEAR = 1.35          # a reading whose bytes are further off than this settles nothing


@dataclass(frozen=True)
class SizeFacts:
    """What the reply states; None where it does not (or states nonsense)."""

    parameters: float | None = None
    parameters_basis: str | None = None    # "gguf", "safetensors", "safetensors, U8 read as ..."
    context_length: int | None = None
    architecture: str | None = None


def _count(value: Any, limit: int = MAX_PARAMETERS) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if value != value or not 0 < value < limit or (isinstance(value, float)
                                                   and not value.is_integer()):
        return None
    return int(value)


def _short_text(value: Any, limit: int = 64) -> str | None:
    if isinstance(value, str) and 0 < len(value) <= limit and value.isprintable():
        return value
    return None


def _quantization(config: Any) -> Mapping[str, Any] | None:
    if not isinstance(config, Mapping):
        return None
    for holder in (config, config.get("text_config")):
        if isinstance(holder, Mapping) and isinstance(holder.get("quantization_config"), Mapping):
            return holder["quantization_config"]
    return None


@dataclass(frozen=True)
class _Packing:
    """How a packed dtype holds weights: per stored element, and file bytes per weight."""

    per_element: float
    weight_bytes: float        # scales included
    name: str                  # "MXFP4", "4-bit"

    def unpacking(self, dtype: str) -> str:
        if self.name == "MXFP4":
            return f"{dtype} read as MXFP4 (32 weights per 17 stored bytes"
        return f"{dtype} read as {self.name} packed ({self.per_element:g} weights per element"


def _packing(dtype: str, quantization: Mapping[str, Any] | None) -> _Packing | None:
    width = _PACKED.get(dtype)
    method = str((quantization or {}).get("quant_method") or "").lower()
    if width is None or not method:
        return None
    if method == "mxfp4" and dtype == "U8":
        return _Packing(32 / 17, 17 / 32, "MXFP4")
    bits = _count((quantization or {}).get("bits"), 64)
    if bits and bits < width:
        return _Packing(width // bits, bits / 8, f"{bits}-bit")
    return None


def _size(n: int) -> str:
    from advisor.text import human_bytes

    return human_bytes(n)


def _hub_unpacked(counts: Mapping[str, int], packings: Mapping[str, _Packing],
                  weight_bytes: int | None) -> bool | None:
    """True when the counts are weights (the Hub unpacked them), False when they are
    stored elements, None when the weight files' bytes cannot tell."""
    if not weight_bytes or any(d not in _ITEM_BYTES for d in counts):
        return None
    plain = sum(c * _ITEM_BYTES[d] for d, c in counts.items() if d not in packings)
    as_weights = plain + sum(counts[d] * p.weight_bytes for d, p in packings.items())
    as_stored = plain + sum(counts[d] * _ITEM_BYTES[d] for d in packings)
    off_weights = abs(math.log(as_weights / weight_bytes))
    off_stored = abs(math.log(as_stored / weight_bytes))
    if min(off_weights, off_stored) > math.log(_NEAR):
        return None
    return off_weights <= off_stored


def unpacked_parameters(per_dtype: Mapping[str, Any], quantization: Mapping[str, Any] | None,
                        weight_bytes: int | None = None) -> tuple[float, str] | None:
    """Weights from the counts per dtype: as the Hub counts them, or unpacked from stored
    elements when the weight files' bytes show the counts are of elements; None when
    nothing is countable."""
    counts = {str(k).upper(): c for k, v in per_dtype.items() if (c := _count(v)) is not None}
    if not counts:
        return None
    packings = {d: p for d in counts if (p := _packing(d, quantization)) is not None}
    stated = float(sum(counts.values()))
    if not packings:
        return stated, "safetensors"
    unpacked = _hub_unpacked(counts, packings, weight_bytes)
    if unpacked is None:
        why = "no file sizes" if not weight_bytes else "the file sizes fit neither reading"
        return stated, "safetensors, " + ", ".join(
            f"{d} as the Hub counts ({p.name} packing not checked: {why})"
            for d, p in packings.items())
    checked = f"checked against {_size(weight_bytes or 0)} of weight files"
    if unpacked:
        return stated, "safetensors, " + ", ".join(
            f"{d} counted by the Hub as {p.name} weights" for d, p in packings.items()
        ) + f" ({checked})"
    total = sum(c * packings[d].per_element if d in packings else c for d, c in counts.items())
    return float(total), "safetensors, " + ", ".join(
        p.unpacking(d) for d, p in packings.items()) + f"; {checked})"


def weight_file_bytes(siblings: Any) -> int | None:
    """The bytes of the weight files the Hub counts (root ``model.safetensors`` or its
    shards), from a reply listing sizes; None when any of them has no size.

    >>> weight_file_bytes([{"rfilename": "model-00001-of-00002.safetensors", "size": 5},
    ...                    {"rfilename": "model-00002-of-00002.safetensors", "size": 7},
    ...                    {"rfilename": "original/model.safetensors", "size": 12}])
    12
    """
    total, found = 0, False
    for entry in siblings if isinstance(siblings, Iterable) else ():
        name = entry.get("rfilename") if isinstance(entry, Mapping) else getattr(entry, "rfilename", None)
        if not isinstance(name, str) or not _WEIGHT_FILE.fullmatch(name):
            continue
        size = _count(entry.get("size") if isinstance(entry, Mapping) else getattr(entry, "size", None))
        if size is None:
            return None
        total, found = total + size, True
    return total if found else None


def size_facts(info: Any) -> SizeFacts:
    """The SizeFacts of a ``ModelInfo`` (or anything with ``gguf``, ``safetensors``,
    ``config`` and ``siblings`` attributes): the GGUF's own count first, then the
    safetensors count."""
    gguf = getattr(info, "gguf", None)
    gguf = gguf if isinstance(gguf, Mapping) else {}
    context = _count(gguf.get("context_length"), MAX_CONTEXT)
    architecture = _short_text(gguf.get("architecture"))
    config = getattr(info, "config", None)
    if architecture is None and isinstance(config, Mapping):
        architecture = _short_text(config.get("model_type"))
    total = _count(gguf.get("total"))
    if total is not None:
        return SizeFacts(float(total), "gguf", context, architecture)
    safetensors = getattr(info, "safetensors", None)
    per_dtype = (safetensors.get("parameters") if isinstance(safetensors, Mapping)
                 else getattr(safetensors, "parameters", None))
    if isinstance(per_dtype, Mapping):
        found = unpacked_parameters(per_dtype, _quantization(config),
                                    weight_file_bytes(getattr(info, "siblings", None)))
        if found is not None:
            return SizeFacts(found[0], found[1], context, architecture)
    stated = _count(getattr(safetensors, "total", None)
                    if not isinstance(safetensors, Mapping) else safetensors.get("total"))
    if stated is not None:
        return SizeFacts(float(stated), "safetensors", context, architecture)
    return SizeFacts(None, None, context, architecture)
