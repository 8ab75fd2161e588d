"""The stats database schema: the SQL that creates every table and view, and its version.

This file is the single source of truth for the layout documented in docs/stats_schema.md. It
holds SQL only; opening, writing and merging live in `db.py` and `merge.py`.
"""

from __future__ import annotations

#: Bumped whenever a table or view changes shape; a file with another version is refused.
SCHEMA_VERSION = 1

#: Tables in the order rows must be copied when merging (parents before children).
TABLES: tuple[str, ...] = ("simulations", "episodes", "agent_policies", "agent_metrics", "policy_metadata")

TABLE_SQL: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS metta_schema (
        version INTEGER NOT NULL,
        created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
    )""",
    """
    CREATE TABLE IF NOT EXISTS simulations (
        id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        suite VARCHAR NOT NULL,
        env_name VARCHAR NOT NULL,
        policy_uri VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
        metadata JSON
    )""",
    """
    CREATE TABLE IF NOT EXISTS episodes (
        id VARCHAR PRIMARY KEY,
        simulation_id VARCHAR NOT NULL,
        env_index INTEGER NOT NULL,
        episode_seed BIGINT NOT NULL,
        length INTEGER NOT NULL,
        num_agents INTEGER NOT NULL,
        created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
    )""",
    """
    CREATE TABLE IF NOT EXISTS agent_policies (
        episode VARCHAR NOT NULL,
        agent INTEGER NOT NULL,
        policy_name VARCHAR NOT NULL,
        team INTEGER NOT NULL DEFAULT 0
    )""",
    """
    CREATE TABLE IF NOT EXISTS agent_metrics (
        episode VARCHAR NOT NULL,
        agent INTEGER NOT NULL,
        policy_name VARCHAR NOT NULL,
        metric VARCHAR NOT NULL,
        value DOUBLE NOT NULL
    )""",
    """
    CREATE TABLE IF NOT EXISTS policy_metadata (
        policy_name VARCHAR PRIMARY KEY,
        uri VARCHAR,
        epoch INTEGER,
        agent_steps BIGINT,
        metadata JSON
    )""",
)

# Views answer the questions people ask most without joins: the reference's example queries
# (`SELECT policy_name, AVG(value) FROM agent_metrics WHERE metric = 'reward' ...`) run on the
# table itself; these add the simulation and suite each number belongs to.
VIEW_SQL: tuple[str, ...] = (
    """
    CREATE OR REPLACE VIEW episode_metrics AS
    SELECT s.suite, s.name AS simulation, s.env_name, e.simulation_id, m.episode, e.episode_seed,
           e.length, m.agent, m.policy_name, m.metric, m.value
    FROM agent_metrics m
    JOIN episodes e ON e.id = m.episode
    JOIN simulations s ON s.id = e.simulation_id""",
    """
    CREATE OR REPLACE VIEW policy_simulation_metrics AS
    SELECT suite, simulation, env_name, policy_name, metric,
           AVG(value) AS mean, STDDEV_SAMP(value) AS std, COUNT(*) AS samples,
           COUNT(DISTINCT episode) AS episodes
    FROM episode_metrics
    GROUP BY suite, simulation, env_name, policy_name, metric""",
    """
    CREATE OR REPLACE VIEW policy_rewards AS
    SELECT suite, simulation, env_name, policy_name, mean AS avg_reward, std AS std_reward,
           episodes
    FROM policy_simulation_metrics
    WHERE metric = 'reward'""",
    """
    CREATE OR REPLACE VIEW episode_summary AS
    SELECT suite, simulation, episode, policy_name, ANY_VALUE(length) AS length,
           COUNT(DISTINCT agent) AS agents, SUM(value) AS total_reward, AVG(value) AS mean_reward
    FROM episode_metrics
    WHERE metric = 'reward'
    GROUP BY suite, simulation, episode, policy_name""",
    """
    CREATE OR REPLACE VIEW simulation_config AS
    SELECT s.id, s.suite, s.name AS simulation, s.env_name, s.policy_uri, s.created_at,
           COUNT(e.id) AS episodes, s.metadata
    FROM simulations s LEFT JOIN episodes e ON e.simulation_id = s.id
    GROUP BY ALL""",
)

#: Queries printed by `metta stats` before the shell opens: (what it answers, SQL).
EXAMPLE_QUERIES: tuple[tuple[str, str], ...] = (
    (
        "average reward by policy",
        "SELECT policy_name, AVG(value) AS avg_reward FROM agent_metrics WHERE metric = 'reward' "
        "GROUP BY policy_name ORDER BY avg_reward DESC;",
    ),
    (
        "average reward per policy per simulation",
        "SELECT suite, simulation, policy_name, avg_reward, episodes FROM policy_rewards "
        "ORDER BY suite, simulation, avg_reward DESC;",
    ),
    (
        "episode lengths",
        "SELECT policy_name, episode, ANY_VALUE(length) AS steps FROM episode_metrics "
        "GROUP BY policy_name, episode LIMIT 20;",
    ),
    (
        "what each policy picked up",
        "SELECT policy_name, metric, AVG(value) AS per_agent FROM agent_metrics "
        "WHERE metric LIKE '%.gained' GROUP BY ALL ORDER BY policy_name, per_agent DESC;",
    ),
)
