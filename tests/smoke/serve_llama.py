"""Start llama-cpp-python's own OpenAI-compatible server (``llama_cpp.server``) for tests.

Same arguments as ``python -m llama_cpp.server``. On CPUs with AMX it first turns off
llama.cpp's CPU extra buffer types, as the advisor's child process does: the AMX matrix
multiply segfaults on some machines (llama.cpp issue 20824).

    $ python tests/smoke/serve_llama.py --model m.gguf --host 127.0.0.1 --port 8765
"""

from __future__ import annotations

import runpy

from advisor.smoke.cpu_buffers import safe_extra_buffers

with safe_extra_buffers():   # the server loads its model inside run_module
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
