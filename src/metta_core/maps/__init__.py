"""Map builders and scene trees: configs in, character grids out.

`config` holds the pydantic models, `build.build_map` turns one into a validated grid. Nothing here
knows about the environment's arrays or the command line.
"""
