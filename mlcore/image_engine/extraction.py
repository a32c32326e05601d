"""Feature vectors for the engine: a dataset's, a new image's or changed copies', through the worker and the cache.

The worker does the torch work (in this process, or in a process of its own for a window); stored vectors (the
ones a Marcelle file holds) are only stacked, so they never wait for torch.
"""

import numpy as np

from mlcore.image_engine.run import FeatureSet
from mlcore.jobs import Throughput
from mlcore.ml import features
from mlcore.ml.features import FeatureError
from mlcore.ml.in_process import InProcess


def waiting(job, what):
    """`on_wait(seconds)` for the worker: the job's message counts down until torch is loaded in its process."""
    return lambda seconds: job.report(job.done, None, f"{what} starts when the network library is ready… {seconds} s")


def has_stored(dataset) -> bool:
    """True when every image of `dataset` comes with the vector its Marcelle file stored."""
    if dataset is None:
        return False
    samples = dataset.train + dataset.test
    return bool(samples) and all(sample.x is not None for sample in samples)


def finite(vectors, name):
    """`vectors`, or a FeatureError when the extractor gave numbers that are not finite."""
    if not np.isfinite(vectors).all():
        raise FeatureError(f"{name} gave features that are not finite numbers: choose another extractor")
    return vectors


class Extraction:
    """Computes feature vectors with the worker, through the disk cache under `cache_folder`; notes its problems."""

    def __init__(self, worker, cache_folder, device, note):
        self.worker = worker
        self.cache_folder = cache_folder
        self.device = device  # where vectors are computed; None: the GPU if torch sees one
        self.note = note

    def vectors(self, job, name, images, progress=None, stored=None) -> features.Features:
        """Feature vectors of `images` with extractor `name` (stopped with `job`), as `features.Features`."""
        worker = self.worker if name != "stored" else InProcess()
        vectors, facts = worker.extract(
            name,
            images,
            stored=stored,
            cache_folder=self.cache_folder / "features",
            device=self.device,
            progress=progress,
            should_stop=lambda: job.cancelled,
            on_wait=waiting(job, f"{name} features"),
        )
        if facts["warning"]:
            self.note(facts["warning"])
        vectors = vectors.view(features.Features)
        vectors.extractor, vectors.compute_device = name, facts["compute_device"]
        vectors.cache_hits = facts["cache_hits"]
        return vectors

    def counted(self, job, name, images, what, stored=None, unit="images") -> features.Features:
        """`vectors` (finite, or a FeatureError), with the job's progress said as "`what`: done/total `unit`", and
        once measured, how many a second and the time left. The vectors' `per_second` keeps the rate."""
        total, rate = len(images), Throughput()
        job.report(0, total, f"{what}: 0/{total} {unit}")

        def progress(done, count):
            job.report(done, count, f"{what}: {done}/{count} {unit}{rate.says(done, count, unit)}")

        vectors = finite(self.vectors(job, name, images, progress, stored), name)
        vectors.per_second = rate.per_second
        return vectors

    def of_dataset(self, job, dataset, name) -> FeatureSet:
        """Every training and test image's vector with extractor `name` (an unknown name fails with the list)."""
        features.dim(name)
        samples = dataset.train + dataset.test
        stored = [sample.x for sample in samples] if name == "stored" else None
        vectors = self.counted(job, name, [sample.image for sample in samples], f"{name} features", stored)
        count = len(dataset.train)
        hits = f", {vectors.cache_hits} from the cache" if vectors.cache_hits else ""
        self.note(f"{name} features: {vectors.shape[1]} numbers for each of {len(samples)} images{hits}")
        return FeatureSet(
            vectors[:count], vectors[count:], name, vectors.compute_device, int(vectors.cache_hits), vectors.per_second
        )
