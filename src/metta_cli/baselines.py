"""`metta baselines`: re-measure the suites' random and reference scores and rewrite their files.

`--check` only measures and lists the simulations whose recorded baselines drifted (exit 1 if any).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from metta_cli.common import console


def command(
    suite: Annotated[
        list[str] | None,
        typer.Option("--suite", "-s", help="Suites to measure (repeatable; default: every shipped suite)."),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Only compare with the recorded figures; write nothing.")
    ] = False,
) -> None:
    """random_score := the random policy's score, reference_score := the scripted planner's."""
    from metta_core.config.presets import preset_names, preset_path
    from metta_core.sim.baselines import baseline_drift, update_suite_file
    from metta_core.sim.suite import load_suite

    names = suite or [name for name in preset_names("sim") if load_suite(name).simulations]
    drifted: list[str] = []
    for name in names:
        if check:
            drifted += baseline_drift(name)
            continue
        path = Path(preset_path("sim", name))
        for baseline in update_suite_file(path, name):
            console.print(
                f"{name}/{baseline.simulation}: random_score={baseline.random_score:.6g} "
                f"reference_score={baseline.reference_score:.6g}",
                highlight=False,
            )
        console.print(f"wrote {path}", highlight=False)
    for line in drifted:
        console.print(line, highlight=False)
    if check and drifted:
        raise typer.Exit(1)
