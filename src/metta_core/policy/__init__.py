"""Policies: the torch network, the checkpoint file format, the PolicyStore and its URI backends.

Import the submodules (`network`, `checkpoint`, `store`, `actor`); this file imports nothing so
that light callers never pay for torch.
"""
