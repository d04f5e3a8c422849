"""How long `advisor profiles watch` takes, and how many Hub requests it makes, for N
profiled models against the local Hub stand-in (each with a LICENSE and a profiled base).

    python tests/bench/bench_watch.py [N]        # default 40
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.fixtures.hub_server import HubFile, HubRepo, serve_hub  # noqa: E402

LICENSE = b"Apache License, Version 2.0\n" * 400          # about 11 kB, a real license's size


def main(n: int) -> None:
    repos, models = {}, []
    sha = hashlib.sha256(LICENSE).hexdigest()
    for i in range(n):
        base, model = f"bench/Model-{i}", f"bench/Model-{i}-Instruct"
        for repo_id, card in ((base, {}), (model, {"base_model": base})):
            repos[repo_id] = HubRepo(files={"LICENSE": HubFile(LICENSE, lfs=False)},
                                     card_data={"license": "apache-2.0", "license_link": "LICENSE",
                                                **card})
        models.append({"id": model, "licenses": ["apache-2.0"], "base_model": base,
                       "license_file": {"path": "LICENSE", "sha256": sha}})
    with tempfile.TemporaryDirectory() as tmp, serve_hub(repos) as hub:
        profiles = Path(tmp) / "profiles"
        profiles.mkdir()
        (profiles / "bench.yaml").write_text(yaml.safe_dump(
            {"schema": "advisor.model-family/1", "family": "Bench", "vendor": "Bench",
             "models": models}), encoding="utf-8")
        env = {**hub.env(Path(tmp)), "HF_HUB_OFFLINE": "0", "PYTHONPATH": str(ROOT)}
        ids = ",".join(m["id"] for m in models)
        for jobs in (1, 4):
            before = len(hub.requests)
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "advisor", "profiles", "watch",
                                   "--profiles", str(profiles), "--models", ids,
                                   "--jobs", str(jobs)], env=env, capture_output=True,
                                  text=True, cwd=ROOT)
            wall = time.perf_counter() - start
            assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
            served = sum(v for (repo, name), v in hub.bytes_served.items() if name == "LICENSE")
            print(f"{n} models, --jobs {jobs}: {wall:.2f} s, "
                  f"{(len(hub.requests) - before) / n:.1f} Hub requests per model, "
                  f"LICENSE bytes served so far {served}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
