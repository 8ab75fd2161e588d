"""Hyperparameter sweeps on Optuna: the sweep config, the study, the trial loop, the report.

`config` holds the pydantic model of a sweep YAML; `study` wraps Optuna (storage, samplers,
suggestion -> overrides, observations); `lifecycle` is init/run/eval as library calls; `trial`
runs one trial as `metta train` + evaluation; `report` summarises a study for `metta sweep show`.
Importing this package must stay light: optuna, torch and matplotlib are imported by the modules
that need them, not here.
"""
