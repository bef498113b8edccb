"""The learner's process in a lab sandbox (tutorbot's src/lab).

Runs /lab/main.py as __main__ under the name main.py, with tracebacks that
start at the learner's own code; then, for a graded exercise, the hidden
checks in the same namespace (they call the learner's functions). The checks
arrive on a pipe (argv[2]), read whole and closed before the learner's code
starts, so the learner's code cannot read them. Their verdict goes to the
report pipe as one JSON line: {"check": {"passed": true}} or
{"check": {"passed": false, "why": "..."}}. The learner's code could write
to that pipe too (same uid): the checks are for learning, not an exam.
"""

import builtins
import os
import sys
import time

# Read by the learner's tracebacks: the file names main.py and check.py
# stand for these sources.
SOURCES = {}


def load(path, name):
    with open(path, encoding="utf-8", errors="replace") as f:
        source = f.read()
    SOURCES[name] = source
    return source


def show(e, skip_frames=1):
    """Prints the traceback of e from the learner's own frames. traceback is
    imported only here: start-up time is the lab's overhead."""
    import linecache
    import traceback

    for name, source in SOURCES.items():
        linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    tb = e.__traceback__
    for _ in range(skip_frames):
        tb = tb.tb_next if tb is not None else None
    traceback.print_exception(type(e), e, tb)


def fail_text(e):
    import traceback

    return "".join(traceback.format_exception_only(type(e), e)).strip()


def run(source, name, namespace):
    """Runs source; returns the exit code it asks for, or None to go on."""
    try:
        exec(compile(source, name, "exec"), namespace)
    except SystemExit as e:
        if e.code is None or e.code == 0:
            return None
        if not isinstance(e.code, int):
            print(e.code, file=sys.stderr)
            return 1
        return e.code
    except BaseException as e:  # the learner's own error: show it, from their code
        show(e)
        return 1
    return None


def main():
    report = os.dup(int(sys.argv[1]))
    os.close(int(sys.argv[1]))
    os.set_inheritable(report, False)
    checks_fd = int(sys.argv[2])
    parts = []
    while True:
        chunk = os.read(checks_fd, 65536)
        if not chunk:
            break
        parts.append(chunk)
    os.close(checks_fd)
    checks = b"".join(parts).decode("utf-8", errors="replace")
    sys.argv = ["main.py"]
    namespace = {"__name__": "__main__", "__file__": "main.py", "__builtins__": builtins}
    if checks:
        # An exercise's time, shown beside the learner's predicted time, is
        # their program's, not the loading of the libraries it uses: load
        # those before the clock starts (the learner's imports then find them).
        for name in ("asyncio", "httpx"):
            try:
                __import__(name)
            except ImportError:
                pass
    started = time.monotonic()
    code = run(load("/lab/main.py", "main.py"), "main.py", namespace)
    code_secs = time.monotonic() - started
    if code is not None:
        sys.stdout.flush()
        os._exit(code)
    if checks:
        import json

        # How long the learner's own code ran, which a predict-then-run
        # exercise shows beside the learner's guess (the checks run after).
        os.write(report, (json.dumps({"code": {"secs": code_secs}}) + "\n").encode())
        SOURCES["check.py"] = checks
        try:
            exec(compile(checks, "check.py", "exec"), namespace)
            fact = {"passed": True}
        except AssertionError as e:
            fact = {"passed": False, "why": str(e) or "a check failed"}
        except BaseException as e:
            fact = {"passed": False, "why": fail_text(e)}

        # The learner's program ended well whatever the checks say: the exit
        # status stays 0, the checks' word travels on the report.
        os.write(report, (json.dumps({"check": fact}) + "\n").encode())
    sys.stdout.flush()
    sys.stderr.flush()


if __name__ == "__main__":
    main()
