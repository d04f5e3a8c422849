"""A hand-built ``advisor.record/1`` document and smoke result for renderer tests."""

from __future__ import annotations

import copy
from typing import Any

SHA_GGUF = "a" * 64
SMOKE: dict[str, Any] = {
    "model": "/models/SmolLM2-135M-Instruct.Q4_1.gguf",
    "backend": "llama.cpp",
    "gpu_layers": 0,
    "load_seconds": 0.21,
    "prompts": [
        {"id": "capital", "output": "Paris", "passed": True, "ttft_seconds": 0.02,
         "completion_tokens": 5, "tokens_per_second": 180.0},
        {"id": "arith", "output": "4", "passed": False, "ttft_seconds": 0.04,
         "completion_tokens": 3, "tokens_per_second": 160.0},
    ],
    "passed": False,
    "peak_rss_bytes": 300 * 2**20,
    "sha256": SHA_GGUF,
    "llama_cpp_version": "0.3.36",
    "system_info": "AVX = 1 | AVX2 = 1",
}

_FINDING = {"severity": "condition", "code": "attribution",
            "message": "Display 'Built with Llama' on a related website or documentation.",
            "obligation": "Display 'Built with Llama'.",
            "source": {"title": "Llama 3.2 Community License", "section": "1.b.i",
                       "url": "https://example.org/llama3.2", "checked": "2026-11-23"}}

RECORD: dict[str, Any] = {
    "schema": "advisor.record/1",
    "title": "Adopt meta-llama/Llama-3.2-1B-Instruct for general assistant",
    "status": "proposed",
    "date": "2026-11-23",
    "created": "2026-11-23T00:00:00Z",
    "decision_makers": ["Ada", "Grace"],
    "model": "meta-llama/Llama-3.2-1B-Instruct",
    "answers": {
        "schema": "advisor.answers/1",
        "organization": {"domicile": "DE", "monthly_active_users": 2000000},
        "deployment": {"regions": ["DE", "FR", "US"], "mode": "hosted_service", "commercial": True},
        "use_case": {"categories": ["general_assistant"], "modalities": ["text"]},
        "needs": {"fine_tune": False, "distill_outputs": False, "redistribute_weights": False,
                  "openness": "any"},
        "hardware": "auto",
    },
    "context": {"use_case_titles": {"general_assistant": "General assistant"}},
    "chosen": {
        "model": "meta-llama/Llama-3.2-1B-Instruct", "license": "llama3.2", "licenses": ["llama3.2"],
        "verdict": "conditional", "findings": [_FINDING],
        "obligations": ["Display 'Built with Llama'."],
        "openness": {"osaid": "fail", "mof_class": "none", "components": {}},
        "profile": {"family": "Llama 3.2", "vendor": "Meta", "modalities": ["text"]},
    },
    "alternatives": [
        {"model": "Qwen/Qwen2.5-0.5B-Instruct", "license": "apache-2.0", "licenses": ["apache-2.0"],
         "verdict": "allowed",
         "findings": [{"severity": "info", "code": "notice", "message": "Keep the license and notices.",
                       "source": {"title": "Apache License 2.0", "section": "4",
                                  "url": "https://www.apache.org/licenses/LICENSE-2.0"}}],
         "obligations": [], "openness": {"osaid": "fail", "mof_class": "none"}},
    ],
    "smoke": copy.deepcopy(SMOKE),
    "reproducibility": {
        "advisor_version": "0.1.0",
        "profiles_digest": "sha256:" + "b" * 64,
        "license_files": {"llama3.2": {"sha256": "c" * 64, "file": "licenses/llama3.2.yaml",
                                       "title": "Llama 3.2 Community License", "spdx": "LicenseRef-llama3.2",
                                       "url": "https://example.org/llama3.2"}},
        "hub": {"repo_id": "meta-llama/Llama-3.2-1B-Instruct", "sha": "d" * 40},
        "gguf": {"file": "SmolLM2-135M-Instruct.Q4_1.gguf", "repo": None,
                 "path": "/models/SmolLM2-135M-Instruct.Q4_1.gguf", "sha256": SHA_GGUF},
        "llama_cpp_version": "0.3.36",
        "hardware": None,
        "system_info": "AVX = 1 | AVX2 = 1",
    },
    "sources": [_FINDING["source"]],
}


def sample_record() -> dict[str, Any]:
    return copy.deepcopy(RECORD)
