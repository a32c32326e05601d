"""The Features page says how fast the images go and how long is left, as they are computed."""

import time
from pathlib import Path

import numpy as np

from mlcore.image_engine.extraction import Extraction
from mlcore.jobs import Job, Throughput


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_the_rate_and_the_time_left_once_half_a_second_of_work_is_measured():
    clock = Clock()
    rate = Throughput(clock)
    assert rate.says(0, 90, "images") == ""  # the first report: nothing measured yet
    clock.now = 0.3
    assert rate.says(8, 90, "images") == ""  # too soon to say
    clock.now = 2.0
    assert rate.says(40, 90, "images") == ", 20 images/s, about 3 s left"  # 50 left at 20 a second: 2.5 s
    clock.now = 4.5
    assert rate.says(90, 90, "images") == ", 20 images/s" and rate.per_second == 20


class SlowWorker:
    """A worker that computes 8 images every 0.2 s, reporting as the real ones do."""

    def extract(self, name, images, progress=None, **_):
        for done in range(0, len(images) + 1, 8):
            progress(min(done, len(images)), len(images))
            time.sleep(0.2)
        return np.ones((len(images), 3), np.float32), {"warning": "", "compute_device": "cpu", "cache_hits": 0}


def test_an_extraction_says_images_a_second_and_the_seconds_left_and_keeps_its_rate(tmp_path):
    said = []
    job = Job("extract", lambda job: None)
    job.report = lambda done, total=None, message="": said.append(message)
    extraction = Extraction(SlowWorker(), Path(tmp_path), None, note=said.append)
    vectors = extraction.counted(job, "pixels", [np.zeros((4, 4, 3), np.uint8)] * 40, "pixels features")
    assert said[0] == "pixels features: 0/40 images"
    during = [m for m in said if "images/s, about" in m]
    assert during and during[0].startswith("pixels features: ") and during[0].endswith(" s left")
    assert said[-1].startswith("pixels features: 40/40 images, ") and said[-1].endswith(" images/s")
    assert vectors.per_second > 0  # kept with the vectors, for the state's features.images_per_second
