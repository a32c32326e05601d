"""Warm the training up in the training process, so that it is ready by the time a student presses T."""

import numpy as np


def warm_up():
    """A few short trainings shaped like a lesson's, which load all that a first real one would."""
    from mlcore.ml.models import MLPClassifier, MLPRegressor

    # Both tasks, with a validation split and a full batch: torch's layers, the arithmetic of the training steps,
    # the losses and their per-sample forms, thread pools. A student's first T then runs as fast as the later ones.
    rng = np.random.default_rng(0)
    points = rng.uniform(0, 1, size=(60, 2))
    labels = ["a", "b", "c"] * 20
    for model, targets in (
        (MLPClassifier(hidden_layers=[16], epochs=5, seed=0), labels),
        (MLPRegressor(hidden_layers=[16], epochs=5, seed=0), points[:, 0] * 100),
    ):
        model.validation_split = 0.2
        model.fit(points, targets)
        model.predict(points[:2])
