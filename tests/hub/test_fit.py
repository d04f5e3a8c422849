"""The one fit rule (advisor.gguf.fit): free memory, no margins, the same classes whether
the whole header is known (estimate.fit_model) or only a total or a parameter count."""

from __future__ import annotations

from advisor.gguf.fit import fit_for_bytes, parameters_bytes, parameters_fit
from advisor.machine.hardware import simulated_hardware
from advisor.tui.rows import candidate_fit

GIB = 1 << 30


def test_the_classes_at_their_edges():
    mem = dict(ram_bytes=16 * GIB, vram_bytes=8 * GIB, gpu_offload=True)
    assert fit_for_bytes(8 * GIB, **mem) == "gpu"
    assert fit_for_bytes(8 * GIB + 1, **mem) == "partial"
    assert fit_for_bytes(24 * GIB, **mem) == "partial"
    assert fit_for_bytes(24 * GIB + 1, **mem) == "too_large"
    assert fit_for_bytes(16 * GIB, **{**mem, "gpu_offload": False}) == "cpu"
    assert fit_for_bytes(16 * GIB + 1, **{**mem, "gpu_offload": False}) == "too_large"


def test_a_gpu_llama_cpp_cannot_use_does_not_count():
    assert fit_for_bytes(4 * GIB, ram_bytes=16 * GIB, vram_bytes=8 * GIB,
                         gpu_offload=False) == "cpu"


def test_the_app_table_uses_the_same_rule_on_free_memory():
    # 22e9 weights at Q4_K_M need ~13.8 GB: the whole of a 16 GiB machine's free memory
    # may hold it (the table's old rule kept a fifth of the RAM back and said too_large).
    need = parameters_bytes(22e9)
    assert 12.8 * GIB < need < 16 * GIB
    machine = simulated_hardware(ram_gb=16)
    assert candidate_fit({"access": "weights"}, 22e9, machine) == "cpu" == parameters_fit(
        22e9, ram_bytes=machine.ram_available_bytes, vram_bytes=0, gpu_offload=False)
    assert parameters_fit(22e9, ram_bytes=0, vram_bytes=0, gpu_offload=False, hosted=True) \
        == "hosted"
