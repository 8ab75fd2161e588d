"""What the adapters report about finished episodes, in the layouts other libraries read.

- One agent (Gymnasium `Env`, PettingZoo): `info["stats"]`, the episode's `<thing>.<event>`
  counters of that agent (plain floats). Gymnasium's `RecordEpisodeStatistics` / SB3's `Monitor`
  add `info["episode"]` themselves, so the single-agent views leave that key to them.
- A vector env: Gymnasium 1.x same-step autoreset infos, batched the way `SyncVectorEnv` batches
  its sub-envs' infos (every key has a `_key` mask): `final_obs` (an object array of the ending
  episodes' last observations), `final_info` holding `episode: {r, l, t}` (return, length,
  seconds: the layout of `RecordEpisodeStatistics`) and `stats: {<thing>.<event>: ...}`. That is
  what `SyncVectorEnv` of `RecordEpisodeStatistics(MettaGymEnv)` sub-envs would report.

Everything is built with one numpy operation per key, only on steps where an episode ended.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from metta_core.env.layout import STAT_NAMES
from metta_core.env.vecenv import EpisodeStats


def agent_stats(episode: EpisodeStats, agent: int) -> dict[str, float]:
    """`<thing>.<event>` -> count of one agent of a finished episode."""
    return dict(zip(STAT_NAMES, episode.counters[agent].tolist(), strict=True))


def masked(values: dict[str, np.ndarray], mask: np.ndarray) -> dict[str, Any]:
    """`values` with a `_key` mask beside every key, as Gymnasium's vector infos carry them."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        out[key] = value
        out[f"_{key}"] = mask
    return out


def vector_final_info(
    episodes: Sequence[EpisodeStats], num_rows: int, num_agents: int, seconds: np.ndarray
) -> tuple[dict[str, Any], np.ndarray]:
    """(`final_info`, its row mask) for the episodes that ended this step. Row `e * num_agents + a`
    is agent `a` of env `e`; `seconds[e]` is how long env `e`'s episode took."""
    mask = np.zeros(num_rows, dtype=np.bool_)
    returns = np.zeros(num_rows, dtype=np.float32)
    lengths = np.zeros(num_rows, dtype=np.int64)
    times = np.zeros(num_rows, dtype=np.float64)
    counters = np.zeros((num_rows, len(STAT_NAMES)), dtype=np.float32)
    for episode in episodes:
        rows = slice(episode.env_index * num_agents, (episode.env_index + 1) * num_agents)
        mask[rows] = True
        returns[rows] = episode.rewards
        lengths[rows] = episode.length
        times[rows] = seconds[episode.env_index]
        counters[rows] = episode.counters
    stats = {name: counters[:, k] for k, name in enumerate(STAT_NAMES)}
    final_info = {
        "episode": masked({"r": returns, "l": lengths, "t": np.round(times, 6)}, mask),
        "_episode": mask,
        "stats": masked(stats, mask),
        "_stats": mask,
    }
    return final_info, mask
