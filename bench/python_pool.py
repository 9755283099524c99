#!/usr/bin/env python3
"""The ActorPool benchmark's scenarios on Python's multiprocessing.Pool, for side-by-side runs.

Usage: python3 bench/python_pool.py [--quick] [--json FILE] [--repeats N]

Every scenario runs once as a warm-up and then N times (default 5) on the clock; each value is the
median of the timed runs, reported with the min and max. Writes a readable table to stdout and, with
--json, a JSON array with one object per scenario: scenario, engine ("python-multiprocessing"), ops,
runs, seconds (median), ops_per_s (+ _min, _max) and, where they apply, p50_us, p99_us, speedup
(each + _min, _max) and peak_mb (the highest of the runs). Same scenarios, sizes and JSON shape as
`ActorPool.Node bench`.

Scenarios, in the order they run: map-squares, apply-async, apply-latency, cpu-bound, imap-stream, map-records
(pool.map over frozen dataclass records, each pickled to a worker and a new record pickled back) and async-io
(pool.map over calls that each wait 10 ms, one blocked process per call).
"""
import argparse
import gc
import json
import os
import platform
import resource
import statistics
import sys
import threading
import time
from dataclasses import dataclass
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


def calibrate_rounds(milliseconds):
    """Rounds of `spin` that take about `milliseconds` ms on one core of this machine."""
    rounds = 1
    while True:
        start = time.perf_counter()
        spin(rounds)
        elapsed = (time.perf_counter() - start) * 1000
        if elapsed >= 50:
            return max(1, int(rounds * milliseconds / elapsed))
        rounds *= 2


@dataclass(frozen=True, slots=True)
class Reading:
    """One sensor reading, the input record of map-records."""
    id: int
    sensor: str
    value: float
    at: int


@dataclass(frozen=True, slots=True)
class Calibrated:
    """A calibrated reading, the output record of map-records."""
    id: int
    value: float


def calibrate(r: Reading) -> Calibrated:
    # map-records' function: a little arithmetic, so the scenario measures moving records, not the work on them.
    return Calibrated(r.id, r.value * 1.5 + 2.0)


def wait_io(ms: int) -> int:
    # async-io's function: a stand-in for I/O. A Pool process can only block on it, so each call holds a process.
    time.sleep(ms / 1000)
    return ms


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


def median(values):
    return statistics.median(values)


def settle():
    # Collect the garbage of the warm-up or the run before, so it is not collected on this run's clock.
    gc.collect()


def repeat(repeats, timed_run):
    """Runs `timed_run` `repeats` times, each after a collection; each call returns one run's measurements."""
    runs = []
    for _ in range(repeats):
        settle()
        runs.append(timed_run())
    return runs


def result(scenario, ops, runs):
    """One row over several timed runs: each value is the median of the runs, with its min and max next to it.

    Each run is a dict with `seconds` and, where they apply, `p50_us`, `p99_us`, `speedup`, `peak_mb`. The median
    keys keep the names they had when the bench ran once, so readers of the old JSON keep working; `peak_mb` is
    the highest of the runs (memory is a bound, so the worst run counts)."""
    rates = [ops / r["seconds"] if r["seconds"] > 0 else 0 for r in runs]
    row = {"scenario": scenario, "engine": ENGINE, "ops": ops, "runs": len(runs),
           "seconds": round(median([r["seconds"] for r in runs]), 6),
           "ops_per_s": round(median(rates), 1), "ops_per_s_min": round(min(rates), 1), "ops_per_s_max": round(max(rates), 1)}
    for key, digits in (("p50_us", 3), ("p99_us", 3), ("speedup", 3)):
        values = [r[key] for r in runs if key in r]
        if values:
            row[key] = round(median(values), digits)
            row[key + "_min"] = round(min(values), digits)
            row[key + "_max"] = round(max(values), digits)
    peaks = [r["peak_mb"] for r in runs if "peak_mb" in r]
    if peaks:
        row["peak_mb"] = round(max(peaks), 1)
    return row


def run(quick, repeats):
    n_map = 100_000 if quick else 1_000_000
    n_async = 10_000 if quick else 100_000
    n_latency = 1_000 if quick else 10_000
    n_cpu, cpu_ms = (16, 20) if quick else (64, 20)
    n_stream = 500_000 if quick else 10_000_000
    n_records = 100_000 if quick else 1_000_000
    n_io, io_ms = (200, 10) if quick else (1_000, 10)
    rows = []
    with Pool() as pool:
        pool.map(square, range(1000))  # warm-up: workers started and imported

        items = list(range(n_map))

        def map_squares():
            start = time.perf_counter()
            out = pool.map(square, items)
            seconds = time.perf_counter() - start
            assert out[-1] == (n_map - 1) ** 2
            return {"seconds": seconds}
        rows.append(result("map-squares", n_map, repeat(repeats, map_squares)))

        def apply_async(n):
            pending = [pool.apply_async(square, (i,)) for i in range(n)]
            return [p.get() for p in pending]

        def apply_async_timed():
            start = time.perf_counter()
            values = apply_async(n_async)
            seconds = time.perf_counter() - start
            assert values[-1] == (n_async - 1) ** 2
            return {"seconds": seconds}
        apply_async(max(100, n_async // 100))
        rows.append(result("apply-async", n_async, repeat(repeats, apply_async_timed)))

        for i in range(max(200, n_latency // 20)):
            pool.apply(square, (i,))

        def apply_latency():
            latencies = []
            start = time.perf_counter()
            for i in range(n_latency):
                t = time.perf_counter()
                value = pool.apply(square, (i,))
                latencies.append((time.perf_counter() - t) * 1e6)
                assert value == i * i
            seconds = time.perf_counter() - start
            latencies.sort()
            # The same percentiles as ActorPool.Node bench: the element at n/2 and at 99% of n.
            return {"seconds": seconds, "p50_us": latencies[len(latencies) // 2], "p99_us": latencies[int(len(latencies) * 0.99) - 1]}
        rows.append(result("apply-latency", n_latency, repeat(repeats, apply_latency)))

        rounds = calibrate_rounds(cpu_ms)

        def sequential_cpu():
            start = time.perf_counter()
            for _ in range(n_cpu):
                spin(rounds)
            return {"seconds": time.perf_counter() - start}
        # The reference every speedup divides is the median of as many sequential runs as the pool gets, so one
        # slow sequential run does not inflate the speedup.
        sequential = median([r["seconds"] for r in repeat(repeats, sequential_cpu)])

        def cpu_bound():
            start = time.perf_counter()
            pool.map(spin, [rounds] * n_cpu, chunksize=1)
            seconds = time.perf_counter() - start
            return {"seconds": seconds, "speedup": sequential / seconds}
        pool.map(spin, [rounds] * min(4, n_cpu), chunksize=1)
        rows.append(result("cpu-bound", n_cpu, repeat(repeats, cpu_bound)))

        def imap_stream(n):
            count = 0
            for _ in pool.imap(square, range(n), chunksize=10_000):
                count += 1
            return count

        def imap_stream_timed():
            with PeakSampler() as sampler:
                start = time.perf_counter()
                count = imap_stream(n_stream)
                seconds = time.perf_counter() - start
            assert count == n_stream
            return {"seconds": seconds, "peak_mb": sampler.peak}
        imap_stream(max(10_000, n_stream // 100))
        rows.append(result("imap-stream", n_stream, repeat(repeats, imap_stream_timed)))

        # Built before the clock starts, so the runs time pickling the records to the workers and back, not making them.
        readings = [Reading(i, f"s{i % 16}", i * 0.5, 1_700_000_000 + i) for i in range(n_records)]

        def map_records():
            """pool.map of `calibrate` over frozen dataclass records, with map-squares' (default) chunksize."""
            start = time.perf_counter()
            out = pool.map(calibrate, readings)
            seconds = time.perf_counter() - start
            assert len(out) == n_records
            assert out[-1].value == (n_records - 1) * 0.5 * 1.5 + 2.0
            return {"seconds": seconds}
        pool.map(calibrate, readings[:max(1000, n_records // 100)])
        rows.append(result("map-records", n_records, repeat(repeats, map_records)))
        del readings

        def async_io():
            """pool.map of `wait_io` (a 10 ms sleep) with chunksize=1: every call blocks one process while it waits.

            The C# side awaits `Task.Delay` instead, so a worker has many calls in flight at once; with P processes
            Python needs about n * 10 ms / P (a floor the C# side is not held to)."""
            start = time.perf_counter()
            out = pool.map(wait_io, [io_ms] * n_io, chunksize=1)
            seconds = time.perf_counter() - start
            assert sum(out) == n_io * io_ms
            return {"seconds": seconds}
        pool.map(wait_io, [io_ms] * (os.cpu_count() or 1), chunksize=1)
        rows.append(result("async-io", n_io, repeat(repeats, async_io)))
    return rows


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--json", metavar="FILE", help="write the results as a JSON array to FILE")
    parser.add_argument("--repeats", type=positive_int, default=5, metavar="N",
                        help="timed runs of every scenario after its warm-up; the median is reported, with the min and max (default 5)")
    args = parser.parse_args()
    rows = run(args.quick, args.repeats)
    print(f"# {ENGINE} on Python {platform.python_version()}, {os.cpu_count()} cores, Pool() of {os.cpu_count()} processes; "
          f"median of {args.repeats} timed run{'' if args.repeats == 1 else 's'} after a warm-up, min..max in brackets")
    print(f"{'scenario':<15}{'runs':>5}{'ops':>12}{'ops/s':>14} {'[min..max]':<26}{'p50 us':>9} {'[min..max]':<18}"
          f"{'p99 us':>9} {'[min..max]':<20}{'speedup':>8} {'[min..max]':<13}{'peak MB':>8}")
    for r in rows:
        def cell(key, fmt):
            return format(r[key], fmt) if r.get(key) is not None else "-"

        def span(key, fmt):
            return f"[{cell(key + '_min', fmt)}..{cell(key + '_max', fmt)}]" if r.get(key + "_min") is not None else ""
        print(f"{r['scenario']:<15}{r['runs']:>5}{r['ops']:>12,}{cell('ops_per_s', ',.0f'):>14} {span('ops_per_s', ',.0f'):<26}"
              f"{cell('p50_us', '.1f'):>9} {span('p50_us', '.1f'):<18}{cell('p99_us', '.1f'):>9} {span('p99_us', '.1f'):<20}"
              f"{cell('speedup', '.2f'):>8} {span('speedup', '.2f'):<13}{cell('peak_mb', '.0f'):>8}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
