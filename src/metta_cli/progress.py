"""Progress of long commands on stderr: a rich bar with count, rate and time left on a terminal,
one plain line per item in pipes and logs (so stdout stays the result)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from metta_cli.common import err_console


class Progress:
    """`advance(note)` after each item (`note`, optional, says which); `set_total(n)` once known."""

    def __init__(self, what: str, total: int | None):
        self.what, self.total, self.done = what, total, 0
        self.start = time.monotonic()
        self.bar = None

    def rate(self) -> float:
        return self.done / max(time.monotonic() - self.start, 1e-9)

    def set_total(self, total: int) -> None:
        self.total = total
        if self.bar is not None:
            self.bar.update(self.bar.task_ids[0], total=total)

    def advance(self, note: str | None = None) -> None:
        self.done += 1
        if self.bar is None:
            of = f"/{self.total}" if self.total else ""
            suffix = f": {note}" if note else ""
            line = f"{self.what} {self.done}{of} ({self.rate():.2f}/s){suffix}"
            err_console.print(line, highlight=False, soft_wrap=True)
            return
        task = self.bar.task_ids[0]
        self.bar.update(task, advance=1, rate=f"{self.rate():.2f}/s")
        if note:
            self.bar.console.print(note, highlight=False, soft_wrap=True)


@contextmanager
def progress(what: str, total: int | None = None) -> Iterator[Progress]:
    tracker = Progress(what, total)
    if not err_console.is_terminal:
        yield tracker
        return
    from rich import progress as rich_progress

    columns = (
        rich_progress.TextColumn("{task.description}"),
        rich_progress.BarColumn(),
        rich_progress.MofNCompleteColumn(),
        rich_progress.TextColumn("[cyan]{task.fields[rate]}"),
        rich_progress.TimeElapsedColumn(),
        rich_progress.TextColumn("eta"),
        rich_progress.TimeRemainingColumn(),
    )
    with rich_progress.Progress(*columns, console=err_console, transient=False) as bar:
        bar.add_task(what, total=total, rate="")
        tracker.bar = bar
        yield tracker
