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

#: Metta's StatsDB names over our tables, in a schema of their own (`metta.agent_metrics`, ...):
#: Metta's table names are ours with other columns. `metta stats --metta-names` puts this schema
#: first on the search path, so a Metta user's saved SQL (`... FROM agent_metrics WHERE
#: episode_id = ...`) runs unchanged. policy_key/policy_version split our `run:epoch_N` names.
METTA_SCHEMA = "metta"
_POLICY_KEY = "regexp_replace(policy_name, ':[^:]*$', '')"
_POLICY_VERSION = "coalesce(TRY_CAST(regexp_extract(policy_name, '(\\d+)$', 1) AS INTEGER), 0)"
METTA_VIEW_SQL: tuple[str, ...] = (
    f"CREATE SCHEMA IF NOT EXISTS {METTA_SCHEMA}",
    f"""
    CREATE OR REPLACE VIEW {METTA_SCHEMA}.episodes AS
    SELECT id, length AS step_count, created_at, created_at AS completed_at, simulation_id,
           CAST(NULL AS VARCHAR) AS replay_url
    FROM main.episodes""",
    f"""
    CREATE OR REPLACE VIEW {METTA_SCHEMA}.episode_attributes AS
    SELECT id AS episode_id, 'episode_seed' AS attribute, CAST(episode_seed AS VARCHAR) AS value FROM main.episodes
    UNION ALL
    SELECT id, 'env_index', CAST(env_index AS VARCHAR) FROM main.episodes""",
    f"""
    CREATE OR REPLACE VIEW {METTA_SCHEMA}.agent_groups AS
    SELECT episode AS episode_id, team AS group_id, agent AS agent_id FROM main.agent_policies""",
    f"""
    CREATE OR REPLACE VIEW {METTA_SCHEMA}.agent_metrics AS
    SELECT episode AS episode_id, agent AS agent_id, metric, value FROM main.agent_metrics""",
    f"""
    CREATE OR REPLACE VIEW {METTA_SCHEMA}.agent_policies AS
    SELECT episode AS episode_id, agent AS agent_id, {_POLICY_KEY} AS policy_key,
           {_POLICY_VERSION} AS policy_version
    FROM main.agent_policies""",
    f"""
    CREATE OR REPLACE VIEW {METTA_SCHEMA}.simulations AS
    SELECT s.id, s.name, s.suite, s.env_name AS env,
           ANY_VALUE({_POLICY_KEY.replace("policy_name", "p.policy_name")}) AS policy_key,
           ANY_VALUE({_POLICY_VERSION.replace("policy_name", "p.policy_name")}) AS policy_version,
           s.created_at, MAX(e.created_at) AS finished_at
    FROM main.simulations s
    LEFT JOIN main.episodes e ON e.simulation_id = s.id
    LEFT JOIN main.agent_policies p ON p.episode = e.id AND p.agent = 0
    GROUP BY s.id, s.name, s.suite, s.env_name, s.created_at""",
    f"""
    CREATE OR REPLACE VIEW {METTA_SCHEMA}.policy_simulation_agent_samples AS
    SELECT ap.policy_key, ap.policy_version, s.suite AS sim_suite, s.name AS sim_name, s.env AS sim_env,
           ap.episode_id, ap.agent_id
    FROM {METTA_SCHEMA}.agent_policies ap
    JOIN {METTA_SCHEMA}.episodes e ON e.id = ap.episode_id
    JOIN {METTA_SCHEMA}.simulations s ON s.id = e.simulation_id""",
    f"""
    CREATE OR REPLACE VIEW {METTA_SCHEMA}.policy_simulation_agent_metrics AS
    SELECT ap.policy_key, ap.policy_version, s.suite AS sim_suite, s.name AS sim_name, s.env AS sim_env,
           m.metric, m.value
    FROM {METTA_SCHEMA}.agent_metrics m
    JOIN {METTA_SCHEMA}.agent_policies ap ON ap.episode_id = m.episode_id AND ap.agent_id = m.agent_id
    JOIN {METTA_SCHEMA}.episodes e ON e.id = m.episode_id
    JOIN {METTA_SCHEMA}.simulations s ON s.id = e.simulation_id""",
    # The two joined views, whose names clash with nothing of ours, in the main schema too.
    f"CREATE OR REPLACE VIEW main.policy_simulation_agent_samples AS SELECT * FROM {METTA_SCHEMA}.policy_simulation_agent_samples",
    f"CREATE OR REPLACE VIEW main.policy_simulation_agent_metrics AS SELECT * FROM {METTA_SCHEMA}.policy_simulation_agent_metrics",
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
