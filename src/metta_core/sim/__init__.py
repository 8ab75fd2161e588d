"""Evaluation: actors that choose actions, simulations that run them, suites that score them.

Nothing here parses command lines or prints; results are returned as objects and written to a
`StatsDB`.
"""
