"""One meaning per short flag across every command (`-o` is an output everywhere, `-p` a policy,
`-e` an env, ...), so a flag learnt on one command means the same on the next."""

from __future__ import annotations

from collections import defaultdict

from typer.main import get_command

from metta_cli.app import app


def _options(command, path=("metta",)):
    for param in getattr(command, "params", []):
        if param.param_type_name == "option":
            yield " ".join(path), param
    for name, sub in getattr(command, "commands", {}).items():
        yield from _options(sub, (*path, name))


def test_every_short_flag_shares_a_long_name_wherever_it_is_used():
    uses = defaultdict(list)
    for where, param in _options(get_command(app)):
        longs = {opt for opt in (*param.opts, *param.secondary_opts) if opt.startswith("--")}
        for short in (opt for opt in param.opts if opt.startswith("-") and not opt.startswith("--")):
            uses[short].append((where, longs))
    clashes = {
        short: sorted({f"{where}: {'/'.join(sorted(longs))}" for where, longs in found})
        for short, found in uses.items()
        if not set.intersection(*(longs for _, longs in found))
    }
    assert not clashes, clashes
    assert "--output" in set.intersection(*(longs for _, longs in uses["-o"]))
