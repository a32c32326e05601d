"""A wait for the training process says a true countdown while torch loads, and there is no wait once it has."""

import numpy as np

from mlcore.ml.trainer_process import TrainerProcess


def test_a_countdown_while_torch_loads_and_none_once_it_is_loaded():
    images = [np.full((480, 640, 3), shade % 256, np.uint8) for shade in range(0, 600, 3)]
    worker = TrainerProcess().start()
    try:
        before = []
        vectors, _ = worker.extract("color_histogram", images, on_wait=before.append)  # asked at once, as T at start
        assert worker.ready.is_set() and vectors.shape[0] == len(images)
        assert before and min(before) >= 1  # a countdown of whole seconds, never "0 s" while it waits
        assert before == sorted(before, reverse=True)  # it counts down, never up
        after = []
        worker.extract("color_histogram", images, on_wait=after.append)
        assert after == []  # the process is ready: nothing waits, nothing says it does
    finally:
        worker.close()
