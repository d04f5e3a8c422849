"""Start llama-cpp-python's own OpenAI-compatible server (``llama_cpp.server``) for tests.

Same arguments as ``python -m llama_cpp.server``. On CPUs with AMX it first turns off
llama.cpp's CPU extra buffer types, as the advisor's child process does: the AMX matrix
multiply segfaults on some machines (llama.cpp issue 20824).

    $ python tests/smoke/serve_llama.py --model m.gguf --host 127.0.0.1 --port 8765
"""

from __future__ import annotations

import runpy

import llama_cpp.llama_cpp as llama_lib

if b"AMX_INT8 = 1" in llama_lib.llama_print_system_info():
    _default_params = llama_lib.llama_model_default_params

    def _model_params():
        params = _default_params()
        params.use_extra_bufts = False
        return params

    llama_lib.llama_model_default_params = _model_params

runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
