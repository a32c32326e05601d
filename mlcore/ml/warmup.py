"""Import torch and warm it up in the background, so that it is ready by the time a student presses T."""

import threading

import numpy as np

from mlcore import jobs


def warm_up():
    """One tiny training, which loads all that a first real one would."""
    from mlcore.ml.models import MLPClassifier

    # One tiny training loads everything the first real one would (the optimiser, autograd, thread pools), so
    # that a student's first T does not stall the frames with imports.
    MLPClassifier(hidden_layers=[4], epochs=2, batch_size=2, seed=0).fit(np.array([[0.0, 0.0], [1.0, 1.0]]), ["a", "b"])


def preload_torch():
    """Start the warm-up on a plain thread (not a Job: no student asked for it, so `jobs.busy()` ignores it)."""
    thread = threading.Thread(target=warm_up, name="import torch", daemon=True)
    thread.start()
    return jobs.track(thread)
