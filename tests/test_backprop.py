"""The training arithmetic written out in numpy (mlcore.ml.backprop, mlcore.ml.adam) against torch's own: every
gradient as autograd finds it, and Adam as torch.optim.Adam moves the weights."""

import numpy as np
import pytest
import torch

from mlcore.ml.adam import Adam
from mlcore.ml.backprop import ArrayNetwork
from mlcore.ml.models import MLPClassifier, MLPRegressor

F = torch.nn.functional


def built(model, inputs, outputs):
    """A fresh network as the model builds it (its own initial weights), for `inputs` features."""
    model._seed = 3
    model.classes_ = list(range(outputs))
    model.target_scaler_ = type("Scaler", (), {"min_": np.zeros(outputs)})()
    return model._build(inputs)


def autograd_gradients(network, inputs, loss):
    """Each weight's and bias's gradient as autograd finds it, as numpy arrays in parameter order."""
    network.zero_grad()
    loss(network(torch.as_tensor(inputs))).backward()
    return [parameter.grad.numpy().copy() for parameter in network.parameters()]


def array_gradients(network, model, inputs, targets, rng=None):
    arrays = ArrayNetwork(network)
    arrays.fill_gradients(inputs, model._training_targets(targets), model._last_delta, rng)
    sizes = np.cumsum([parameter.numel() for parameter in network.parameters()])[:-1]
    return [grad.reshape(p.shape) for grad, p in zip(np.split(arrays.grads, sizes), network.parameters())]


def assert_same(mine, theirs):
    assert len(mine) == len(theirs)
    for a, b in zip(mine, theirs):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    assert max(float(np.abs(b).max()) for b in theirs) > 1e-3  # a gradient worth comparing


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_classifier_gradients_are_autograds_for_every_activation(activation):
    rng = np.random.default_rng(0)
    inputs, targets = rng.random((40, 5), dtype=np.float32), rng.integers(0, 4, 40)
    model = MLPClassifier(hidden_layers=[16, 8], activation=activation)
    network = built(model, 5, 4)
    theirs = autograd_gradients(network, inputs, lambda out: F.cross_entropy(out, torch.as_tensor(targets)))
    assert_same(array_gradients(network, model, inputs, targets), theirs)


@pytest.mark.parametrize("outputs", [1, 3])
def test_regressor_gradients_are_autograds_for_one_output_or_several(outputs):
    rng = np.random.default_rng(1)
    inputs, targets = rng.random((30, 2), dtype=np.float32), rng.random((30, outputs), dtype=np.float32)
    model = MLPRegressor(hidden_layers=[16], activation="tanh")
    network = built(model, 2, outputs)
    assert type(network[-1]).__name__ == "Sigmoid"  # its gradient is part of the loss's: (prediction - target)
    theirs = autograd_gradients(network, inputs, lambda out: F.binary_cross_entropy(out, torch.as_tensor(targets)))
    assert_same(array_gradients(network, model, inputs, targets), theirs)


def test_dropout_drops_while_training_as_torch_does_and_never_while_predicting():
    rng = np.random.default_rng(2)
    inputs, targets = rng.random((64, 3), dtype=np.float32), rng.integers(0, 2, 64)
    model = MLPClassifier(hidden_layers=[32], dropout=0.5)
    network = built(model, 3, 2)
    mine = array_gradients(network, model, inputs, targets, np.random.default_rng(5))
    # The same masks, drawn again from the same seed, given to autograd through the network's own layers.
    arrays = ArrayNetwork(network)
    arrays.fill_gradients(inputs, model._training_targets(targets), model._last_delta, np.random.default_rng(5))
    mask = torch.as_tensor(arrays.layers[2].mask)
    assert 0.4 < float((mask > 0).float().mean()) < 0.6 and float(mask.max()) == 2.0  # kept, and scaled by 2

    def masked(out):
        return F.cross_entropy(network[3](network[1](network[0](out)) * mask), torch.as_tensor(targets))

    network.zero_grad()
    masked(torch.as_tensor(inputs)).backward()
    assert_same(mine, [parameter.grad.numpy() for parameter in network.parameters()])
    with torch.no_grad():  # predicting: no value dropped, as torch's network in eval mode
        np.testing.assert_allclose(arrays.predict(inputs), network(torch.as_tensor(inputs)).numpy(), rtol=1e-5)


def test_a_step_of_numpy_moves_the_torch_network_that_predicts():
    model = MLPClassifier(hidden_layers=[8])
    network = built(model, 2, 3)
    arrays = ArrayNetwork(network)
    before = network[0].weight.detach().clone()
    arrays.values -= 0.5
    assert torch.equal(network[0].weight.detach(), before - 0.5)


def test_adam_moves_every_weight_as_torchs_own_adam_does():
    def trained(optimiser):
        torch.manual_seed(0)
        network = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
        inputs, targets = torch.rand(60, 2), torch.arange(60) % 3
        step = optimiser(network)
        for batch in range(50):
            network.zero_grad()
            F.cross_entropy(network(inputs[batch % 2 :: 2]), targets[batch % 2 :: 2]).backward()
            step()
        return [parameter.detach().clone() for parameter in network.parameters()]

    def numpy_adam(network, lr=0.01):
        arrays = ArrayNetwork(network)  # the weights in one flat array; the gradients copied into its layout
        adam = Adam(arrays.values, arrays.grads, lr=lr)

        def step():
            arrays.grads[:] = np.concatenate([p.grad.numpy().ravel() for p in network.parameters()])
            adam.step()

        return step

    mine = trained(numpy_adam)
    theirs = trained(lambda network: torch.optim.Adam(network.parameters(), lr=0.01).step)
    assert max(float((a - b).abs().max()) for a, b in zip(mine, theirs)) < 1e-5  # step for step, 50 steps
    unmoved = trained(lambda network: numpy_adam(network, lr=0.0))
    assert float((mine[0] - unmoved[0]).abs().max()) > 0.01  # and the weights did move


def test_a_trained_model_predicts_as_its_training_logs_said():
    rng = np.random.default_rng(4)
    X = rng.random((60, 2)) * 500
    y = ["a" if x < 250 else "b" for x, _ in X]
    model = MLPClassifier(hidden_layers=[16], learning_rate=0.05, epochs=100, seed=0).fit(X, y)
    accuracy = np.mean(np.array(model.predict(X)) == np.array(y))
    assert accuracy == pytest.approx(model.history_["accuracy"][-1]) and accuracy > 0.9
    loss = F.cross_entropy(
        torch.as_tensor(np.log(model.predict_proba(X))), torch.as_tensor([c == "b" for c in y]).long()
    )
    assert float(loss) == pytest.approx(model.history_["loss"][-1], rel=1e-4)
