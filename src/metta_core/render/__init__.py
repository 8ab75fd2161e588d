"""Watching agents live: the episode driver shared by every viewer, the ASCII renderer and the
Textual app. Importing this package is light; the Textual app is imported only when used.
"""
