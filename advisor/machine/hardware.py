"""What this machine offers for running a model: CPUs, RAM, GPUs and llama.cpp offload.

GPUs come from NVML (``pynvml``, package nvidia-ml-py) when it imports and finds a
driver; otherwise there are none. llama.cpp is only imported when asked, because it
is slow to load.

    >>> hw = detect_hardware()
    >>> hw.cpu_count, hw.ram_available_bytes > 0
    (2, True)
    >>> simulated_hardware(ram_gb=16, vram_gb=8).vram_free_bytes
    8589934592
    >>> simulated_hardware(ram_gb=16).describe()
    '16 GiB RAM, no GPU'
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any

GIB = 1 << 30


@dataclass(frozen=True)
class GPU:
    name: str
    total_bytes: int
    free_bytes: int
    bandwidth: float = 0.0           # bytes/s from NVML (memory clock x bus width); 0 unknown


@dataclass(frozen=True)
class Hardware:
    cpu_count: int
    ram_total_bytes: int
    ram_available_bytes: int
    gpus: list[GPU] = field(default_factory=list)
    gpu_offload: bool = False        # llama.cpp built with a GPU backend
    source: str = "detected"         # "detected" or "answers"
    cpu_bandwidth: float = 40e9      # bytes/s: this machine's (advisor.machine.speed), else assumed
    gpu_bandwidth: float = 400e9     # bytes/s: NVML's memory clock x bus width, else assumed
    cpu_layer_seconds: float = 0.0   # fixed cost per layer per token on the CPU
    speed_basis: str = "assumed: 40 GB/s CPU, 400 GB/s GPU"

    @property
    def vram_free_bytes(self) -> int:
        """Free memory of the largest GPU (llama.cpp's default split puts layers on all,
        but one GPU is the conservative reading)."""
        return max((g.free_bytes for g in self.gpus), default=0)

    def describe(self) -> str:
        """Total RAM and the largest GPU's memory in GiB: ``'16 GiB RAM, 8 GiB GPU'``."""
        ram = round(self.ram_total_bytes / GIB, 1)
        vram = round(max((g.total_bytes for g in self.gpus), default=0) / GIB, 1)
        return f"{ram:g} GiB RAM" + (f", {vram:g} GiB GPU" if vram else ", no GPU")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["vram_free_bytes"] = self.vram_free_bytes
        return data


def nvidia_gpus() -> list[GPU]:
    """GPUs NVML reports, or [] without pynvml or a driver."""
    try:
        import pynvml
    except ImportError:
        return []
    try:
        pynvml.nvmlInit()
    except Exception:        # pynvml.NVMLError and its many subclasses: no driver, no GPU
        return []
    gpus = []
    try:
        for i in range(pynvml.nvmlDeviceGetCount()):
            handle = pynvml.nvmlDeviceGetHandleByIndex(i)
            mem = pynvml.nvmlDeviceGetMemoryInfo(handle)
            name = pynvml.nvmlDeviceGetName(handle)
            if isinstance(name, bytes):
                name = name.decode("utf-8", "replace")
            gpus.append(GPU(str(name), int(mem.total), int(mem.free), _bandwidth(pynvml, handle)))
    except Exception:
        pass
    finally:
        try:
            pynvml.nvmlShutdown()
        except Exception:
            pass
    return gpus


def _bandwidth(pynvml, handle) -> float:
    """Peak memory bandwidth: max memory clock (MHz) x 2 (double data rate) x bus bytes."""
    try:
        clock = pynvml.nvmlDeviceGetMaxClockInfo(handle, pynvml.NVML_CLOCK_MEM)
        width = pynvml.nvmlDeviceGetMemoryBusWidth(handle)
        return float(clock) * 1e6 * 2 * float(width) / 8
    except Exception:
        return 0.0


def llama_gpu_offload() -> bool:
    """Whether the installed llama.cpp can offload layers to a GPU (imports llama_cpp)."""
    try:
        import llama_cpp

        return bool(llama_cpp.llama_supports_gpu_offload())
    except Exception:
        return False


def detect_hardware(*, probe_llama: bool | None = None) -> Hardware:
    """This machine. Whether llama.cpp can offload to its GPUs: ``probe_llama`` None asks
    llama.cpp when a GPU was found; False does not load llama.cpp (slow to import) and
    assumes it can use a GPU that NVML found."""
    import psutil

    vm = psutil.virtual_memory()
    gpus = nvidia_gpus()
    if probe_llama is None:
        probe_llama = bool(gpus)
    offload = llama_gpu_offload() if probe_llama else bool(gpus)
    from dataclasses import replace

    from advisor.machine.speed import default_threads, machine_speed

    measured = max((g.bandwidth for g in gpus), default=0.0)
    hw = Hardware(os.cpu_count() or 1, int(vm.total), int(vm.available), gpus, offload)
    speed = machine_speed(default_threads())
    gpu = (f"GPU {measured / 1e9:.0f} GB/s (NVML)" if measured > 0 else "")
    hw = replace(hw, cpu_bandwidth=speed.bandwidth, cpu_layer_seconds=speed.layer_seconds,
                 speed_basis="CPU " + speed.basis + (f"; {gpu}" if gpu else ""))
    if measured > 0:
        hw = replace(hw, gpu_bandwidth=measured)
    return hw


def simulated_hardware(*, ram_gb: float, vram_gb: float = 0.0,
                       cpu_count: int | None = None) -> Hardware:
    """Hardware as the answers describe it (``hardware: {ram_gb, vram_gb}``)."""
    ram = int(ram_gb * GIB)
    vram = int(vram_gb * GIB)
    gpus = [GPU("simulated", vram, vram)] if vram > 0 else []
    return Hardware(cpu_count or os.cpu_count() or 1, ram, ram, gpus, bool(gpus), "answers")


def hardware_from_answers(answers_hardware: Any) -> Hardware:
    """``Answers.hardware`` (None for auto, or an object with ram_gb/vram_gb) to Hardware."""
    if answers_hardware is None:
        return detect_hardware()
    if isinstance(answers_hardware, dict):
        ram, vram = answers_hardware.get("ram_gb"), answers_hardware.get("vram_gb", 0)
    else:
        ram = getattr(answers_hardware, "ram_gb", None)
        vram = getattr(answers_hardware, "vram_gb", 0)
    if ram is None:
        return detect_hardware()
    return simulated_hardware(ram_gb=float(ram), vram_gb=float(vram or 0))
