"""Configuration: pydantic models for every command and the loader that resolves their sources.

Sources, highest precedence first: explicit CLI options, `key=value` overrides, a `--config` YAML
file, `METTA_*` environment variables, shipped presets, model defaults. See `loader.resolve`.
"""
