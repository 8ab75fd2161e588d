"""One module per map builder: a function `(config, rng) -> Built` that draws a grid.

Builders draw; they do not validate (see `maps/validate.py`) and do not retry (see `maps/build.py`).
"""
