"""Medians of the claim batches timed by claims.sql (psql's \\timing lines).

The first 101 timings are the backlog case (every row due, 100 claimed per
batch, none finished), the next three are set-up statements, then 101 for the
one-minute case. The first of each case is a warm-up and is left out.
"""
import re
import statistics
import sys

times = [float(m.group(1)) for m in re.finditer(r"^Time: ([\d.]+) ms", sys.stdin.read(), re.M)]


def p(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


for name, xs in (("backlog", times[1:101]), ("one minute", times[104:204])):
    print(f"{name}: median {statistics.median(xs):.2f} ms, p90 {p(xs, .9):.2f} ms, max {max(xs):.2f} ms")
