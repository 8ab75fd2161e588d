"""Every command's options reach its settings, and errors name the flag the user typed.

The options are declared once, as Typer parameters; `resolve_settings` reads them from the
command's context. A bad value given through each option must come back naming that option.
"""

from __future__ import annotations

import pytest

CASES = [
    (["train", "--total-steps", "0"], "trainer.total_agent_steps", "--total-steps"),
    (["train", "--wandb", "bogus"], "wandb.mode", "--wandb"),
    (["train", "--run", "a/b"], "run", "--run"),
    (["train", "--device", "tpu"], "device", "--device"),
    (["train", "--agent", "nope"], "agent=nope", "--agent"),
    (["train", "--trainer", "nope"], "trainer=nope", "--trainer"),
    (["sim", "--policy", "random", "--top-k", "0"], "top_k", "--top-k"),
    (["sim", "--policy", "random", "--episodes", "0"], "episodes", "--episodes"),
    (["sim", "--policy", "random", "--num-envs", "0"], "num_envs", "--num-envs"),
    (["sim", "--policy", "random", "--selector", "best"], "selector", "--selector"),
    (["render", "--agents", "0"], "agents", "--agents"),
    (["render", "--steps", "0"], "steps", "--steps"),
    (["replay", "--steps", "0"], "steps", "--steps"),
    (["replay", "--env", "nope"], "env=nope", "--env"),
    (["replay", "view", "x.json.gz", "--port", "99999999"], "port", "--port"),
    (["play", "--steps", "0"], "steps", "--steps"),
    (["play", "--exit-after", "-1"], "exit_after", "--exit-after"),
    (["autotune", "--env", "nope"], "env=nope", "--env"),
    (["bench", "train", "--device", "tpu"], "device", "--device"),
]


@pytest.mark.parametrize(("args", "field", "flag"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_a_bad_option_value_is_reported_with_its_field_and_flag(metta_inprocess, args, field, flag):
    code, _, err = metta_inprocess(*args)
    assert code == 2, err
    [line] = [line for line in err.splitlines() if line.startswith("error:")]
    assert line.startswith(f"error: {field}") and line.endswith(f"(from option {flag})"), line


def test_an_option_outranks_an_override_of_the_same_setting(metta_inprocess):
    code, _, err = metta_inprocess("sim", "--policy", "random", "top_k=3", "--top-k", "0")
    assert code == 2 and "(from option --top-k)" in err
