"""Shared code of the sketches: a small p5-like runtime on Pygame, and the machine learning.

The machine-learning modules (`mlcore.models`, `mlcore.scaling`, `mlcore.audio`'s synthesis, `mlcore.datasets`,
`mlcore.features`) import without a display and can be used from a notebook. torch is imported only when a model
is first built, so that a sketch's first frame never waits for it.
"""
