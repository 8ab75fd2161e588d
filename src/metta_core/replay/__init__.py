"""Replays: the compressed file format, the recorder, and the browser viewer's server.

Importing this package is light (no numba, no torch): the recorder only reads snapshots.
"""
