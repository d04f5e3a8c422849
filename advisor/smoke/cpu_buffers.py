"""llama.cpp's CPU "extra buffer types" (AMX, repacked weights), and turning them off.

On CPUs with AMX, llama.cpp's AMX matrix multiply segfaults on multi-token batches on
some machines (llama.cpp issue 20824; seen here with SmolLM2 Q4_1). llama-cpp-python
has no argument for ``use_extra_bufts``, so we set it on the default model parameters
while a model loads.

    Example (not run)::

        use, note = want_extra_buffers("auto", llama_lib.llama_print_system_info().decode())
        with extra_buffers(use):
            llm = llama_cpp.Llama(model_path="m.gguf")
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


def want_extra_buffers(setting: str, system_info: str) -> tuple[bool, str | None]:
    """Whether to let llama.cpp use its CPU extra buffer types, and a note saying why not.

    ``auto`` turns them off where AMX is present.
    """
    if setting == "on":
        return True, None
    if setting == "off":
        return False, "CPU extra buffers off (--cpu-extra-buffers off)"
    if "AMX_INT8 = 1" in system_info:
        return False, ("CPU extra buffers (AMX) off: AMX matmul crashes on some CPUs "
                       "(llama.cpp#20824)")
    return True, None


@contextmanager
def extra_buffers(enabled: bool) -> Iterator[None]:
    """Load models inside this block with ``use_extra_bufts`` set to ``enabled``."""
    import llama_cpp.llama_cpp as llama_lib

    default_params = llama_lib.llama_model_default_params

    def model_params():
        params = default_params()
        params.use_extra_bufts = enabled
        return params

    llama_lib.llama_model_default_params = model_params
    try:
        yield
    finally:
        llama_lib.llama_model_default_params = default_params


def safe_extra_buffers() -> Iterator[None]:
    """``extra_buffers`` with the ``auto`` choice for this CPU (for tests and benchmarks)."""
    import llama_cpp.llama_cpp as llama_lib

    use, _ = want_extra_buffers("auto", llama_lib.llama_print_system_info().decode())
    return extra_buffers(use)
