"""What the sketches share, one package per concern. Arrows point one way: sketches → apps → ML / data / widgets →
runtime basics.

    mlcore.runtime     the p5-like frame loop: hooks, events, replay, the command line (knows nothing of ML)
    mlcore.jobs        background work with a status; mlcore.files: safe file writing (no pygame, no ML)
    mlcore.widgets     text, panels, buttons, charts, thumbnail grids (pygame; no ML)
    mlcore.ml          networks (NeuralNetwork, MLPs), feature extractors, model files, confusion (no pygame)
    mlcore.data        datasets (course, built-in, folders), camera collections, cameras (no pygame)
    mlcore.notes       the note sketches' canvas: samples, sound, training popup, maps, sample files
    mlcore.image_app   the image classifier: pipeline, pages, camera and live prediction

`mlcore.ml` and `mlcore.data` import without a display and work from a notebook; torch is imported only when a
model is first built, so that a sketch's first frame never waits for it.
"""

import os

# The sketches speak for themselves: pygame's greeting on standard output would mix with --predict's answers.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
