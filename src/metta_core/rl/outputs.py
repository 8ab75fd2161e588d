"""`RunOutputs`: where a run reports: `config.yaml`, `train.log`, `metrics.jsonl`, wandb, stats DB.

Opened once by the writing rank (rank 0) after the run's start has been checked, closed on every
exit path; other ranks get outputs that write nothing, so the loop never asks which rank it is on
before logging.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from metta_core import storage
from metta_core.rl.run_files import TrainLog, prune_metrics, write_config
from metta_core.rl.settings import TrainSettings
from metta_core.rl.tracking import Tracker

if TYPE_CHECKING:
    from metta_core.stats.db import StatsDB


@dataclass
class RunOutputs:
    log: TrainLog
    tracker: Tracker | None = None
    stats_db: StatsDB | None = None
    #: Id of the stats DB's `train` simulation row that training's episodes belong to.
    stats_sim_id: str | None = None
    #: An s3:// `stats.db_uri`: training writes the run's local DB and merges it there on close.
    stats_export_uri: str | None = None

    @classmethod
    def silent(cls) -> RunOutputs:
        """For ranks other than 0: every write is a no-op."""
        return cls(log=TrainLog(None, None))

    @classmethod
    def open(
        cls, settings: TrainSettings, run_name: str, run_dir: Path, resume_epoch: int | None = None
    ) -> RunOutputs:
        """Open the run's stats DB and tracker, then (only once those worked, so a failed start
        leaves an existing run as it was) write its config and open its log. A resumed run's
        `metrics.jsonl` loses the lines of epochs after `resume_epoch`, which it trains again."""
        settings_data = settings.model_dump(mode="json")
        settings_data.update(run=run_name, run_dir=str(run_dir))
        run_dir.mkdir(parents=True, exist_ok=True)
        outputs = cls(log=TrainLog(None, None))
        try:
            outputs.stats_db, outputs.stats_sim_id = _open_stats(settings, run_dir, run_name)
            if storage.is_s3(settings.stats.db_uri or ""):
                outputs.stats_export_uri = settings.stats.db_uri
            outputs.tracker = Tracker(settings.wandb, run_name, run_dir, settings_data)
            write_config(run_dir, settings_data)
            if resume_epoch is not None:
                prune_metrics(run_dir / "metrics.jsonl", resume_epoch)
            outputs.log = TrainLog(run_dir / "train.log", run_dir / "metrics.jsonl")
        except BaseException:
            outputs.close()
            raise
        return outputs

    def close(self) -> None:
        self.log.close()
        stats_path = None
        if self.stats_db is not None:
            stats_path = self.stats_db.path
            self.stats_db.close()
            if self.stats_export_uri is not None:
                from metta_core.stats.merge import export_database

                export_database(self.stats_db.path, self.stats_export_uri)
            self.stats_db = None
        if self.tracker is not None:
            if stats_path is not None:  # closed first, so the artifact holds every episode
                self.tracker.log_stats_db(stats_path)
            self.tracker.finish()

    def __enter__(self) -> RunOutputs:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _open_stats(settings: TrainSettings, run_dir: Path, run_name: str) -> tuple[StatsDB, str]:
    """The run's DuckDB stats file and the id of its training 'simulation' row."""
    from metta_core.stats.db import StatsDB

    # An s3 database cannot be written row by row: the run's local file is merged into it on close.
    local = settings.stats.db_uri is None or storage.is_s3(settings.stats.db_uri)
    path = str(run_dir / "stats.duckdb") if local else str(storage.local_path(settings.stats.db_uri))
    database = StatsDB(path)
    sim_id = database.add_simulation(
        name="train",
        suite="train",
        env_name=settings.env.name,
        policy_uri=str(run_dir),
        metadata={"run": run_name},
    )
    return database, sim_id
