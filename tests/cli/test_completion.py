"""Shell completion: the scripts for each shell and dynamic completion of names."""

import os
import subprocess
import sys

import pytest

from metta_cli.common import complete_preset


def _complete(shell: str, words: str) -> str:
    env = {**os.environ, "_METTA_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        env |= {
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
        }
    else:
        env |= {"_TYPER_COMPLETE_ARGS": words}
        if shell == "fish":
            env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    code = "import sys; sys.argv[0] = 'metta'; from metta_cli.app import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    ).stdout


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_script_is_printed_for_each_shell(shell):
    code = "import sys; sys.argv=['metta', '--show-completion', sys.argv[1]]; from metta_cli.app import main; main()"
    result = subprocess.run([sys.executable, "-c", code, shell], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "_METTA_COMPLETE" in result.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_command_names_complete_in_each_shell(shell):
    completions = _complete(shell, "metta con")
    assert "config" in completions
    assert "Usage" not in completions and "train" not in completions


def test_schema_names_complete_dynamically():
    assert _complete("bash", "metta config show tr").split() == ["train", "trainer"]


def test_preset_completion_lists_shipped_presets(tmp_path, monkeypatch):
    import metta_core.config.presets as presets

    (tmp_path / "env").mkdir()
    for name in ("arena", "ants", "navigation"):
        (tmp_path / "env" / f"{name}.yaml").write_text("{}\n")
    monkeypatch.setattr(presets, "PRESETS_DIR", tmp_path)
    assert complete_preset("env")("a") == ["ants", "arena"]


def test_train_env_option_completes_shipped_env_presets():
    from metta_core.config.presets import preset_names

    expected = [name for name in preset_names("env") if name.startswith("a")]
    assert len(expected) >= 3
    assert _complete("bash", "metta train --env a").split() == expected
