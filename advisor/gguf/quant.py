"""Quantization names: from a GGUF file name or its ``general.file_type``, and their order.

    >>> quant_from_filename("Llama-3.2-1B-Instruct-Q4_K_M.gguf")
    'Q4_K_M'
    >>> quant_from_file_type(15)
    'Q4_K_M'
    >>> split_info("m-Q8_0-00001-of-00003.gguf")
    ('m-Q8_0', 1, 3)
"""

from __future__ import annotations

import re

_QUANT_RE = re.compile(
    r"(?<![A-Za-z0-9])(I?Q[1-8](?:_K(?:_(?:XXS|XS|S|M|L|XL))?|_[0-9](?:_[0-9]_[0-9])?|"
    r"_(?:XXS|XS|S|M|L|NL))|TQ[12]_0|"
    r"BF16|F16|FP16|F32|FP32|MXFP4(?:_MOE)?)(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_SPLIT_RE = re.compile(r"^(?P<stem>.*)-(?P<part>\d{5})-of-(?P<total>\d{5})\.gguf$", re.IGNORECASE)

# Best quality first. Anything above Q8_0 costs memory for no practical gain, so the
# recommender walks RECOMMEND_ORDER, which puts the 16/32-bit files last.
QUALITY_ORDER = (
    "F32", "BF16", "F16", "Q8_0", "Q6_K", "Q5_K_L", "Q5_K_M", "Q5_K_S", "Q5_1", "Q5_0",
    "Q4_K_L", "Q4_K_M", "IQ4_XS", "IQ4_NL", "Q4_K_S", "Q4_1", "Q4_0", "MXFP4_MOE", "MXFP4",
    "Q3_K_XL", "Q3_K_L", "Q3_K_M", "IQ3_M", "IQ3_S", "Q3_K_S", "IQ3_XS", "IQ3_XXS",
    "Q2_K_L", "Q2_K", "IQ2_M", "IQ2_S", "Q2_K_S", "IQ2_XS", "IQ2_XXS", "TQ2_0", "IQ1_M",
    "TQ1_0", "IQ1_S",
)
RECOMMEND_ORDER = QUALITY_ORDER[3:] + QUALITY_ORDER[:3][::-1]


def normalize_quant(name: str) -> str:
    """Upper-case canonical spelling: ``q4_k_m`` -> ``Q4_K_M``, ``fp16`` -> ``F16``."""
    q = name.strip().upper()
    return {"FP16": "F16", "FP32": "F32"}.get(q, q)


def quant_from_filename(filename: str) -> str | None:
    """The last quantization-looking token in the file's base name, or None."""
    base = filename.rsplit("/", 1)[-1]
    found = _QUANT_RE.findall(base)
    return normalize_quant(found[-1]) if found else None


def quant_from_file_type(file_type: object) -> str | None:
    """``general.file_type`` (gguf.LlamaFileType) as a quant name, or None."""
    if not isinstance(file_type, int) or isinstance(file_type, bool):
        return None
    import gguf

    try:
        name = gguf.LlamaFileType(file_type).name
    except ValueError:
        return None
    if name == "GUESSED":
        return None
    return name.removeprefix("MOSTLY_").removeprefix("ALL_")


def split_info(filename: str) -> tuple[str, int, int] | None:
    """``(stem, part, total)`` for split GGUF names like ``x-00001-of-00003.gguf``."""
    m = _SPLIT_RE.match(filename)
    if not m:
        return None
    return m["stem"], int(m["part"]), int(m["total"])


def recommend_rank(quant: str | None) -> int:
    """Rank for recommending: Q8_0 first, down to IQ1_S, then F16, BF16, F32, unknown."""
    q = normalize_quant(quant) if quant else ""
    return RECOMMEND_ORDER.index(q) if q in RECOMMEND_ORDER else len(RECOMMEND_ORDER)
