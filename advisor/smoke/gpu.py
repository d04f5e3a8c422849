"""How many layers to offload to the GPU, and which devices llama.cpp sees.

:func:`plan_gpu_layers` is pure; :func:`ggml_devices` asks the loaded ggml library
(the one llama-cpp-python ships) for its devices and their free memory, so CUDA, Metal
and Vulkan builds all report the same way.

    >>> plan_gpu_layers("auto", supports_offload=False, free_vram=None, n_layer=30,
    ...                 layers_that_fit=30)
    GpuPlan(n_gpu_layers=0, reason='llama.cpp was built without GPU offload')
    >>> plan_gpu_layers("auto", supports_offload=True, free_vram=8 << 30, n_layer=30,
    ...                 layers_that_fit=12).n_gpu_layers
    13
"""

from __future__ import annotations

import ctypes
import os
import re
from dataclasses import dataclass

GPU_MODES = ("auto", "on", "off")
ALL_LAYERS = -1      # llama-cpp-python: every layer and the output head
_GPU_TYPES = (1, 2)  # ggml_backend_dev_type: GPU, IGPU


@dataclass(frozen=True)
class GpuPlan:
    n_gpu_layers: int
    reason: str


class GpuUnavailable(Exception):
    """``--gpu on`` but this llama.cpp cannot offload."""


INSTALL_HINT = ('install a GPU build: CMAKE_ARGS="-DGGML_CUDA=on" (NVIDIA) or '
                'CMAKE_ARGS="-DGGML_METAL=on" (Apple) pip install --force-reinstall '
                '--no-cache-dir llama-cpp-python')


def plan_gpu_layers(mode: str, *, supports_offload: bool, free_vram: int | None,
                    n_layer: int, layers_that_fit: int) -> GpuPlan:
    """Decide ``n_gpu_layers`` for ``--gpu auto|on|off``.

    ``layers_that_fit`` is how many repeating blocks fit in ``free_vram`` beside the
    output head (from the header estimate); ``free_vram`` None means the device did not
    say. llama.cpp offloads the output head first (``i_gpu_start = n_layer + 1 -
    n_gpu_layers``), so a partial plan asks for the blocks plus one.
    """
    if mode == "off":
        return GpuPlan(0, "--gpu off")
    if not supports_offload:
        if mode == "on":
            raise GpuUnavailable("--gpu on, but this llama-cpp-python has no GPU offload; "
                                 + INSTALL_HINT)
        return GpuPlan(0, "llama.cpp was built without GPU offload")
    if mode == "on":
        return GpuPlan(ALL_LAYERS, "--gpu on: all layers")
    if free_vram is None:
        return GpuPlan(ALL_LAYERS, "free VRAM unknown: all layers")
    if layers_that_fit >= n_layer:
        return GpuPlan(ALL_LAYERS, f"fits in {free_vram >> 20} MiB free VRAM: all layers")
    if layers_that_fit > 0:
        return GpuPlan(int(layers_that_fit) + 1, f"{layers_that_fit} of {n_layer} layers and "
                       f"the output layer fit in {free_vram >> 20} MiB free VRAM")
    return GpuPlan(0, f"does not fit in {free_vram >> 20} MiB free VRAM: CPU")


@dataclass(frozen=True)
class Device:
    name: str
    description: str
    kind: int
    free_bytes: int
    total_bytes: int

    @property
    def is_gpu(self) -> bool:
        return self.kind in _GPU_TYPES

    @property
    def backend(self) -> str:
        """``CUDA0`` -> ``cuda``, ``Metal`` -> ``metal``."""
        return re.sub(r"\d+$", "", self.name).lower() or "gpu"


def ggml_devices() -> list[Device]:
    """Devices of the ggml library bundled with llama-cpp-python ([] when unreadable)."""
    try:
        import llama_cpp

        libdir = os.path.join(os.path.dirname(llama_cpp.__file__), "lib")
        names = [n for n in os.listdir(libdir) if n.startswith("libggml.") or n == "ggml.dll"]
        lib = ctypes.CDLL(os.path.join(libdir, sorted(names, key=len)[0]))
        lib.ggml_backend_dev_count.restype = ctypes.c_size_t
        lib.ggml_backend_dev_get.restype = ctypes.c_void_p
        lib.ggml_backend_dev_get.argtypes = [ctypes.c_size_t]
        for fn in ("ggml_backend_dev_name", "ggml_backend_dev_description"):
            getattr(lib, fn).restype = ctypes.c_char_p
            getattr(lib, fn).argtypes = [ctypes.c_void_p]
        lib.ggml_backend_dev_type.restype = ctypes.c_int
        lib.ggml_backend_dev_type.argtypes = [ctypes.c_void_p]
        lib.ggml_backend_dev_memory.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_size_t),
                                                ctypes.POINTER(ctypes.c_size_t)]
        devices = []
        for i in range(lib.ggml_backend_dev_count()):
            dev = lib.ggml_backend_dev_get(i)
            free, total = ctypes.c_size_t(), ctypes.c_size_t()
            lib.ggml_backend_dev_memory(dev, ctypes.byref(free), ctypes.byref(total))
            devices.append(Device((lib.ggml_backend_dev_name(dev) or b"").decode(),
                                  (lib.ggml_backend_dev_description(dev) or b"").decode(),
                                  int(lib.ggml_backend_dev_type(dev)),
                                  int(free.value), int(total.value)))
        return devices
    except (OSError, AttributeError, IndexError, ImportError):
        return []
