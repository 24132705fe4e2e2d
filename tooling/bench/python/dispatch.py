"""Per-op dispatch overhead in PyTorch, the counterpart of
packages/tensor-backend/bench/dispatch.bench.ts: `ops-per-run` chained tiny ops, then one
readback (.item() / .tolist()) per run; or, with --op readback, one add and its readback.
"""

import torch

from bench_timing import emit, set_threads, timing_parser


def main():
    p = timing_parser(__doc__)
    p.add_argument("--op", choices=["add", "matmul", "readback"], default="add")
    p.add_argument("--size", type=int, default=16)
    p.add_argument("--ops-per-run", type=int, default=1000)
    args = p.parse_args()
    set_threads(args.threads)
    n = args.ops_per_run

    if args.op == "add":
        start, one = torch.zeros(args.size), torch.ones(args.size)
        op = lambda t: torch.add(t, one)
    elif args.op == "matmul":
        start, w = torch.ones(args.size, args.size), torch.ones(args.size, args.size)
        op = lambda t: torch.matmul(t, w)
    else:
        start = torch.ones(args.size)
        op = lambda t: torch.add(t, t)
        n = 1

    def run():
        t = start
        for _ in range(n):
            t = op(t)
        return t.tolist()

    emit(run, args, n, {"op": args.op, "size": args.size})


if __name__ == "__main__":
    main()
