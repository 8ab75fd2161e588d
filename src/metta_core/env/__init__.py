"""The MettaGrid engine: game tables, configuration, the numba step kernel and the VecEnv API.

Keep this file free of heavy imports: `metta_core.env.table` is read by the CLI's completion and
by map tools, which must not pay for numba. Import `metta_core.env.vecenv` for the engine.
"""
