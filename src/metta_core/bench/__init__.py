"""Benchmarks: the code that measures, one module per subject (env, maps, train, sim, replay, sweep).

Each returns its figures and prints nothing; `metta bench <subject>` (metta_cli/bench.py) prints
them as `name=value` lines, and the scripts under `benchmarks/` compare them with targets and
peers. Never run by tests.
"""
