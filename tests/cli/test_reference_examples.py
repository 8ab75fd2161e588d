"""Every usage example of the reference document (`metta_tools_doc.md`) runs as `metta <tool>`.

The command lines are the document's, word for word after `./tools/<tool>.py` -> `metta <tool>`
(split as bash splits them). What the reference's job configs would have supplied (a policy for
`sim` alone, short episodes, no browser) comes from `METTA_*` variables, below every command-line
source. wandb is offline: `wandb://run/<name>` is the local run; s3 is a real S3 API (moto).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

from metta_core.config.presets import PRESETS_DIR

pytestmark = pytest.mark.slow

#: (document section, command line after `metta`), in the document's order of a user's workflow.
EXAMPLES = [
    ("train", "train env=mettagrid/navigation run_name=nav_experiment_001"),
    ("train", "train"),
    ("train", "train env=mettagrid/navigation"),
    ("train", "train trainer.num_workers=8 trainer.batch_size=4096"),
    ("train", "train env=mettagrid/ants agent=latent_attn_small trainer.learning_rate=0.0003"),
    ("train", "train trainer.batch_size=1024"),
    ("train", "train device=cpu"),
    ("train", "train wandb=off stats_client=null"),
    ("train", "train hydra/help=default"),
    ("sweep_init", "sweep_init sweep_name=lr_search sweep_params=configs/sweep/fast.yaml"),
    (
        "sweep_init",
        "sweep_init sweep_name=hyperparam_search_001 sweep_params=configs/sweep/navigation_sweep.yaml",
    ),
    ("sweep_init", "sweep_init sweep_name=distributed_exp sweep_params=configs/sweep/fast.yaml"),
    ("sweep_init", "NODE_INDEX=0 sweep_init sweep_name=distributed_exp"),
    ("sweep_init", "NODE_INDEX=1 sweep_init sweep_name=distributed_exp"),
    ("train", "train run=lr_search.t5 trainer.ent_coef=0.01 trainer.gamma=0.99 trainer.learning_rate=0.001"),
    ("sweep_eval", "sweep_eval run=lr_search.t5 sweep_name=lr_search"),
    ("train", "train run=lr_search.t6"),
    ("sweep_eval", "sweep_eval run=lr_search.t6 metric=navigation_score"),
    ("sim", """sim sim_job.policy_uris='["wandb://run/nav_experiment_001"]'"""),
    (
        "sim",
        """sim sim_job.policy_uris='["wandb://run/nav_experiment_001"]' sim_job.stats_db_uri=s3://bucket/eval.db""",
    ),
    (
        "sim",
        """sim sim_job.policy_uris='["wandb://run/nav_experiment_001"]' \\
        sim_job.stats_db_uri=s3://my-bucket/evals/nav_001.db""",
    ),
    (
        "sim",
        """METTA_POLICIES='["runs/nav_experiment_001"]' sim sim_job.simulation_suite=navigation selector_type=top""",
    ),
    ("train", "train run=run2"),
    ("sim", "sim policy_uri=runs/run2"),
    ("analyze", 'analyze analysis.policy_uri="wandb://run/nav_experiment_001"'),
    (
        "analyze",
        'analyze analysis.policy_uri="wandb://run/nav_experiment_001" analysis.policy_selector.metric=reward',
    ),
    (
        "analyze",
        'analyze analysis.policy_uri="wandb://run/nav_experiment_001" analysis.output_path=s3://bucket/analysis/',
    ),
    ("dashboard", "dashboard dashboard.output_path=s3://my-bucket/dashboards/experiment.json"),
    ("dashboard", "dashboard dashboard.output_path=./local_dashboard.json"),
    (
        "dashboard",
        'dashboard dashboard.policies=["nav_experiment_001", "run2"] dashboard.metrics=["reward", "action.move.success"]',
    ),
    ("renderer", "renderer renderer_job.policy_type=random"),
    (
        "renderer",
        'renderer renderer_job.policy_type=trained policy_uri="wandb://run/nav_experiment_001" env=mettagrid/navigation',
    ),
    ("renderer", "renderer env=mettagrid/multiagent renderer_job.num_agents=4"),
    ("renderer", "renderer renderer_job.sleep_time=0.5"),
    ("renderer", "renderer renderer_job.renderer_type=miniscope"),
    (
        "replay",
        'replay replay_job.policy_uri="wandb://run/nav_experiment_001" replay_job.sim.env=mettagrid/navigation',
    ),
    ("replay", "replay replay_job.sim.env=mettagrid/memory"),
    ("replay", "replay replay_job.open_browser_on_start=false"),
    ("play", "play replay_job.open_browser_on_start=false"),
    ("map/gen", "map gen configs/env/mettagrid/maps/maze_9x9.yaml"),
    ("map/gen", "map gen configs/env/mettagrid/maps/wfc_dungeon.yaml --output-uri=./dungeon.yaml"),
    ("map/gen", "map gen configs/env/mettagrid/maps/random.yaml --output-uri=s3://bucket/maps/ --count=3"),
    ("map/gen", 'map gen configs/env/mettagrid/maps/base.yaml --overrides "width=50 height=50 density=0.7"'),
    ("map/gen", "map gen map_config.yaml --show-mode=ascii"),
    ("map/gen", "map gen map_config.yaml --show-mode=PIL"),
    ("map/gen_scene", "map gen_scene scenes/wfc/blob.yaml 32 32"),
    ("map/gen_scene", 'map gen_scene scenes/convchain/maze.yaml 64 64 --overrides "seed=42"'),
    ("map/gen_scene", "map gen_scene scenes/test/grid.yaml 16 16 --show-mode=ascii"),
    (
        "map/gen",
        'map gen configs/env/mettagrid/maps/template.yaml --output-uri=./my_map.yaml --overrides "seed=42"',
    ),
    ("map/view", "map view ./my_map.yaml"),
    ("renderer", "renderer env.game.map=@file://./my_map.yaml"),
    ("map/view", "map view s3://bucket/maps/"),
    ("map/view", "map view ./map.yaml --show-mode=ascii"),
    ("map/normalize_ascii_map", "map normalize_ascii_map map.txt"),
    ("map/normalize_ascii_map", "map normalize_ascii_map map.txt --in-place"),
    ("map/normalize_ascii_map", "map normalize_ascii_map ./my_map.yaml --in-place"),
    ("map/normalize_scene_patterns", "map normalize_scene_patterns scene.yaml"),
    ("map/normalize_scene_patterns", "map normalize_scene_patterns scene.yaml --in-place"),
    ("validate_config", "validate_config configs/env/mettagrid/navigation.yaml"),
    ("validate_config", "validate_config trainer/trainer.yaml"),
    ("validate_config", "validate_config configs/train_job.yaml"),
    ("validate_config", "validate_config configs/sweep/fast.yaml"),
    ("validate_config", "validate_config configs/my_config.yaml"),
    ("stats_duckdb_cli", "stats_duckdb_cli +eval_db_uri=s3://my-bucket/evals/nav_001.db"),
    ("upload_map_imgs", "upload_map_imgs --dry-run"),
    ("upload_map_imgs", "upload_map_imgs"),
    ("dump_src", "dump_src . --extensions .py"),
    ("dump_src", "dump_src metta/agent metta/rl --extensions .py .yaml"),
    ("dump_src", "dump_src configs/env/"),
    ("autotune", "autotune"),
]

#: What the reference's job configs set and a test must not wait for (episodes, frames, browsers).
QUICK = {
    "WANDB_MODE": "offline",
    "METTA_TRAINER__TOTAL_AGENT_STEPS": "2000",
    "METTA_EPISODES": "1",
    "METTA_STEPS": "5",
    "METTA_SLEEP": "0",
    "METTA_OPEN_BROWSER": "false",
    "METTA_EXIT_AFTER": "0.5",
    "METTA_STATS_DB_URI": "eval_stats.duckdb",
    "METTA_AUTOTUNE_BUDGET_SECONDS": "1",
    "METTA_MAP_IMGS_BUCKET": "s3://bucket/map-imgs",
}

MAP_TEXT = "map: |\n  ###########\n  #@...a...@#\n  #.........#\n  #@...m...@#\n  ###########\n"
MAZE = "builder: maze\nwidth: 9\nheight: 9\nagents: 1\n"
RANDOM = "builder: random\nwidth: 20\nheight: 20\nagents: 2\nobjects: {altar: 2}\n"
SCENE = (
    "fill:\n  builder: wfc\n  pattern_size: 2\n  agents: 0\n  objects: {}\n  border_width: 0\n"
    "  pattern: |\n    ##..\n    #...\n    ....\n    ....\n"
)
CONVCHAIN = (PRESETS_DIR / "scenes" / "convchain_maze.yaml").read_text()
SWEEP = (
    "metric: score\nsuite: navigation\ntrials: 4\nparameters:\n"
    "  trainer.learning_rate: {distribution: log_uniform, min: 0.0001, max: 0.01, mean: 0.001, scale: 0.25}\n"
)


def _user_files(root: Path) -> None:
    """The files a reference user has in their checkout that the examples name."""
    files = {
        "configs/env/mettagrid/maps/maze_9x9.yaml": MAZE,
        "configs/env/mettagrid/maps/base.yaml": RANDOM + "validate_reachability: false\n",
        "map_config.yaml": RANDOM,
        "map.yaml": MAP_TEXT,
        "map.txt": MAP_TEXT.split("|\n", 1)[1].replace("  ", ""),
        "scenes/wfc/blob.yaml": SCENE,
        "scenes/convchain/maze.yaml": CONVCHAIN,
        "scenes/test/grid.yaml": "fill: {builder: maze, agents: 0}\n",
        "configs/sweep/navigation_sweep.yaml": SWEEP,
        "scene.yaml": SCENE,
        "configs/my_config.yaml": "trainer:\n  learning_rate: 0.0003\n",
        "configs/env/README.yaml": "a: 1\n",
        "metta/agent/policy.py": "x = 1\n",
        "metta/rl/trainer.yaml": "y: 2\n",
        "map-imgs/arena.png": "",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _argv(command: str) -> tuple[dict[str, str], list[str]]:
    words = shlex.split(command.replace("\\\n", " "))
    env = {}
    while "=" in words[0] and words[0].split("=")[0].isupper():
        key, value = words.pop(0).split("=", 1)
        env[key] = value
    return env, words


def _metta(command: str, cwd: Path) -> tuple[list[str], subprocess.CompletedProcess]:
    """Run one example as its own process, as a user's shell would; returns its argv and result."""
    extra, argv = _argv(command)
    done = subprocess.run(
        [sys.executable, "-m", "metta_cli", *argv],
        cwd=cwd,
        env={**os.environ, **QUICK, **extra},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return argv, done


def test_every_reference_example_runs(tmp_path: Path, s3_bucket: str):
    s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    for bucket in ("bucket", "my-bucket"):
        s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket="bucket", Key="map-imgs/.keep", Body=b"")
    _user_files(tmp_path)
    failures = []
    for section, command in EXAMPLES:
        start = time.monotonic()
        argv, done = _metta(command, tmp_path)
        print(f"{time.monotonic() - start:6.1f}s metta {' '.join(argv)} -> {done.returncode}")
        if done.returncode != 0:
            failures.append(
                f"[{section}] metta {' '.join(argv)} -> {done.returncode}: {done.stderr.strip()[-400:]}"
            )
    assert not failures, "\n".join(failures)
