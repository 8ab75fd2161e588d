"""`render_mode` for the Gymnasium and PettingZoo views: `"ansi"` (the ASCII frame of `metta
render`) and `"rgb_array"` (the map image's colours). Both draw the env as it is now: after an
episode's last step that is already the next episode's first state (the engine resets in-step).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from metta_core.errors import ConfigError

if TYPE_CHECKING:
    import numpy as np

    from metta_core.env.vecenv import VecEnv

RENDER_MODES = ["ansi", "rgb_array"]
#: Frames per second a video recorder should play `rgb_array` frames at.
RENDER_FPS = 10


def check_render_mode(render_mode: str | None) -> str | None:
    if render_mode is not None and render_mode not in RENDER_MODES:
        raise ConfigError(
            f"render_mode: must be one of {', '.join(RENDER_MODES)} or None, got {render_mode!r}"
        )
    return render_mode


def render_env(env: VecEnv, render_mode: str | None, env_index: int = 0) -> str | np.ndarray | None:
    """Env `env_index` drawn in `render_mode` (None draws nothing, as Gymnasium expects)."""
    if render_mode is None:
        return None
    snapshot = env.snapshot(env_index)
    if render_mode == "ansi":
        from metta_core.render.ascii import ascii_frame

        return ascii_frame(snapshot, list(env.action_names), list(env.item_names))
    from metta_core.render.image import snapshot_rgb

    return snapshot_rgb(snapshot)
