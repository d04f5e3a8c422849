"""A model's size, context and architecture as the Hub's model-info reply states them.

Pure functions over the reply's ``gguf`` object (``total`` parameters, ``architecture``,
``context_length``), its ``safetensors`` object (``total`` and ``parameters`` per stored
dtype) and its ``config`` (``quantization_config``). Untrusted: a value of the wrong
type or out of range reads as unknown (None), never as 0.

``safetensors`` counts stored elements, and packed quantizations store several weights
in one element: MXFP4 (gpt-oss) keeps two 4-bit weights per U8 byte plus one U8 scale per
32 weights; GPTQ and AWQ keep eight 4-bit weights per I32. The count is corrected for
what the config says, and the basis says how:

    >>> unpacked_parameters({"BF16": 1_000, "U8": 17_000}, {"quant_method": "mxfp4"})
    (33000.0, 'safetensors, U8 read as MXFP4 (32 weights per 17 bytes)')
    >>> unpacked_parameters({"F16": 100, "I32": 1_000}, {"quant_method": "gptq", "bits": 4})
    (8100.0, 'safetensors, I32 read as 4-bit packed (8 weights per element)')
    >>> unpacked_parameters({"BF16": 8_030_261_248}, None)
    (8030261248.0, 'safetensors')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_PARAMETERS = 10**15
MAX_CONTEXT = 2**31
_PACKED = {"U8": 8, "I8": 8, "I32": 32, "U32": 32}      # bits per stored element


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


def unpacked_parameters(per_dtype: Mapping[str, Any], quantization: Mapping[str, Any] | None
                        ) -> tuple[float, str] | None:
    """Weights from the stored elements per dtype, corrected for packed integer dtypes
    when the quantization config names the packing; None when nothing is countable."""
    counts = {str(k).upper(): c for k, v in per_dtype.items() if (c := _count(v)) is not None}
    if not counts:
        return None
    method = str((quantization or {}).get("quant_method") or "").lower()
    bits = _count((quantization or {}).get("bits"), 64)
    total = 0.0
    notes = []
    for dtype, count in counts.items():
        width = _PACKED.get(dtype)
        if width is None or not method:
            total += count
        elif method == "mxfp4" and dtype == "U8":
            total += count * 32 / 17
            notes.append("U8 read as MXFP4 (32 weights per 17 bytes)")
        elif bits and bits < width:
            per = width // bits
            total += count * per
            notes.append(f"{dtype} read as {bits}-bit packed ({per} weights per element)")
        else:
            total += count
    return total, ", ".join(["safetensors", *notes])


def size_facts(info: Any) -> SizeFacts:
    """The SizeFacts of a ``ModelInfo`` (or anything with ``gguf``, ``safetensors`` and
    ``config`` attributes): the GGUF's own count first, then the safetensors count."""
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
        found = unpacked_parameters(per_dtype, _quantization(config))
        if found is not None:
            return SizeFacts(found[0], found[1], context, architecture)
    stated = _count(getattr(safetensors, "total", None)
                    if not isinstance(safetensors, Mapping) else safetensors.get("total"))
    if stated is not None:
        return SizeFacts(float(stated), "safetensors", context, architecture)
    return SizeFacts(None, None, context, architecture)
