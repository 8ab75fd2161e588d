"""The root `metta` command: help for every command, version, errors, start-up imports."""

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from metta_cli.app import COMMANDS, app

runner = CliRunner()


def _all_command_paths() -> list[list[str]]:
    """Every command and subcommand, as argument lists, read from the click tree."""
    import typer.main

    root = typer.main.get_command(app)
    paths: list[list[str]] = []

    def walk(command, prefix):
        paths.append(prefix)
        for name in getattr(command, "commands", {}) or {}:
            walk(command.commands[name], [*prefix, name])

    walk(root, [])
    return paths


def test_root_help_lists_every_command_with_its_description():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name, _, description in COMMANDS:
        assert name in result.output
        assert description.split()[0] in result.output


@pytest.mark.parametrize("path", _all_command_paths(), ids=lambda p: " ".join(p) or "metta")
def test_every_command_has_help(path):
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_version_prints_the_package_version():
    from metta_core import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"metta {__version__}"


def test_user_errors_are_one_red_line_and_exit_code_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("mode: sometimes\nproject: 3\n")
    result = subprocess.run(
        [sys.executable, "-m", "metta_cli", "config", "validate", str(bad), "--schema", "wandb"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2  # one line per invalid field
    assert all(line.startswith("error:") for line in lines)
    assert "mode:" in result.stderr and "project:" in result.stderr and str(bad) in result.stderr


def test_help_and_completion_import_no_heavy_library():
    code = (
        "import sys\n"
        "sys.argv = ['metta', '--help']\n"
        "from metta_cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('torch', 'numba', 'wandb', 'duckdb', 'optuna', 'textual') if m in sys.modules)\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert "HEAVY=\n" in result.stdout or result.stdout.rstrip().endswith("HEAVY="), result.stdout[-300:]
