"""Milliseconds per map of every map builder at 64x64: one `<builder>_ms_per_map=<x>` line each.

Run: `.venv/bin/python benchmarks/bench_maps.py [size] [maps]` (the same figures as `metta bench maps`).
"""

from __future__ import annotations

import sys

from metta_core.bench.maps import BENCH_CONFIGS, bench_maps


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 64
    maps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    for name in BENCH_CONFIGS:
        print(f"{name}_ms_per_map={bench_maps(size, maps, [name])[name]:.2f}", flush=True)


if __name__ == "__main__":
    main()
