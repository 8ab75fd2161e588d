"""`StatsDB`: open or create a stats DuckDB file and write simulations, episodes and metrics.

Every write is one transaction: a crash or Ctrl-C leaves the file as it was before the call. Rows
are inserted column-wise (lists unnested by DuckDB) because row-by-row `executemany` is slow for
the tens of thousands of metric rows a suite produces. This module knows nothing of environments:
an episode is any object with the attributes of `EpisodeStats` (see docs/interfaces.md).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from metta_core.errors import StorageError, first_line
from metta_core.stats.schema import METTA_VIEW_SQL, SCHEMA_VERSION, TABLE_SQL, VIEW_SQL


class EpisodeLike(Protocol):
    """What the writer reads from an episode (the env's `EpisodeStats` satisfies it)."""

    env_index: int
    episode_seed: int
    length: int
    rewards: Sequence[float]
    raw_rewards: Sequence[float]
    agent_stats: Sequence[dict[str, float]]
    agent_teams: Sequence[int]


#: Files are written in a storage format the DuckDB 1.x shell (duckdb-cli) can still open: the
#: Python package may be a major version ahead of the shell.
STORAGE_COMPATIBILITY = "v1.1.0"


def _json(data: Any) -> str:
    return json.dumps(data if data is not None else {}, default=str, sort_keys=True)


class StatsDB:
    """A stats database file; creates the schema on first open and refuses other versions."""

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        import duckdb

        self.path = Path(path)
        self._depth = 0
        if read_only and not self.path.exists():
            raise StorageError(f"{self.path}: no such stats database")
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # Read-only use (queries, reports, `metta stats -q`) touches no other file: SQL such as
            # COPY ... TO or read_text('/etc/...') is refused, so untrusted queries stay harmless.
            config = (
                {"enable_external_access": False}
                if read_only
                else {"storage_compatibility_version": STORAGE_COMPATIBILITY}
            )
            self.con = duckdb.connect(str(self.path), read_only=read_only, config=config)
        except duckdb.Error as err:
            if "Conflicting lock" in str(err) or "Could not set lock" in str(err):
                holder = str(err).split("Conflicting lock is held in", 1)[-1].split(". See also")[0].strip()
                raise StorageError(
                    f"{self.path}: in use by another process ({holder}); try again when it is done"
                ) from None
            raise StorageError(
                f"{self.path}: not a readable DuckDB stats database ({first_line(err)})"
            ) from None
        try:
            if read_only:
                self._check_version()
            else:
                self._create_schema()
        except BaseException:
            self.con.close()
            raise

    # -- schema ---------------------------------------------------------------------------
    def _check_version(self) -> None:
        tables = {
            row[0] for row in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        if "metta_schema" not in tables:
            raise StorageError(f"{self.path}: not a metta stats database (no metta_schema table)")
        row = self.con.execute("SELECT max(version) FROM metta_schema").fetchone()
        if row is None or row[0] != SCHEMA_VERSION:
            found = None if row is None else row[0]
            raise StorageError(
                f"{self.path}: stats schema version {found}, this metta reads {SCHEMA_VERSION}"
            )

    def _create_schema(self) -> None:
        with self.transaction():
            for sql in TABLE_SQL:
                self.con.execute(sql)
            row = self.con.execute("SELECT max(version) FROM metta_schema").fetchone()
            if row is None or row[0] is None:
                self.con.execute("INSERT INTO metta_schema (version) VALUES (?)", [SCHEMA_VERSION])
            elif row[0] != SCHEMA_VERSION:
                raise StorageError(
                    f"{self.path}: stats schema version {row[0]}, this metta writes {SCHEMA_VERSION}"
                )
            for sql in (*VIEW_SQL, *METTA_VIEW_SQL):
                self.con.execute(sql)

    # -- transactions ---------------------------------------------------------------------
    def transaction(self):
        return _Transaction(self)

    # -- writes ---------------------------------------------------------------------------
    def add_simulation(
        self, name: str, suite: str, env_name: str, policy_uri: str, metadata: dict[str, Any] | None = None
    ) -> str:
        """Record one simulation (a policy set on one env config); returns its id."""
        sim_id = uuid.uuid4().hex
        with self.transaction():
            self.con.execute(
                "INSERT INTO simulations (id, name, suite, env_name, policy_uri, metadata) VALUES (?, ?, ?, ?, ?, ?)",
                [sim_id, name, suite, env_name, policy_uri, _json(metadata)],
            )
        return sim_id

    def add_episodes(
        self, sim_id: str, episodes: Iterable[EpisodeLike], agent_policies: Sequence[str]
    ) -> list[str]:
        """Record finished episodes: per agent `reward`, `raw_reward` and every stats counter.

        `agent_policies[i]` is the policy key (e.g. `navrun:epoch_12`) that controlled agent `i`.
        """
        episode_rows: list[list[Any]] = [[] for _ in range(6)]
        policy_rows: list[list[Any]] = [[] for _ in range(4)]
        metric_rows: list[list[Any]] = [[] for _ in range(5)]
        ids = []
        for episode in episodes:
            episode_id = uuid.uuid4().hex
            ids.append(episode_id)
            num_agents = len(episode.rewards)
            if len(agent_policies) != num_agents:
                raise ValueError(
                    f"{len(agent_policies)} agent policies for an episode of {num_agents} agents"
                )
            for column, value in zip(
                episode_rows,
                (
                    episode_id,
                    sim_id,
                    int(episode.env_index),
                    int(episode.episode_seed),
                    int(episode.length),
                    num_agents,
                ),
                strict=True,
            ):
                column.append(value)
            for agent in range(num_agents):
                policy = agent_policies[agent]
                team = int(episode.agent_teams[agent]) if len(episode.agent_teams) > agent else 0
                for column, value in zip(policy_rows, (episode_id, agent, policy, team), strict=True):
                    column.append(value)
                metrics = {
                    "reward": float(episode.rewards[agent]),
                    "raw_reward": float(episode.raw_rewards[agent]),
                }
                stats = episode.agent_stats[agent] if agent < len(episode.agent_stats) else {}
                metrics.update((str(k), float(v)) for k, v in stats.items())
                for metric, value in metrics.items():
                    metric_rows[0].append(episode_id)
                    metric_rows[1].append(agent)
                    metric_rows[2].append(policy)
                    metric_rows[3].append(metric)
                    metric_rows[4].append(value)
        if not ids:
            return ids
        with self.transaction():
            self._insert_columns(
                "episodes (id, simulation_id, env_index, episode_seed, length, num_agents)",
                episode_rows,
                ("VARCHAR", "VARCHAR", "INTEGER", "BIGINT", "INTEGER", "INTEGER"),
            )
            self._insert_columns(
                "agent_policies (episode, agent, policy_name, team)",
                policy_rows,
                ("VARCHAR", "INTEGER", "VARCHAR", "INTEGER"),
            )
            self._insert_columns(
                "agent_metrics (episode, agent, policy_name, metric, value)",
                metric_rows,
                ("VARCHAR", "INTEGER", "VARCHAR", "VARCHAR", "DOUBLE"),
            )
        return ids

    def add_policy_metadata(self, policy_name: str, metadata: dict[str, Any] | None = None) -> None:
        """Record (or replace) what is known of a policy: uri, epoch, agent steps, scores..."""
        metadata = dict(metadata or {})
        epoch = metadata.get("epoch")
        steps = metadata.get("agent_steps")
        with self.transaction():
            self.con.execute(
                "INSERT OR REPLACE INTO policy_metadata (policy_name, uri, epoch, agent_steps, metadata) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    policy_name,
                    metadata.get("uri"),
                    int(epoch) if isinstance(epoch, int | float) else None,
                    int(steps) if isinstance(steps, int | float) else None,
                    _json(metadata),
                ],
            )

    def _insert_columns(self, target: str, columns: list[list[Any]], types: Sequence[str]) -> None:
        params = ", ".join(f"unnest(?::{t}[])" for t in types)
        self.con.execute(f"INSERT INTO {target} SELECT {params}", columns)

    # -- reads ----------------------------------------------------------------------------
    def _execute(self, sql: str, params: Sequence[Any] | None = None):
        """The cursor of one statement, or None when it returns no rows (DDL, an insert)."""
        import duckdb

        if not sql.strip():
            raise StorageError(f"{self.path}: the query is empty")
        try:
            cursor = self.con.execute(sql, params or [])
        except duckdb.Error as err:
            raise StorageError(f"{self.path}: query failed: {first_line(err)}") from None
        return cursor if cursor is not None and cursor.description is not None else None

    def query(self, sql: str, params: Sequence[Any] | None = None) -> tuple[list[str], list[tuple]]:
        """Run one query; returns (column names, rows)."""
        cursor = self._execute(sql, params)
        if cursor is None:
            return [], []
        return [d[0] for d in cursor.description], cursor.fetchall()

    def stream(self, sql: str, batch_rows: int = 10_000) -> tuple[list[str], Iterator[list[tuple]]]:
        """(column names, batches of rows): a large result is never held whole in memory."""
        cursor = self._execute(sql)
        if cursor is None:
            return [], iter(())

        def batches() -> Iterator[list[tuple]]:
            while rows := cursor.fetchmany(batch_rows):
                yield rows

        return [d[0] for d in cursor.description], batches()

    def tables(self) -> list[str]:
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name"
        ).fetchall()
        return [r[0] for r in rows]

    def count(self, table: str) -> int:
        return int(self.con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> StatsDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Transaction:
    """BEGIN ... COMMIT, or ROLLBACK if anything (including Ctrl-C) interrupts the block.

    Nested use joins the outer transaction: DuckDB aborts a transaction that sees a second BEGIN,
    so the depth is counted here and only the outermost block begins and ends it."""

    def __init__(self, db: StatsDB) -> None:
        self.db = db

    def __enter__(self) -> None:
        if self.db._depth == 0:
            self.db.con.execute("BEGIN TRANSACTION")
        self.db._depth += 1

    def __exit__(self, exc_type, exc, tb) -> None:
        self.db._depth -= 1
        if self.db._depth == 0:
            self.db.con.execute("COMMIT" if exc_type is None else "ROLLBACK")


def open_stats_db(path: str | Path) -> StatsDB:
    """Open an existing stats database for reading; a missing or foreign file is a StorageError."""
    return StatsDB(path, read_only=True)
