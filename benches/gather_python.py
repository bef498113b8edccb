#!/usr/bin/env python3
"""asyncio.gather overhead with httpx and aiohttp against the demo target.

Usage:
    python3 benches/gather_python.py http://127.0.0.1:PORT [--ns 5,100,1000]
        [--reps 5] [--delay-ms 200] [--libs aiohttp,httpx] [--modes cold,warm]
        [--json]

For each library, mode and n: `reps` timed runs of n GETs of
`{url}/delay/{delay_ms}` at once with asyncio.gather; the overhead of a run is
its wall time minus the delay. `cold` opens a new client (new connections)
for every run, `warm` keeps one client (and its pool) across runs after one
untimed warm-up run. A run with any failed request is reported as failed
(with the first error), never crashes the script.

aiohttp: TCPConnector(limit=0) (no connection limit). httpx: no connection or
keep-alive limit, 30 s timeouts. Needs `pip install httpx aiohttp`.

With --json, one JSON object per (lib, mode, n) on stdout (for
benches/demo_overhead.rs); otherwise a table.
"""

import argparse
import asyncio
import json
import statistics
import sys
import time

TIMEOUT_S = 30.0


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("url", help="base URL of the demo target, e.g. http://127.0.0.1:8080")
    p.add_argument("--ns", default="5,100,1000")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--delay-ms", type=int, default=200)
    p.add_argument("--libs", default="aiohttp,httpx")
    p.add_argument("--modes", default="cold,warm")
    p.add_argument("--json", action="store_true")
    return p.parse_args()


def describe(exc):
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:120] if text else type(exc).__name__


# ---- clients: open() -> client, get(client, url) -> status, close(client) ----

class Aiohttp:
    name = "aiohttp"

    def __init__(self):
        import aiohttp  # noqa: F401  (fail early if missing)
        self.aiohttp = aiohttp
        self.version = aiohttp.__version__

    async def open(self):
        a = self.aiohttp
        return a.ClientSession(
            connector=a.TCPConnector(limit=0, limit_per_host=0),
            timeout=a.ClientTimeout(total=TIMEOUT_S),
        )

    async def get(self, client, url):
        async with client.get(url) as resp:
            await resp.read()
            return resp.status

    async def close(self, client):
        await client.close()


class Httpx:
    name = "httpx"

    def __init__(self):
        import httpx  # noqa: F401
        self.httpx = httpx
        self.version = httpx.__version__

    async def open(self):
        h = self.httpx
        return h.AsyncClient(
            limits=h.Limits(max_connections=None, max_keepalive_connections=None),
            timeout=h.Timeout(TIMEOUT_S),
            trust_env=False,
        )

    async def get(self, client, url):
        resp = await client.get(url)
        return resp.status_code

    async def close(self, client):
        await client.aclose()


async def one_run(lib, client, url, n):
    """Wall seconds of one gather of n GETs, and the first failure (or None)."""
    async def fetch():
        status = await lib.get(client, url)
        if status != 200:
            raise RuntimeError(f"status {status}")

    t0 = time.perf_counter()
    results = await asyncio.gather(*(fetch() for _ in range(n)), return_exceptions=True)
    wall = time.perf_counter() - t0
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        return wall, f"{len(errors)}/{n} failed, first {describe(errors[0])}"
    return wall, None


async def measure(lib, mode, url, n, reps, delay_s):
    overheads, failures = [], []

    async def timed(client):
        try:
            wall, err = await one_run(lib, client, url, n)
        except Exception as exc:  # the gather itself broke
            wall, err = None, describe(exc)
        if err is None:
            overheads.append((wall - delay_s) * 1000.0)
        else:
            failures.append(err)

    if mode == "warm":
        client = await lib.open()
        try:
            await one_run(lib, client, url, n)  # warm-up, untimed
            for _ in range(reps):
                await timed(client)
        finally:
            await lib.close(client)
    else:
        for _ in range(reps):
            client = await lib.open()
            try:
                await timed(client)
            finally:
                try:
                    await lib.close(client)
                except Exception:
                    pass
    return overheads, failures


def fmt(overheads, failures, reps):
    if not overheads:
        return f"FAILED {len(failures)}/{reps}"
    s = f"+{statistics.median(overheads):.1f} [{min(overheads):.1f}..{max(overheads):.1f}]"
    if failures:
        s += f" ({len(failures)}/{reps} failed)"
    return s


async def main():
    args = parse_args()
    base = args.url.rstrip("/")
    ns = [int(x) for x in args.ns.split(",") if x]
    url = f"{base}/delay/{args.delay_ms}"
    delay_s = args.delay_ms / 1000.0
    libs = []
    for name in args.libs.split(","):
        cls = {"aiohttp": Aiohttp, "httpx": Httpx}[name]
        try:
            libs.append(cls())
        except ImportError as exc:
            print(f"{name}: not installed ({exc}); pip install httpx aiohttp", file=sys.stderr)

    rows = []
    for lib in libs:
        for mode in args.modes.split(","):
            cells = []
            for n in ns:
                overheads, failures = await measure(lib, mode, url, n, args.reps, delay_s)
                rec = {
                    "client": f"python {lib.name} {lib.version} + asyncio.gather",
                    "mode": mode,
                    "n": n,
                    "overheads_ms": overheads,
                    "failures": failures,
                }
                if args.json:
                    print(json.dumps(rec), flush=True)
                cells.append(fmt(overheads, failures, args.reps))
                for f in failures[:1]:
                    print(f"  {lib.name} {mode} n={n}: {f}", file=sys.stderr)
            rows.append((f"{lib.name} {lib.version}", mode, cells))

    if not args.json:
        print(f"overhead above {args.delay_ms} ms, ms: median [min..max] of {args.reps} runs "
              f"(python {sys.version.split()[0]})")
        head = ["client", "mode"] + [f"n={n}" for n in ns]
        print(" | ".join(head))
        for name, mode, cells in rows:
            print(" | ".join([name, mode] + cells))


if __name__ == "__main__":
    asyncio.run(main())
