"""Check a local GGUF file before llama.cpp sees it: exists, GGUF header, not truncated.

Uses the hub adapter's header reader (only the header's bytes are read) and checks that
every tensor's data lies inside the file, so a truncated download is refused in the
parent instead of crashing llama.cpp.

    Example (not run)::

        info = inspect_gguf(Path("SmolLM2-135M-Instruct.Q4_1.gguf"))
        info.architecture, info.n_layer, "tokenizer.chat_template" in info.templates
        # -> ('llama', 30, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.errors import InputError
from advisor.smoke.template_guard import template_keys

HASH_LIMIT = 8 << 30          # files above this are hashed only when asked (hash_file=True)


def should_hash(asked: bool | None, size: int) -> bool:
    """Hash when asked (``--hash``/``--no-hash``), else when the file is at most HASH_LIMIT."""
    return asked if asked is not None else size <= HASH_LIMIT


@dataclass(frozen=True)
class ModelFile:
    path: Path
    size: int
    header: Any                    # advisor.gguf.header.GGUFHeader
    templates: dict[str, str]      # metadata key -> Jinja2 template text

    @property
    def architecture(self) -> str | None:
        return self.header.architecture

    @property
    def n_layer(self) -> int:
        value = self.header.arch_value("block_count")
        return int(value) if isinstance(value, int) else 0

    @property
    def name(self) -> str:
        value = self.header.metadata.get("general.name")
        return value if isinstance(value, str) and value else self.path.name


def _data_end(header) -> int | None:
    """Offset just past the last tensor's data, or None when a tensor type is unknown."""
    from advisor.gguf.estimate import tensor_bytes

    end = header.data_offset
    for tensor in header.tensors:
        size = tensor_bytes(tensor.ggml_type, tensor.n_elements)
        if size is None:
            return None
        end = max(end, header.data_offset + tensor.offset + size)
    return end


def inspect_gguf(path: Path) -> ModelFile:
    """Validate ``path`` as a complete GGUF file; InputError (exit 2) with one line if not."""
    from advisor.gguf.header import GGUFError, read_local_header

    path = Path(path).expanduser()
    if not path.exists():
        raise InputError(str(path), "no such file")
    if not path.is_file():
        raise InputError(str(path), "not a file")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise InputError(str(path), exc.strerror or "cannot be read") from None
    if magic != b"GGUF":
        what = "empty file" if size == 0 else f"bad magic {magic!r}"
        raise InputError(str(path), f"not a GGUF file ({what})")
    try:
        header = read_local_header(path)
    except GGUFError as exc:
        raise InputError(str(path), f"corrupt GGUF header: {exc}") from None
    except OSError as exc:
        raise InputError(str(path), exc.strerror or "cannot be read") from None
    if not header.tensors:
        raise InputError(str(path), "GGUF file holds no tensors (not a model)")
    end = _data_end(header)
    if end is not None and end > size:
        raise InputError(str(path), f"truncated: tensor data ends at byte {end}, "
                         f"the file has {size} bytes")
    return ModelFile(path, size, header, template_keys(header.metadata))


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, streamed, as hex: ``sha256_file(Path("m.gguf")) -> '6f85...'``."""
    from advisor.hub.pull import sha256_file as hub_sha256

    return hub_sha256(Path(path)).hexdigest()
