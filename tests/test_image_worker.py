"""The image classifier's torch work done in the training process, as the window does it: the same results as in
this process, a network that comes back as numpy arrays, model files written and read there, a stop that stops,
and a failure that is one sentence."""

import os
import signal

import numpy as np
import pytest

from mlcore.image_engine.pipeline import ImagePipeline
from mlcore.ml.numpy_mlp import NumpyMLP
from mlcore.ml.trainer_process import TrainerProcess, TrainingError


@pytest.fixture(scope="module")
def process():
    worker = TrainerProcess().start()
    assert worker.ready.wait(180), "the training process did not load torch"
    yield worker
    worker.close()


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ML_SKETCHES_CACHE", str(tmp_path / "cache"))


def trained(worker, tmp_path, epochs=8):
    pipeline = ImagePipeline(cache_folder=tmp_path / "cache", worker=worker)
    pipeline.params.update(epochs=epochs, seed=3)
    job = pipeline.run_all("builtin", features="color_histogram")
    job.wait(300)
    assert job.status == "done", pipeline.messages
    return pipeline


def test_a_training_in_the_process_matches_one_in_this_process(process, tmp_path):
    there = trained(process, tmp_path / "there")
    here = trained(None, tmp_path / "here")
    assert isinstance(there.model, NumpyMLP) and not isinstance(here.model, NumpyMLP)
    assert np.array_equal(there.train_features, here.train_features)  # the same features, computed in the child
    assert there.model.classes_ == here.model.classes_
    # Same data, settings and seed: the same network up to float rounding, so the same answers.
    assert np.allclose(
        there.model.predict_proba(there.test_features), here.model.predict_proba(here.test_features), atol=1e-3
    )
    assert abs(there.test_accuracy - here.test_accuracy) <= 1 / len(there.test_features)  # a borderline image at most
    assert np.allclose(there.history["loss"], here.history["loss"], atol=1e-3)
    assert there.state()["model"] == {"hidden_layers": [64, 32], "activation": "relu", "dropout": 0.0}


def test_a_model_file_is_written_and_read_back_by_the_process(process, tmp_path):
    pipeline = trained(process, tmp_path)
    expected = pipeline.model.predict_proba(pipeline.test_features)
    job = pipeline.save_model_file(tmp_path / "fruit.pt")
    job.wait(60)
    assert job.status == "done" and (tmp_path / "fruit.pt").is_file(), pipeline.messages
    again = ImagePipeline(cache_folder=tmp_path / "cache", worker=process)
    again.load("builtin").wait(120)
    again.extract("color_histogram").wait(120)
    job = again.load_model_file(tmp_path / "fruit.pt")
    job.wait(60)
    assert job.status == "done", again.messages
    assert np.allclose(again.model.predict_proba(again.test_features), expected, atol=1e-6)
    assert again.test_accuracy == pipeline.test_accuracy


def test_stop_ends_a_training_in_the_process_and_keeps_what_was_learned(process, tmp_path):
    pipeline = trained(process, tmp_path, epochs=2)
    pipeline.params.update(epochs=5000)
    job = pipeline.train()
    while job.running and len(pipeline.history["loss"]) < 3:
        job.wait(0.05)
    pipeline.stop()
    job.wait(60)
    assert not job.running and 3 <= len(pipeline.history["loss"]) < 5000
    assert pipeline.state()["training"]["status"] == "cancelled" and pipeline.model is not None


def test_a_file_that_is_no_model_is_one_sentence_from_the_process(process, tmp_path):
    bad = tmp_path / "notes.pt"
    bad.write_text("my notes, not a model")
    pipeline = ImagePipeline(cache_folder=tmp_path / "cache", worker=process)
    job = pipeline.load_model_file(bad)
    job.wait(60)
    assert job.status == "failed"
    assert pipeline.messages[-1].startswith("notes.pt: not a model file"), pipeline.messages
    assert "Error" not in pipeline.messages[-1]  # a sentence for a student, not an exception's name


def fit_small(worker, epochs=2, on_epoch=None):
    from mlcore.ml.models import MLPClassifier

    inputs = np.random.default_rng(0).random((20, 4)).astype("float32")
    model = MLPClassifier(hidden_layers=[4], epochs=epochs)
    return worker.fit(model, inputs, np.array([0, 1] * 10), on_epoch=on_epoch)


def test_a_training_process_that_dies_mid_training_is_said_in_words_and_t_gets_a_new_one(process):
    assert process.ready.wait(180)
    first = process.process
    with pytest.raises(TrainingError) as raised:  # killed at its first epoch, as a crash or the OOM killer would
        fit_small(
            process, epochs=100000, on_epoch=lambda epoch, logs: epoch == 1 and os.kill(first.pid, signal.SIGKILL)
        )
    assert str(raised.value) == "the training process stopped unexpectedly: press T to try again"
    assert process.process is not first and first.wait(10) == -signal.SIGKILL
    assert isinstance(fit_small(process), NumpyMLP)  # T again: a new process trains


def test_a_training_process_that_does_not_answer_is_replaced(process):
    assert process.ready.wait(180)
    first = process.process
    os.kill(first.pid, signal.SIGSTOP)  # stopped: alive, but it answers nothing
    with pytest.raises(TrainingError) as raised:
        fit_small(process)
    assert str(raised.value) == "the training process did not answer, so a new one was started: press T to try again"
    assert process.process is not first and first.wait(10) is not None  # the stopped one is gone
    assert isinstance(fit_small(process), NumpyMLP)
