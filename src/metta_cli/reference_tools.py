"""The reference's tool names (`./tools/<tool>.py`), hidden: `metta sweep_init sweep_name=x` runs
as the reference document says, while `metta --help` lists only our canonical commands.

Most are our commands under a second name; `sweep_init` and `sweep_eval` take the reference's
`key=value` arguments (SweepJobSettings) and call `metta sweep init` / `metta sweep eval`.
"""

from __future__ import annotations

import typer

from metta_cli import config, dump_src, render, stats, sweep, upload_map_imgs
from metta_cli import map as map_cli
from metta_cli.common import OverridesArgument

#: reference tool -> our command function, registered under the reference's name.
SAME_COMMANDS = {
    "renderer": render.command,
    "validate_config": config.validate,
    "stats_duckdb_cli": stats.command,
    "upload_map_imgs": upload_map_imgs.command,
    "dump_src": dump_src.command,
}
#: tools/map/<tool>.py -> our `metta map` subcommand of that job.
MAP_COMMANDS = {
    "gen_scene": map_cli.gen_scene,
    "normalize_ascii_map": map_cli.normalize_ascii,
    "normalize_scene_patterns": map_cli.normalize_patterns,
}


def _job(overrides: list[str] | None):
    from metta_core.config.loader import resolve
    from metta_core.sweep.config import SweepJobSettings

    return resolve(SweepJobSettings, overrides=list(overrides or []))


def sweep_init(overrides: OverridesArgument = None) -> None:
    """The reference's sweep_init: `sweep_name=NAME sweep_params=FILE` (NODE_INDEX as ever)."""
    job = _job(overrides)
    if not job.sweep:
        from metta_core.errors import ConfigError

        raise ConfigError("sweep_name: required (the sweep to create or join)")
    sweep.init(name=job.sweep, params=job.params, storage=job.storage, runs_dir=job.runs_dir)


def sweep_eval(overrides: OverridesArgument = None) -> None:
    """The reference's sweep_eval: `run=RUN [sweep_name=NAME] [metric=M]`."""
    job = _job(overrides)
    if not job.run:
        from metta_core.errors import ConfigError

        raise ConfigError("run: required (the trial run to evaluate)")
    sweep.eval_(
        run=job.run, sweep=job.sweep_of_run(), metric=job.metric, storage=job.storage, runs_dir=job.runs_dir
    )


def register(app: typer.Typer) -> None:
    for name, function in SAME_COMMANDS.items():
        app.command(name, hidden=True)(function)
    app.command("sweep_init", hidden=True)(sweep_init)
    app.command("sweep_eval", hidden=True)(sweep_eval)
    for name, function in MAP_COMMANDS.items():
        map_cli.app.command(name, hidden=True)(function)
