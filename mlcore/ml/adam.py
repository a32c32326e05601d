"""Adam, the optimiser ml5 trains with, on numpy arrays: the rule of torch.optim.Adam, in the same order of
operations (tests/test_backprop.py trains a network with both, step for step).

    optimizer = Adam(values, grads, lr=0.01)   # one flat float32 array of weights, and its gradient
    optimizer.step()                           # values moved in place by what is in grads now
"""

import math

import numpy as np


class Adam:
    def __init__(self, values, grads, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        self.values, self.grads = values, grads
        self.lr, (self.beta1, self.beta2), self.eps = lr, betas, eps
        self.exp_avg, self.exp_avg_sq = np.zeros_like(values), np.zeros_like(values)
        self.steps = 0

    def step(self):
        self.steps += 1
        grads = self.grads
        self.exp_avg += (grads - self.exp_avg) * (1 - self.beta1)  # a running mean of the gradient…
        self.exp_avg_sq *= self.beta2
        self.exp_avg_sq += grads * grads * (1 - self.beta2)  # …and of its square
        step_size = self.lr / (1 - self.beta1**self.steps)
        denominator = np.sqrt(self.exp_avg_sq) / math.sqrt(1 - self.beta2**self.steps) + self.eps
        self.values -= step_size * self.exp_avg / denominator
