"""metta_core: the library behind the `metta` command.

Everything a command can do is a function here; this package never parses command lines or
prints for a user. Heavy dependencies (torch, numba, wandb) are imported by the modules that use
them, never from this file, so that importing a light module stays fast.
"""

__version__ = "0.1.0"
