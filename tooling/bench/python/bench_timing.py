"""Timing for the PyTorch counterparts of probdl benchmarks.

The same protocol as tooling/bench/src/timing.js (warm-up runs and time, then at least min-runs
runs and min-time-ms of measuring, capped by max-runs and max-time-ms) and the same statistics
(numpy-style linear quantiles), so the figures compare. Needs only the standard library.
"""

import argparse
import json
import sys
import time


def timing_parser(description):
    """An argparse parser with the flags that probdl-bench passes to every script."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    p.add_argument("--warmup-runs", type=int, default=3)
    p.add_argument("--warmup-ms", type=float, default=500.0)
    p.add_argument("--min-runs", type=int, default=10)
    p.add_argument("--min-time-ms", type=float, default=2000.0)
    p.add_argument("--max-runs", type=int, default=10000)
    p.add_argument("--max-time-ms", type=float, default=30000.0)
    return p


def measure(run, args):
    """Times calls of run(); returns (samples in ms, warm-up runs, capped)."""
    now = lambda: time.perf_counter() * 1000.0
    warm = 0
    w0 = now()
    while warm < args.warmup_runs or now() - w0 < args.warmup_ms:
        run()
        warm += 1
        if now() - w0 > args.max_time_ms:
            break
    samples = []
    t0 = now()
    capped = False
    while len(samples) < args.min_runs or now() - t0 < args.min_time_ms:
        s = now()
        run()
        samples.append(now() - s)
        if len(samples) >= args.max_runs:
            break
        if now() - t0 > args.max_time_ms:
            capped = len(samples) < args.min_runs
            break
    return samples, warm, capped


def quantile(sorted_values, q):
    pos = (len(sorted_values) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def summarize(samples, items_per_run=1):
    per_item = [s / items_per_run for s in samples]
    srt = sorted(per_item)
    median = quantile(srt, 0.5)
    q1 = quantile(srt, 0.25)
    q3 = quantile(srt, 0.75)
    return {
        "median": median,
        "mean": sum(per_item) / len(per_item),
        "min": srt[0],
        "max": srt[-1],
        "q1": q1,
        "q3": q3,
        "iqrPct": (q3 - q1) / median * 100.0 if median > 0 else 0.0,
        "runs": len(samples),
        "itemsPerRun": items_per_run,
    }


def emit(run, args, items_per_run=1, extra=None):
    """Measures run() and prints the one JSON line that probdl-bench reads."""
    samples, warm, capped = measure(run, args)
    out = {
        "stats": summarize(samples, items_per_run),
        "samplesMs": [s / items_per_run for s in samples[:1000]],
        "warmupRuns": warm,
        "capped": capped,
        "python": sys.version.split()[0],
    }
    try:
        import torch

        out["torch"] = torch.__version__
        out["threads"] = torch.get_num_threads()
        out["interopThreads"] = torch.get_num_interop_threads()
    except ImportError:
        pass
    out.update(extra or {})
    print(json.dumps(out), flush=True)


def set_threads(threads):
    """Pins torch to `threads` intra-op threads and one inter-op thread (before any parallel work)."""
    import torch

    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # only settable once, before the first parallel op
