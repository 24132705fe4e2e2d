"""One Adam training step of a 14->128->128->64->1 MLP in PyTorch, the counterpart of
packages/tensor-backend/bench/mlp-step.bench.ts: forward (linear + relu x3, a linear output), MSE
loss, gradients of all 8 parameter tensors, and Adam written with plain ops, out of place as the
tfjs version must be. loss.item() every step, as the tfjs version awaits loss.data().
"""

import math

import torch

from bench_timing import emit, set_threads, timing_parser

SIZES = [14, 128, 128, 64, 1]
LR, BETA1, BETA2, EPS = 1e-3, 0.9, 0.999, 1e-8


def main():
    p = timing_parser(__doc__)
    p.add_argument("--batch", type=int, default=512)
    args = p.parse_args()
    set_threads(args.threads)

    gen = torch.Generator().manual_seed(0)
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        params.append((torch.randn(fan_in, fan_out, generator=gen) * math.sqrt(2.0 / fan_in)).requires_grad_())
        params.append(torch.zeros(fan_out, requires_grad=True))
    x = torch.randn(args.batch, SIZES[0], generator=gen)
    y = torch.randn(args.batch, 1, generator=gen)
    state = {
        "params": params,
        "m": [torch.zeros_like(q) for q in params],
        "v": [torch.zeros_like(q) for q in params],
        "t": 0,
    }

    def step():
        p = state["params"]
        h = x
        for i in range(3):
            h = torch.relu(h @ p[2 * i] + p[2 * i + 1])
        out = h @ p[6] + p[7]
        loss = torch.mean(torch.square(out - y))
        grads = torch.autograd.grad(loss, p)
        state["t"] += 1
        bc1 = 1 - BETA1 ** state["t"]
        bc2 = 1 - BETA2 ** state["t"]
        with torch.no_grad():
            m = [mi * BETA1 + g * (1 - BETA1) for mi, g in zip(state["m"], grads)]
            v = [vi * BETA2 + torch.square(g) * (1 - BETA2) for vi, g in zip(state["v"], grads)]
            new = [q - (mi / bc1) / (torch.sqrt(vi / bc2) + EPS) * LR for q, mi, vi in zip(p, m, v)]
        state["params"] = [q.requires_grad_() for q in new]
        state["m"], state["v"] = m, v
        return loss.item()

    emit(step, args, 1, {"batch": args.batch})


if __name__ == "__main__":
    main()
