"""PyTorch counterpart of bench/train-step.bench.ts: Adam training steps of the cluster-mass MLP
(14->128 relu->128 relu->64 tanh->1, MSE) or MDN (14->128 relu->128 relu->64 tanh->Dense(48): a
mixture of 16 normals, logits / loc / scale = 1e-3 + softplus, negative log-likelihood), on random
data of the study's shape (261,287 rows x 14 features), one contiguous slice of a shuffled,
in-memory dataset per step, as the tfjs loop does. torch.optim.Adam (the usual PyTorch loop) and
loss.item() once per timed run of `--steps` steps, as the tfjs case awaits the last loss.
"""

import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tooling", "bench", "python"))
from bench_timing import emit, set_threads, timing_parser  # noqa: E402

ROWS, FEATURES, K = 261_287, 14, 16
LOG_SQRT_2PI = 0.9189385332046727  # log sqrt(2 pi)


def build(model):
    out = 1 if model == "mlp" else 3 * K
    return torch.nn.Sequential(
        torch.nn.Linear(FEATURES, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 64), torch.nn.Tanh(),
        torch.nn.Linear(64, out),
    )


def mdn_nll(out, y):
    logits, loc, raw = out[:, :K], out[:, K:2 * K], out[:, 2 * K:]
    scale = 1e-3 + torch.nn.functional.softplus(raw)
    z = (y - loc) / scale
    log_n = -0.5 * z * z - torch.log(scale) - LOG_SQRT_2PI
    return -torch.logsumexp(torch.log_softmax(logits, dim=1) + log_n, dim=1).mean()


def main():
    p = timing_parser(__doc__)
    p.add_argument("--model", choices=["mlp", "mdn"], default="mdn")
    p.add_argument("--batch", type=int, default=512)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--rows", type=int, default=ROWS)
    args = p.parse_args()
    set_threads(args.threads)
    torch.manual_seed(0)
    x = torch.randn(args.rows, FEATURES)
    y = torch.randn(args.rows, 1)
    net = build(args.model)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = (lambda o, t: torch.mean((o - t) ** 2)) if args.model == "mlp" else mdn_nll
    steps_per_epoch = args.rows // args.batch
    state = {"i": 0, "perm": torch.randperm(args.rows)}

    def run():
        for _ in range(args.steps):
            if state["i"] == steps_per_epoch:
                state["i"], state["perm"] = 0, torch.randperm(args.rows)
            idx = state["perm"][state["i"] * args.batch:(state["i"] + 1) * args.batch]
            state["i"] += 1
            xb, yb = x[idx], y[idx]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(xb), yb)
            loss.backward()
            opt.step()
        return loss.item()

    # CPU time per step (less disturbed than wall time when other work shares the CPU).
    run()
    c0 = time.process_time()
    for _ in range(3):
        run()
    cpu_ms = (time.process_time() - c0) * 1000.0 / (3 * args.steps)
    emit(run, args, args.steps, {"model": args.model, "batch": args.batch, "cpuMsPerStep": cpu_ms})


if __name__ == "__main__":
    main()
