"""bench/synth.py: the synthetic benchmark graph is the same file in every process."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERATE = ("import sys; sys.path[:0] = ['bench', '.']; from synth import generate; "
            "print(generate(sys.argv[1], 20_000))")


def _generate(path: Path, hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run([sys.executable, "-c", GENERATE, str(path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    return done.stdout


def test_generated_graph_does_not_depend_on_string_hashing(tmp_path):
    counts = [_generate(tmp_path / f"{seed}.nq", seed) for seed in ("1", "2")]
    digests = {hashlib.sha256((tmp_path / f"{seed}.nq").read_bytes()).hexdigest() for seed in ("1", "2")}
    assert counts[0] == counts[1] and len(digests) == 1
    text = (tmp_path / "1.nq").read_text(encoding="utf-8")
    assert text.count("\n") >= 20_000 and '"holds_position"' in text
