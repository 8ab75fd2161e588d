"""How the adapters hand observations to other libraries: the engine's dict, as floats, or flat.

The engine's observation of an agent is `grid` (uint8 `(C, H, W)`) and `global` (float32 `(G,)`).
Libraries differ in what they accept: Stable-Baselines3 takes any uint8 3-D box for an image and
reads it channels-last (so a `(19, 11, 11)` grid breaks its CNN), MLP policies want one vector.
`ObservationFormat` turns the engine's rows into one of three layouts:

- `obs_dtype="uint8"` (default): `{"grid": uint8 (C, H, W), "global": float32 (G,)}`, the engine's own;
- `obs_dtype="float32"`: the same dict with a float32 grid (no library mistakes it for an image);
- `flatten=True`: one float32 vector `grid.ravel() ++ global` of length `C*H*W + G`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from gymnasium import spaces

from metta_core.errors import ConfigError

OBS_DTYPES = ("uint8", "float32")

#: Bound of the global features' box: they are small counts and fractions, not truly unbounded.
GLOBAL_BOUND = 1e9


@dataclass(frozen=True)
class ObservationFormat:
    obs_shape: tuple[int, int, int]
    num_global_features: int
    obs_dtype: str = "uint8"
    flatten: bool = False

    def __post_init__(self) -> None:
        if self.obs_dtype not in OBS_DTYPES:
            raise ConfigError(f"obs_dtype: must be one of {', '.join(OBS_DTYPES)}, got {self.obs_dtype!r}")
        if self.flatten and self.obs_dtype != "float32":
            raise ConfigError(
                "flatten: a flat observation joins the uint8 grid and the float32 globals, so it needs"
                " obs_dtype='float32'"
            )

    @property
    def grid_size(self) -> int:
        return int(np.prod(self.obs_shape))

    def space(self) -> spaces.Space:
        """The observation space of one agent."""
        if self.flatten:
            high = np.full(self.grid_size + self.num_global_features, GLOBAL_BOUND, dtype=np.float32)
            high[: self.grid_size] = 255
            low = np.where(high == 255, 0, -GLOBAL_BOUND).astype(np.float32)
            return spaces.Box(low, high, dtype=np.float32)
        grid_dtype = np.dtype(self.obs_dtype)
        return spaces.Dict(
            {
                "grid": spaces.Box(0, 255, self.obs_shape, dtype=grid_dtype),
                "global": spaces.Box(
                    -GLOBAL_BOUND, GLOBAL_BOUND, (self.num_global_features,), dtype=np.float32
                ),
            }
        )

    def batch(self, grid: np.ndarray, global_obs: np.ndarray) -> dict[str, np.ndarray] | np.ndarray:
        """Rows `(N, C, H, W)` + `(N, G)` of the engine as new arrays in this format (never views
        of the engine's buffers, which the next step overwrites)."""
        if self.flatten:
            flat = np.empty((len(grid), self.grid_size + self.num_global_features), dtype=np.float32)
            flat[:, : self.grid_size] = grid.reshape(len(grid), -1)
            flat[:, self.grid_size :] = global_obs
            return flat
        return {"grid": grid.astype(self.obs_dtype, copy=True), "global": global_obs.copy()}

    def one(self, grid: np.ndarray, global_obs: np.ndarray) -> dict[str, np.ndarray] | np.ndarray:
        """One agent's observation (`grid` `(C, H, W)`, `global_obs` `(G,)`) in this format."""
        batch = self.batch(grid[None], global_obs[None])
        if self.flatten:
            return batch[0]
        return {key: value[0] for key, value in batch.items()}
