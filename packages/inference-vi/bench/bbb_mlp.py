"""Bayes-by-backprop on a 1->H->H->1 Bayesian MLP in PyTorch, the counterpart of the
`bayes-by-backprop mlp` case of packages/inference-vi/bench/svi-steps.bench.ts.

The same model and loss as probdl's bayesianMlp([H, H, 1], { layer: 'reparameterization' }) with
trainBayesByBackprop: mean-field Gaussian kernels W = loc + softplus(u) * eps (one draw per step,
shared by the batch), point-mass biases, relu, prior N(0, 1) per weight with the closed-form KL,
Gaussian likelihood with fixed sigma, loss = mean NLL + KL / N, full batch of N points,
torch.optim.Adam. One timed run is a whole training call of --steps steps from a fresh
initialisation (TFP's: locs ~ N(0, 0.1^2), u ~ N(-3, 0.1^2), biases ~ N(0, 0.1^2)), ending with the
loss history as a Python list (probdl's run ends by reading its history back).
"""

import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tooling", "bench", "python"))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from bench_timing import emit, set_threads, timing_parser  # noqa: E402

HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def main():
    p = timing_parser(__doc__)
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--hidden", type=int, default=50)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--sigma", type=float, default=0.1)
    p.add_argument("--lr", type=float, default=1e-2)
    args = p.parse_args()
    set_threads(args.threads)

    gen = torch.Generator().manual_seed(0)
    x = torch.rand(args.n, 1, generator=gen) * 2 - 1
    y = torch.sin(3 * x) + args.sigma * torch.randn(args.n, 1, generator=gen)
    sizes = [1, args.hidden, args.hidden, 1]
    seed = [0]

    def train():
        g = torch.Generator().manual_seed(seed[0])
        seed[0] += 1
        layers = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            loc = (0.1 * torch.randn(fan_in, fan_out, generator=g)).requires_grad_()
            u = (-3 + 0.1 * torch.randn(fan_in, fan_out, generator=g)).requires_grad_()
            b = (0.1 * torch.randn(fan_out, generator=g)).requires_grad_()
            layers.append((loc, u, b))
        opt = torch.optim.Adam([t for layer in layers for t in layer], lr=args.lr)
        losses = []
        for _ in range(args.steps):
            h = x
            kl = 0.0
            for i, (loc, u, b) in enumerate(layers):
                scale = F.softplus(u)
                w = loc + scale * torch.randn(loc.shape, generator=g)
                h = h @ w + b
                if i < len(layers) - 1:
                    h = torch.relu(h)
                kl = kl + torch.sum(0.5 * (scale * scale + loc * loc) - torch.log(scale) - 0.5)
            nll = torch.mean(0.5 * ((y - h) / args.sigma) ** 2 + math.log(args.sigma) + HALF_LOG_2PI)
            loss = nll + kl / args.n
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            losses.append(loss.detach())
        return torch.stack(losses).tolist()

    emit(train, args, args.steps, {"n": args.n, "hidden": args.hidden, "steps": args.steps})


if __name__ == "__main__":
    main()
