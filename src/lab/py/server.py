"""The practice server inside a lab sandbox (tutorbot's src/lab).

The same endpoint as the /demo target: GET /delay/{ms} answers after ms
milliseconds (at most 10000), `?fail=1` answers 500 after the same delay. The
body names the outcome and the delay ("ok 300", "fail 300") so a learner can
see which answer is which. GET /requests answers the requests seen so far as
JSON, for the exercises' hidden checks. Each finished request is also written
as one JSON line on the report pipe, so the bot can draw the timeline as the
server saw it. It runs in the sandbox's own network namespace: nothing but
the learner's code can reach it, and it can reach nothing.
"""

import asyncio
import json
import os
import socket
import sys
import time
from urllib.parse import parse_qs, urlsplit

MAX_DELAY_MS = 10000
MAX_RECORDS = 200
MAX_HEADERS = 100

records = []
in_flight = 0


def answer(status, reason, body, keep_alive):
    body = body.encode()
    head = "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n" % (
        status,
        reason,
        len(body),
    )
    head += "Connection: %s\r\n\r\n" % ("keep-alive" if keep_alive else "close")
    return head.encode() + body


async def route(method, target):
    """(status, reason, body, delay_ms or None) for one request."""
    url = urlsplit(target)
    if method != "GET":
        return 405, "Method Not Allowed", "only GET", None
    if url.path == "/requests":
        return 200, "OK", json.dumps(records), None
    parts = url.path.split("/")
    if len(parts) != 3 or parts[1] != "delay" or not parts[2].isdigit():
        return 404, "Not Found", "try /delay/{ms}", None
    ms = int(parts[2])
    if ms > MAX_DELAY_MS:
        return 400, "Bad Request", "bad delay", None
    fail = parse_qs(url.query).get("fail", ["0"])[0] not in ("", "0")
    if fail:
        return 500, "Internal Server Error", "fail %d" % ms, ms
    return 200, "OK", "ok %d" % ms, ms


async def serve(reader, writer, report):
    global in_flight
    try:
        while True:
            line = await reader.readline()
            if not line:
                return
            parts = line.decode("latin-1").split()
            if len(parts) != 3:
                writer.write(answer(400, "Bad Request", "bad request line", False))
                return
            method, target, version = parts
            keep_alive = version == "HTTP/1.1"
            length = 0
            for _ in range(MAX_HEADERS):
                header = await reader.readline()
                if header in (b"\r\n", b"\n", b""):
                    break
                name, _, value = header.decode("latin-1").partition(":")
                name, value = name.strip().lower(), value.strip().lower()
                if name == "content-length" and value.isdigit():
                    length = min(int(value), 1 << 20)
                elif name == "connection":
                    keep_alive = value != "close" and (keep_alive or value == "keep-alive")
            if length:
                await reader.readexactly(length)
            start = time.monotonic()
            in_flight += 1
            try:
                status, reason, body, ms = await route(method, target)
                if ms:
                    await asyncio.sleep(ms / 1000)
            finally:
                in_flight -= 1
            writer.write(answer(status, reason, body, keep_alive))
            await writer.drain()
            if ms is not None and len(records) < MAX_RECORDS:
                record = {
                    "path": target[:200],
                    "status": status,
                    "start": start,
                    "end": time.monotonic(),
                }
                records.append(record)
                try:
                    os.write(report, (json.dumps({"request": record}) + "\n").encode())
                except OSError:
                    pass
            if not keep_alive:
                return
    except (ConnectionError, asyncio.IncompleteReadError, ValueError, asyncio.LimitOverrunError):
        return
    finally:
        writer.close()


async def main():
    report, listen_fd = (int(a) for a in sys.argv[1:3])
    sock = socket.socket(fileno=listen_fd)
    server = await asyncio.start_server(
        lambda r, w: serve(r, w, report), sock=sock, limit=16 * 1024
    )
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        import ctypes

        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0, as launch.py
    except OSError:
        pass
    asyncio.run(main())
