"""Adam, the optimiser ml5 trains with, as `torch.optim.Adam(fused=True)` computes it: the same fused kernel,
called directly.

torch.optim's wrapper imports torch's compiler on its first use (about 4 s on a two-core laptop, between the start
and the moment a first training can begin) and goes through profiling and compiler hooks on every step, which a
network of a few hundred weights pays for more than for its arithmetic. The numbers are those of torch.optim.Adam
(tests/test_models.py compares them weight by weight).
"""


class Adam:
    """`step()` moves every parameter by Adam's rule from its `.grad`; `zero_grad()` clears the gradients."""

    def __init__(self, parameters, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        import torch

        self.parameters = list(parameters)
        self.lr, (self.beta1, self.beta2), self.eps = lr, betas, eps
        self.exp_avgs = [torch.zeros_like(parameter) for parameter in self.parameters]
        self.exp_avg_sqs = [torch.zeros_like(parameter) for parameter in self.parameters]
        self.steps = [torch.zeros((), dtype=torch.float32, device=p.device) for p in self.parameters]

    def zero_grad(self):
        for parameter in self.parameters:
            parameter.grad = None

    def step(self):
        import torch

        # A parameter without a gradient (a layer frozen or left unused) stays as it is, as with torch.optim.
        moved = [index for index, parameter in enumerate(self.parameters) if parameter.grad is not None]
        if not moved:
            return
        parameters, steps = [self.parameters[i] for i in moved], [self.steps[i] for i in moved]
        with torch.no_grad():
            torch._foreach_add_(steps, 1)
            torch._fused_adam_(
                parameters,
                [parameter.grad for parameter in parameters],
                [self.exp_avgs[i] for i in moved],
                [self.exp_avg_sqs[i] for i in moved],
                [],  # no AMSGrad
                steps,
                amsgrad=False,
                lr=self.lr,
                beta1=self.beta1,
                beta2=self.beta2,
                weight_decay=0.0,
                eps=self.eps,
                maximize=False,
                grad_scale=None,
                found_inf=None,
            )
