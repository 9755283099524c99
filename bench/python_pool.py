#!/usr/bin/env python3
"""The ActorPool benchmark's scenarios on Python's multiprocessing.Pool, for side-by-side runs.

Usage: python3 bench/python_pool.py [--quick] [--json FILE]

Writes a readable table to stdout and, with --json, a JSON array with one object per scenario:
scenario, engine ("python-multiprocessing"), ops, seconds, ops_per_s and, where they apply,
p50_us, p99_us, speedup, peak_mb. Same scenarios and sizes as `ActorPool.Node bench`.
"""
import argparse
import json
import os
import platform
import resource
import statistics
import sys
import threading
import time
from multiprocessing import Pool

ENGINE = "python-multiprocessing"


def square(x):
    return x * x


def spin(rounds):
    # A fixed amount of pure CPU work, like ActorPool.Node's `spin`: rounds of 1,000 square roots.
    x = 1.0
    for _ in range(rounds):
        for i in range(1000):
            x = (x + i) ** 0.5
    return x


def calibrate(milliseconds):
    """Rounds of `spin` that take about `milliseconds` ms on one core of this machine."""
    rounds = 1
    while True:
        start = time.perf_counter()
        spin(rounds)
        elapsed = (time.perf_counter() - start) * 1000
        if elapsed >= 50:
            return max(1, int(rounds * milliseconds / elapsed))
        rounds *= 2


def rss_mb():
    # Current resident set of this process and its children (the workers), from /proc.
    total = 0
    pids = [os.getpid()] + children(os.getpid())
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
    return total / (1 << 20)


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


class PeakSampler:
    """Samples the resident memory of the pool (parent and workers) every 10 ms."""

    def __init__(self):
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb())
            time.sleep(0.01)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


def result(scenario, ops, seconds, **extra):
    row = {"scenario": scenario, "engine": ENGINE, "ops": ops, "seconds": round(seconds, 6),
           "ops_per_s": round(ops / seconds, 1) if seconds > 0 else None}
    row.update({k: (round(v, 3) if isinstance(v, float) else v) for k, v in extra.items()})
    return row


def run(quick):
    n_map = 100_000 if quick else 1_000_000
    n_async = 10_000 if quick else 100_000
    n_latency = 1_000 if quick else 10_000
    n_cpu, cpu_ms = (16, 20) if quick else (64, 20)
    n_stream = 500_000 if quick else 10_000_000
    rows = []
    with Pool() as pool:
        pool.map(square, range(1000))  # warm-up: workers started and imported

        items = list(range(n_map))
        start = time.perf_counter()
        out = pool.map(square, items)
        rows.append(result("map-squares", n_map, time.perf_counter() - start))
        assert out[-1] == (n_map - 1) ** 2

        start = time.perf_counter()
        pending = [pool.apply_async(square, (i,)) for i in range(n_async)]
        values = [p.get() for p in pending]
        rows.append(result("apply-async", n_async, time.perf_counter() - start))
        assert values[-1] == (n_async - 1) ** 2

        for i in range(200):
            pool.apply(square, (i,))
        latencies = []
        start = time.perf_counter()
        for i in range(n_latency):
            t = time.perf_counter()
            pool.apply(square, (i,))
            latencies.append((time.perf_counter() - t) * 1e6)
        seconds = time.perf_counter() - start
        latencies.sort()
        rows.append(result("apply-latency", n_latency, seconds,
                           p50_us=statistics.median(latencies), p99_us=latencies[int(len(latencies) * 0.99) - 1]))

        rounds = calibrate(cpu_ms)
        start = time.perf_counter()
        for _ in range(n_cpu):
            spin(rounds)
        sequential = time.perf_counter() - start
        start = time.perf_counter()
        pool.map(spin, [rounds] * n_cpu, chunksize=1)
        parallel = time.perf_counter() - start
        rows.append(result("cpu-bound", n_cpu, parallel, speedup=sequential / parallel))

        with PeakSampler() as sampler:
            start = time.perf_counter()
            count = 0
            for _ in pool.imap(square, range(n_stream), chunksize=10_000):
                count += 1
            seconds = time.perf_counter() - start
        assert count == n_stream
        rows.append(result("imap-stream", n_stream, seconds, peak_mb=sampler.peak))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--json", metavar="FILE", help="write the results as a JSON array to FILE")
    args = parser.parse_args()
    rows = run(args.quick)
    print(f"# {ENGINE} on Python {platform.python_version()}, {os.cpu_count()} cores, Pool() of {os.cpu_count()} processes")
    print(f"{'scenario':<15}{'ops':>12}{'seconds':>10}{'ops/s':>14}{'p50 us':>10}{'p99 us':>10}{'speedup':>9}{'peak MB':>9}")
    for r in rows:
        def cell(key, fmt):
            return format(r[key], fmt) if r.get(key) is not None else "-"
        print(f"{r['scenario']:<15}{r['ops']:>12,}{r['seconds']:>10.3f}{r['ops_per_s']:>14,.0f}"
              f"{cell('p50_us', '>10.1f'):>10}{cell('p99_us', '>10.1f'):>10}{cell('speedup', '>9.2f'):>9}{cell('peak_mb', '>9.0f'):>9}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
