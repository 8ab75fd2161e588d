"""Which pydantic model validates which kind of configuration.

`metta config show|validate|schema` look models up here by name. Entries are import strings so
that listing them imports nothing heavy; a model whose module is not built yet says so.
"""

from __future__ import annotations

import importlib

from pydantic import BaseModel

from metta_core.errors import ConfigError

#: schema name -> "module:attribute". Command settings first, then sections.
SCHEMAS: dict[str, str] = {
    "train": "metta_core.rl.settings:TrainSettings",
    "sim": "metta_core.sim.settings:SimSettings",
    "sweep": "metta_core.sweep.config:SweepConfig",
    "env": "metta_core.env.config:EnvConfig",
    "agent": "metta_core.policy.config:AgentConfig",
    "trainer": "metta_core.rl.settings:TrainerConfig",
    "suite": "metta_core.sim.suite:SuiteConfig",
    "map": "metta_core.maps.config:MapConfigModel",
    "scene": "metta_core.maps.scene:SceneConfig",
    "wandb": "metta_core.rl.settings:WandbConfig",
    "stats": "metta_core.rl.settings:StatsConfig",
}

#: Shipped preset directories and the schema their files follow (used to guess a file's schema).
PRESET_DIR_SCHEMA: dict[str, str] = {
    "env": "env",
    "agent": "agent",
    "trainer": "trainer",
    "sim": "suite",
    "sweep": "sweep",
    "maps": "map",
    "scenes": "scene",
}


def load_schema(name: str) -> type[BaseModel]:
    if name not in SCHEMAS:
        raise ConfigError(f"schema '{name}': unknown (known: {', '.join(SCHEMAS)})")
    module_name, attribute = SCHEMAS[name].split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name and module_name.startswith(err.name):
            raise ConfigError(f"schema '{name}': not built yet ({module_name} is missing)") from None
        raise
    return getattr(module, attribute)
