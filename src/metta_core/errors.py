"""Errors a user can cause: bad configuration, unreadable files or URIs, impossible requests.

Each message names the field, file or URI at fault. `metta_cli.app` prints them as one red line and
exits with code 2; anything else escaping a command is a bug and keeps its traceback.
"""


def first_line(err: BaseException) -> str:
    """The first line of an exception's message (libraries' messages often run to many lines),
    or its type's name when it has none: what a one-line error quotes."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


class MettaError(Exception):
    """Base class of every error caused by user input."""


class ConfigError(MettaError):
    """A configuration value, file or override is invalid. `problems` lists every fault found."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


class StorageError(MettaError):
    """A URI could not be read or written."""


class PolicyError(MettaError):
    """A policy checkpoint is missing, truncated or not a metta checkpoint."""


class MapError(MettaError):
    """A map could not be built, parsed or validated."""
