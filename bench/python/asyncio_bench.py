#!/usr/bin/env python3
"""Python asyncio versions of the bench/ workloads, for the side-by-side report.

Each workload prints one line in Go's benchmark format,

    BenchmarkPython/<workload>  <iterations>  <value> ns/op [<value> <unit> ...]

so that bench/cmd/report reads these lines with the same parser as the Go
output. Each workload grows its iteration count until one measured run lasts
at least the target time (-benchtime, in seconds), as `go test -bench` does.

Usage: python3 asyncio_bench.py [-benchtime 0.2] [-run REGEXP]
"""

import argparse
import asyncio
import queue
import re
import sys
import threading
import time

CALL_SOON_BATCH = 1024  # the Go CallSoon benchmark's batch
GATHER_TASKS = 10_000
AWAITS_PER_ROUND = 1_000
TIMER_COUNT = 10_000
TIMER_SPREAD = 0.010  # seconds over which the timers are due
TIMER_LEAD = 0.050  # seconds before the first timer is due, as in Go


def emit(name, n, ns_per_op, metrics=None):
    """Print one result line in Go's benchmark format; metrics maps extra
    units (such as "ns/task") to their values."""
    parts = [f"BenchmarkPython/{name}", str(n), f"{ns_per_op:.2f} ns/op"]
    for unit, value in (metrics or {}).items():
        parts.append(f"{value:.4g} {unit}")
    print("\t".join(parts), flush=True)


async def future_create_resolve_read(n):
    """Workload 1: make a future, resolve it, read its result, n times."""
    loop = asyncio.get_running_loop()
    total = 0
    start = time.perf_counter_ns()
    for i in range(n):
        f = loop.create_future()
        f.set_result(i)
        total += f.result()
    return time.perf_counter_ns() - start


async def future_resolved_elsewhere(n):
    """Workload 2: a future resolved by another piece of code (a callback
    the loop runs), awaited by the task."""
    loop = asyncio.get_running_loop()
    total = 0
    start = time.perf_counter_ns()
    for i in range(n):
        f = loop.create_future()
        loop.call_soon(f.set_result, i)
        total += await f
    return time.perf_counter_ns() - start


async def double(i):
    return i * 2


async def gather(n):
    """Workload 3: gather GATHER_TASKS coroutines returning i*2, n rounds."""
    start = time.perf_counter_ns()
    for _ in range(n):
        res = await asyncio.gather(*(double(i) for i in range(GATHER_TASKS)))
        assert res[-1] == (GATHER_TASKS - 1) * 2
    return time.perf_counter_ns() - start


async def sleep0(n):
    """Workload 4: one suspend and resume of a task, as asyncio.sleep(0)."""
    start = time.perf_counter_ns()
    for _ in range(n):
        await asyncio.sleep(0)
    return time.perf_counter_ns() - start


async def returns_one():
    return 1


async def create_task(n):
    """Workload 5: create a task of a returning coroutine and await it."""
    total = 0
    start = time.perf_counter_ns()
    for _ in range(n):
        total += await asyncio.create_task(returns_one())
    return time.perf_counter_ns() - start


async def await_coroutine(n):
    """Workload 6: await a coroutine that returns at once, n times."""
    total = 0
    start = time.perf_counter_ns()
    for _ in range(n):
        total += await returns_one()
    return time.perf_counter_ns() - start


async def call_soon(n):
    """Workload 8: call_soon from the loop, batches of CALL_SOON_BATCH run
    by yielding once with sleep(0)."""
    loop = asyncio.get_running_loop()
    ran = [0]

    def fn():
        ran[0] += 1

    start = time.perf_counter_ns()
    queued = 0
    while queued < n:
        k = min(CALL_SOON_BATCH, n - queued)
        for _ in range(k):
            loop.call_soon(fn)
        queued += k
        while ran[0] < queued:
            await asyncio.sleep(0)
    return time.perf_counter_ns() - start


async def call_soon_threadsafe(n):
    """Workload 8, cross-thread: another thread hands n callbacks to the
    loop with call_soon_threadsafe; the last one resolves a future."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    ran = [0]

    def fn():
        ran[0] += 1
        if ran[0] == n:
            done.set_result(None)

    def produce():
        for _ in range(n):
            loop.call_soon_threadsafe(fn)

    start = time.perf_counter_ns()
    t = threading.Thread(target=produce)
    t.start()
    await done
    elapsed = time.perf_counter_ns() - start
    t.join()
    return elapsed


async def call_soon_threadsafe_reply(n):
    """Workload 8d: another thread posts a callback with
    call_soon_threadsafe and waits for the reply it sends, n times."""
    loop = asyncio.get_running_loop()
    reply = queue.SimpleQueue()

    def fn():
        reply.put(None)

    def ping():
        for _ in range(n):
            loop.call_soon_threadsafe(fn)
            reply.get()

    start = time.perf_counter_ns()
    await loop.run_in_executor(None, ping)
    return time.perf_counter_ns() - start


async def timers_round():
    """Workload 7: TIMER_COUNT callbacks due evenly over TIMER_SPREAD; returns
    the round's length and each timer's lateness in seconds."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    late = [0.0] * TIMER_COUNT
    fired = [0]

    def make(i, due):
        def cb():
            late[i] = loop.time() - due
            fired[0] += 1
            if fired[0] == TIMER_COUNT:
                done.set_result(None)
        return cb

    start = time.perf_counter_ns()
    base = loop.time()
    for i in range(TIMER_COUNT):
        due = base + TIMER_LEAD + i * TIMER_SPREAD / TIMER_COUNT
        loop.call_at(due, make(i, due))
    sched = loop.time() - base
    await done
    return time.perf_counter_ns() - start, late, sched


def measure(name, fn, benchtime, per=1, unit=None):
    """Run fn (an async function taking n) with growing n until one run
    lasts benchtime; print ns/op, and ns per inner item when per > 1."""
    n = 1
    while True:
        elapsed = asyncio.run(fn(n))
        if elapsed >= benchtime * 1e9 or n >= 1 << 30:
            break
        if elapsed <= 0:
            n *= 100
            continue
        n = max(n + 1, min(n * 100, int(n * benchtime * 1.2e9 / elapsed)))
    ns_op = elapsed / n
    if unit:
        emit(name, n, ns_op, {unit: ns_op / per})
    else:
        emit(name, n, ns_op)


def measure_timers(benchtime):
    async def rounds():
        lates, total, n, sched = [], 0, 0, 0.0
        while n == 0 or total < benchtime * 1e9:
            elapsed, late, s = await timers_round()
            lates.extend(late)
            total += elapsed
            n += 1
            sched = max(sched, s)
        return n, total, lates, sched

    n, total, lates, sched = asyncio.run(rounds())
    lates.sort()
    ms = lambda s: s * 1e3
    emit("timers", n, total / n,
         {"p50-lateness-ms": ms(lates[len(lates) // 2]),
          "p99-lateness-ms": ms(lates[len(lates) * 99 // 100]),
          "max-lateness-ms": ms(lates[-1]),
          "sched-ms": ms(sched)})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-benchtime", type=float, default=0.2,
                    help="seconds each workload's measured run lasts at least")
    ap.add_argument("-run", default=".", help="regexp selecting workloads")
    args = ap.parse_args()
    sel = re.compile(args.run)
    bt = args.benchtime
    plain = [
        ("futureCreateResolveRead", future_create_resolve_read),
        ("futureResolvedElsewhere", future_resolved_elsewhere),
        ("sleep0", sleep0),
        ("createTask", create_task),
        ("awaitCoroutine", await_coroutine),
        ("callSoon", call_soon),
        ("callSoonThreadsafe", call_soon_threadsafe),
        ("callSoonThreadsafeReply", call_soon_threadsafe_reply),
    ]
    print(f"python: {sys.version.split()[0]}", flush=True)
    for name, fn in plain:
        if sel.search(name):
            measure(name, fn, bt)
    if sel.search("gather"):
        measure(f"gather/N={GATHER_TASKS}", gather, bt, per=GATHER_TASKS,
                unit="ns/task")
    if sel.search("timers"):
        measure_timers(bt)


if __name__ == "__main__":
    main()
