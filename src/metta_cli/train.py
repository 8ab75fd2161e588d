"""`metta train` (not built yet: its issue fills this module in)."""

from metta_cli.common import not_built


def command() -> None:
    """(not built yet)"""
    not_built("train")
