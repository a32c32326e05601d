"""A small network's training arithmetic in numpy, on the torch network's own weights: forward, then the
gradients written out layer by layer.

For a network of a few hundred weights, each torch call costs far more in bookkeeping (dispatch, autograd's graph
recorded on the way forward and walked on the way back) than in multiplications: on a two-core laptop a training
step of the notes' network took about 330 µs with autograd and fused Adam, and takes about 55 µs here, which makes
a first training several times shorter. The arithmetic is the textbook's:

    forward     a₀ = x,   zᵢ = aᵢ₋₁ Wᵢᵀ + bᵢ,   aᵢ = f(zᵢ)
    last layer  δ = ∂loss/∂z = (prediction − target) / count    (a softmax with cross-entropy, or a sigmoid with
                                                                 binary cross-entropy: the two losses ml5 uses)
    backward    ∂Wᵢ = δᵀ aᵢ₋₁,   ∂bᵢ = Σ δ,   then δ ← (δ Wᵢ) · f′(zᵢ₋₁)

    network = ArrayNetwork(torch_sequential)   # its weights now live in network.values, shared with torch
    network.fill_gradients(inputs, targets, last_delta, rng)   # into network.grads
    optimizer.step()                           # mlcore.ml.adam.Adam(network.values, network.grads)

tests/test_backprop.py compares every gradient with autograd's, for each activation, with dropout, and for both
losses.
"""

import numpy as np

from mlcore.ml.numpy_mlp import ACTIVATION_FUNCTIONS

_SLOPES = {  # f′ of each activation, from its output a = f(z)
    "ReLU": lambda a: a > 0,
    "Tanh": lambda a: 1 - a * a,
    "Sigmoid": lambda a: a * (1 - a),
}


class ArrayNetwork:
    """numpy's view of a torch.nn.Sequential (on the CPU) of Linear, ReLU, Tanh, Sigmoid and Dropout layers.

    Its weights and biases are moved into one flat float32 array, `values`, which the torch layers then use too:
    a step on `values` is a step of the torch network. `grads` is laid out as `values`.
    """

    def __init__(self, network):
        import torch

        parameters = [parameter for layer in network for parameter in layer.parameters()]
        flat = torch.cat([parameter.detach().reshape(-1) for parameter in parameters])
        self.values, self.grads = flat.numpy(), np.zeros(flat.numel(), dtype=np.float32)
        start = 0
        for parameter in parameters:  # each weight and bias becomes a view of its part of the flat array
            parameter.data = flat[start : start + parameter.numel()].view_as(parameter)
            start += parameter.numel()
        self.layers = [_layer(layer, self._grad) for layer in network]
        self.last_linear = max(i for i, layer in enumerate(self.layers) if isinstance(layer, _Linear))

    def _grad(self, parameter):
        """The part of `grads` laid out as `parameter`'s part of `values`."""
        start = parameter.storage_offset()
        return self.grads[start : start + parameter.numel()].reshape(parameter.shape)

    def predict(self, inputs):
        """The network's output for `inputs` (float32, samples × features), dropout switched off."""
        for layer in self.layers:
            inputs = layer.forward(inputs)
        return inputs

    def fill_gradients(self, inputs, targets, last_delta, rng):
        """`grads` := the gradient of the loss on one batch. `last_delta(prediction, targets)` is ∂loss/∂z of the
        last Linear layer's output z: the layers after it (a regression's sigmoid) count as part of the loss.
        Dropout layers drop, drawing from `rng` (a numpy Generator)."""
        for layer in self.layers:
            inputs = layer.forward(inputs, rng)
        delta = last_delta(inputs, targets)
        for layer in reversed(self.layers[: self.last_linear + 1]):
            delta = layer.backward(delta)


class _Linear:
    def __init__(self, layer, grad):
        self.weight, self.weight_grad = layer.weight.detach().numpy(), grad(layer.weight)
        self.bias, self.bias_grad = layer.bias.detach().numpy(), grad(layer.bias)

    def forward(self, inputs, rng=None):
        self.inputs = inputs
        return inputs @ self.weight.T + self.bias

    def backward(self, delta):
        np.matmul(delta.T, self.inputs, out=self.weight_grad)
        np.sum(delta, axis=0, out=self.bias_grad)
        return delta @ self.weight


class _Activation:
    def __init__(self, name):
        self.function, self.slope = ACTIVATION_FUNCTIONS[name.lower()], _SLOPES[name]

    def forward(self, inputs, rng=None):
        self.outputs = self.function(inputs)
        return self.outputs

    def backward(self, delta):
        return delta * self.slope(self.outputs)


class _Dropout:
    """As torch.nn.Dropout trains: each value kept with chance 1 - p, and then scaled up by 1 / (1 - p)."""

    def __init__(self, p):
        self.keep = np.float32(1.0 - p)

    def forward(self, inputs, rng=None):
        self.mask = 1.0 if rng is None else (rng.random(inputs.shape, dtype=np.float32) < self.keep) / self.keep
        return inputs * self.mask

    def backward(self, delta):
        return delta * self.mask


def _layer(layer, grad):
    kind = type(layer).__name__
    if kind == "Linear":
        return _Linear(layer, grad)
    if kind == "Dropout":
        return _Dropout(layer.p)
    return _Activation(kind)
