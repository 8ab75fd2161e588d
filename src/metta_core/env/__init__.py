"""The MettaGrid engine: game tables, configuration, the numba step kernel and the VecEnv API.

Keep this file free of heavy imports: `metta_core.env.table` is read by the CLI's completion and
by map tools, which must not pay for numba. Importing the package registers every preset with
Gymnasium (`metta/<Preset>-v0`, see `registration`), which costs gymnasium's import (~30 ms after
numpy) and a directory listing. Import `metta_core.env.vecenv` for the engine.
"""

from metta_core.env.registration import register_presets

register_presets()
