"""ml5's vocabulary from a script: several regression outputs, a failed training that says so, and a network asked
before it was trained."""

import numpy as np
import pytest

from mlcore.ml.neural_network import NeuralNetwork, NotTrained, TrainingFailed
from mlcore.ml.trainer_process import TrainerProcess

# Two outputs per place: a pitch, and a volume that falls as the pitch rises.
EXAMPLES = [(0.1, 0.2, 200.0, 1.0), (0.8, 0.9, 400.0, 0.0), (0.15, 0.25, 210.0, 0.9), (0.85, 0.8, 390.0, 0.1)] * 3


def two_outputs(worker=None):
    network = NeuralNetwork(task="regression", hidden_layers=[16], seed=1, worker=worker)
    for x, y, hz, volume in EXAMPLES:
        network.add_data([x, y], [hz, volume])
    return network


def test_a_regression_of_two_outputs_predicts_two_numbers_and_its_model_file_keeps_them(tmp_path):
    network = two_outputs().train(300).wait()
    low, high = network.predict([0.1, 0.2]), network.predict([0.85, 0.85])
    assert len(low) == 2 and all(isinstance(value, float) for value in low)
    assert low[0] < 260 and low[1] > 0.7 and high[0] > 340 and high[1] < 0.3
    assert [layer["units"] for layer in network.summary()] == [16, 2]
    network.save(tmp_path / "two.model.pt").file_job.wait()
    loaded = NeuralNetwork(task="regression", hidden_layers=[16]).load(tmp_path / "two.model.pt")
    loaded.file_job.wait()
    loaded.update()
    assert loaded.predict([0.1, 0.2]) == pytest.approx(low, rel=1e-6)


def test_the_training_process_carries_two_outputs_there_and_back(tmp_path):
    worker = TrainerProcess()
    try:
        network = two_outputs(worker).train(300).wait()
        in_process = two_outputs().train(300).wait()
        assert network.predict([0.1, 0.2]) == pytest.approx(in_process.predict([0.1, 0.2]), rel=1e-4)
        assert len(network.history["mean_error"]) == 300
        network.save(tmp_path / "two.model.pt").file_job.wait()
        assert network.file_job.status == "done", network.file_job.error
        loaded = NeuralNetwork(task="regression", hidden_layers=[16], worker=worker).load(tmp_path / "two.model.pt")
        loaded.file_job.wait()
        loaded.update()
        assert loaded.predict([0.85, 0.85]) == pytest.approx(network.predict([0.85, 0.85]), rel=1e-6)
    finally:
        worker.close()


def test_one_output_still_predicts_one_number():
    network = NeuralNetwork(task="regression", hidden_layers=[8], seed=2)
    for x, y, hz, _ in EXAMPLES:
        network.add_data([x, y], hz)
    assert isinstance(network.train(50).wait().predict([0.5, 0.5]), float)


def test_outputs_that_do_not_match_are_refused_as_they_are_added():
    network = two_outputs()
    with pytest.raises(ValueError, match=r"as many output numbers as the first \(2\), not 1"):
        network.add_data([0.5, 0.5], 300.0)
    with pytest.raises(TypeError, match="a number or a list of numbers"):
        network.add_data([0.5, 0.5], "C")
    with pytest.raises(ValueError, match=r"as many inputs as the first \(2\), not 3"):
        network.add_data([0.5, 0.5, 0.5], [300.0, 0.5])


class Broken:
    """A worker whose training fails, as a torch error in the training process would."""

    def fit(self, model, inputs, outputs, **hooks):
        raise ValueError("the training process stopped unexpectedly")


def test_a_failed_training_raises_from_wait_with_its_message_and_classify_says_train_first():
    network = NeuralNetwork(task="classification", worker=Broken())
    network.add_data([0, 0], "C")
    network.add_data([1, 1], "G")
    with pytest.raises(TrainingFailed, match="the training failed: ValueError: the training process stopped"):
        network.train(5).wait()
    with pytest.raises(NotTrained, match="classify: train the network first"):
        network.classify([0, 0])
    with pytest.raises(NotTrained, match="predict is for a regression network; this one is a classification"):
        network.predict([0, 0])


@pytest.mark.parametrize(
    "option, value, sentence",
    [
        ("activation", "softmax", 'activation must be "relu", "tanh" or "sigmoid" (it is "softmax")'),
        ("learning_rate", -1, "learning_rate must be a number above 0, up to 10 (it is -1)"),
        ("batch_size", 0, "batch_size must be a whole number from 1 to 100000 (it is 0)"),
        ("hidden_layers", [0], "hidden_layers must be a list of whole numbers from 1 to 4096"),
    ],
)
def test_a_bad_option_still_makes_a_network_that_collects_and_train_refuses_by_name(option, value, sentence):
    network = NeuralNetwork(task="classification", **{option: value})
    assert network.problem.startswith(sentence)
    network.add_data([0, 0], "C")
    network.add_data([1, 1], "G")
    with pytest.raises(ValueError) as refused:
        network.train(5)
    assert str(refused.value).startswith(sentence) and network.job is None


@pytest.mark.parametrize("epochs", [0, 50.0, "200"])
def test_train_refuses_epochs_that_are_not_a_whole_number(epochs):
    network = NeuralNetwork(task="classification")
    network.add_data([0, 0], "C")
    network.add_data([1, 1], "G")
    with pytest.raises(ValueError, match=r"^epochs must be a whole number from 1 to 10000 \(it is "):
        network.train(epochs)


def test_hidden_layers_as_one_number_is_one_layer_as_in_ml5():
    network = NeuralNetwork(task="classification", hidden_layers=8, seed=0)
    for x, y, label in [(0.1, 0.2, "C"), (0.8, 0.9, "G"), (0.15, 0.25, "C"), (0.85, 0.8, "G")]:
        network.add_data([x, y], label)
    assert network.problem is None
    assert [layer["units"] for layer in network.train(5).wait().summary()] == [8, 2]
    assert np.isclose(sum(confidence for _, confidence in network.classify([0.1, 0.2])), 1.0)
