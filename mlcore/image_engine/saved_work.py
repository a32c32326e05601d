"""The pipeline's steps for your own classes and for model files: a collection becomes the dataset or is saved,
a saved model becomes the current one; any dataset is exported as one Marcelle file. Each runs as a job of the
pipeline."""

import dataclasses
from pathlib import Path

from mlcore.data.collection import CollectionError
from mlcore.data.marcelle import save_marcelle_split
from mlcore.image_engine.edits import replay
from mlcore.image_engine.images import PipelineError
from mlcore.ml import features
from mlcore.ml.model_io import ModelFileError
from mlcore.ml.trainer_process import TrainingError


class SavedWork:
    """Collections and model files, for `ImagePipeline` (which supplies `_start`, `_set_dataset`, `_evaluate`…)."""

    def use_collection(self, collection, test_fraction=0.2, seed=0):
        """Background: the collection, split into training and test images, becomes the dataset."""

        def step(job):
            job.report(0, None, f"splitting {collection.name}")
            try:
                dataset = collection.split(test_fraction=test_fraction, seed=seed)
            except CollectionError as error:
                raise PipelineError(str(error)) from None
            self._set_dataset(dataset)
            return dataset

        return self._start("load", step)

    def save_collection(self, collection, folder, extractor, test_fraction=0.2, seed=0, changes=()):
        """Background: write the collection as Marcelle files (with `extractor`'s vectors as `x`) and image folders,
        split as the Data page shows it: with `changes` (`DataEdits.changes`: images deleted or moved) made."""
        folder = Path(folder)

        def step(job):
            if not collection.samples:
                raise PipelineError("nothing to save: record some images first")
            try:
                split = collection.split(test_fraction=test_fraction, seed=seed)
            except CollectionError as error:
                raise PipelineError(f"dataset not saved: {error}") from None
            split = replay((split, None, None, None), list(changes))[0][0]
            samples = split.train + split.test
            total = len(samples)
            job.report(0, total, f"{extractor} features for the Marcelle file: 0/{total}")

            def progress(done, count):
                job.report(done, count, f"{extractor} features for the Marcelle file: {done}/{count}")

            vectors = self._features(job, extractor, [sample.image for sample in samples], progress)
            by_id = {sample.id: vector for sample, vector in zip(samples, vectors)}
            job.report(total, total, f"writing {folder}")
            try:
                folder.mkdir(parents=True, exist_ok=True)
                train, test = collection.save_marcelle(folder / collection.name, vectors=by_id, split=split)
                images = collection.save_image_folders(folder / "images", overwrite=True, split=split)
            except (CollectionError, OSError) as error:
                raise PipelineError(f"dataset not saved: {error}") from None
            return {"folder": str(folder), "marcelle": [str(train), str(test)], "images": str(images),
                    "extractor": extractor, "dim": int(vectors.shape[1]), "count": total}

        return self._start("save_dataset", step)

    def export_dataset(self, path, extractor, note):
        """Background: the dataset (with its edits) as one Marcelle export at `path`, its training images as
        "trainingSet" and its test images as "testSet", each with `extractor`'s vector as `x`; `note(extractor,
        dim)` says in the file what `x` holds."""
        path = Path(path)

        def step(job):
            dataset = self.dataset
            if dataset is None:
                raise PipelineError("load a dataset first")
            samples = dataset.train + dataset.test
            if self._extracted == extractor and self.train_features is not None:
                vectors = list(self.train_features) + list(self.test_features)  # what the pages already show
            else:
                total = len(samples)
                job.report(0, total, f"{extractor} features for the export: 0/{total}")

                def progress(done, count):
                    job.report(done, count, f"{extractor} features for the export: {done}/{count}")

                stored = [sample.x for sample in samples] if extractor == "stored" else None
                vectors = list(self._features(job, extractor, [s.image for s in samples], progress, stored))
            with_x = [dataclasses.replace(sample, x=vector) for sample, vector in zip(samples, vectors)]
            dim = int(len(vectors[0])) if vectors else 0
            job.report(len(samples), len(samples), f"writing {path}")
            try:
                save_marcelle_split(with_x[:len(dataset.train)], with_x[len(dataset.train):], path,
                                    meta={"features": extractor, "dim": dim, "note": note(extractor, dim)})
            except OSError as error:
                raise PipelineError(f"not exported, {path} could not be written "
                                    f"({error.strerror or error}): the dataset is still here, unchanged") from None
            return {"path": str(path), "extractor": extractor, "dim": dim, "train": len(dataset.train),
                    "test": len(dataset.test)}

        return self._start("export", step)

    def save_model_file(self, path):
        """Background: write the current model (with its classes and extractor) as a model file."""
        model, extractor = self.model, self.trained_extractor

        def step(job):
            job.report(0, None, f"saving the model to {path}")
            try:
                written = self.worker.save_model(path, model, list(model.classes_), extractor)
            except (ModelFileError, TrainingError) as error:
                raise PipelineError(f"model not saved: {error}") from None
            return {"path": str(written), "classes": list(model.classes_)}

        return self._start("save_model", step)

    def load_model_file(self, path):
        """Background: a saved model becomes the current model (scored on the dataset where it fits)."""
        path = Path(path)

        def step(job):
            job.report(0, None, f"loading {path.name}")
            try:
                model, info = self.worker.load_model(path)
            except (ModelFileError, TrainingError) as error:
                raise PipelineError(str(error)) from None
            extractor = info["extractor"]
            if extractor not in features.EXTRACTORS:
                raise PipelineError(f"{path.name}: refused: trained on {extractor!r} features, which this sketch "
                                    f"cannot compute ({', '.join(features.EXTRACTORS)})")
            self._clear_results()
            self.features_name = extractor
            dataset, vectors = self.dataset, self.train_features
            fits = (dataset is not None and vectors is not None and self._extracted == extractor
                    and vectors.shape[1] == info["feature_dim"] and set(model.classes_) <= set(dataset.classes))
            if fits:
                self._evaluate(model, dataset, extractor)  # fills the Testing page
            else:
                self.model, self._trained_on = model, extractor
            self._note(f"loaded {path.name}: classes {', '.join(model.classes_)}, {extractor} features"
                       + ("" if fits else "; Live (L) or drop an image to use it"))
            return {"path": str(path), "classes": list(model.classes_), "extractor": extractor}

        return self._start("load_model", step)
