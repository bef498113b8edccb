"""PID 1 of a lab sandbox (tutorbot's src/lab, started by bubblewrap --as-pid-1).

It binds the practice server's socket, starts the server, starts the learner's
process (run.py) under the run's resource limits, reaps every process in the
sandbox, and writes one JSON line a fact on fd 3, the pipe the bot reads:
{"learner": {...}} when the learner's process ends. Being PID 1 of its own PID
namespace, signals from inside the sandbox cannot stop it; when it exits the
kernel ends every process left in the sandbox.
"""

import ctypes
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time

REPORT_FD = 3


def undumpable():
    # Not dumpable: the learner's process (same uid) cannot ptrace this one
    # or open its file descriptors through /proc.
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE
    except OSError:
        pass


def limiter(limits, learner):
    def apply():
        os.setsid()
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        address = limits["address_space_bytes"]
        resource.setrlimit(resource.RLIMIT_AS, (address, address))
        files = limits["open_files"]
        resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))
        size = limits["file_size_bytes"]
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        cpu = limits["cpu_secs"]
        # The soft limit sends SIGXCPU, the hard one SIGKILL a second later.
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        if learner:
            procs = limits["processes"]
            resource.setrlimit(resource.RLIMIT_NPROC, (procs, procs))

    return apply


def main():
    undumpable()
    with open("/lab/run.json", encoding="utf-8") as f:
        cfg = json.load(f)
    limits = cfg["limits"]
    report = os.fdopen(REPORT_FD, "w", buffering=1)
    os.set_inheritable(REPORT_FD, False)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", cfg["port"]))
    sock.listen(256)
    py = sys.executable
    env = {
        "PATH": "/usr/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MALLOC_ARENA_MAX": "1",
        "PRACTICE_URL": "http://127.0.0.1:%d" % cfg["port"],
    }
    ready_r, ready_w = os.pipe()
    server = subprocess.Popen(
        [py, "-I", "-B", "/lab/server.py", str(REPORT_FD), str(sock.fileno()), str(ready_w)],
        pass_fds=(REPORT_FD, sock.fileno(), ready_w),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd="/tmp",
        preexec_fn=limiter(limits, learner=False),
    )
    sock.close()
    os.close(ready_w)
    # The server says when it serves, so the learner's time does not include
    # the server's start (an empty read: the server died; run anyway).
    os.read(ready_r, 1)
    os.close(ready_r)

    with open("/lab/stdin", "rb") as stdin:
        started = time.monotonic()
        learner = subprocess.Popen(
            [py, "-I", "-u", "-B", "/lab/run.py", str(REPORT_FD)],
            pass_fds=(REPORT_FD,),
            stdin=stdin,
            env=env,
            cwd="/tmp",
            preexec_fn=limiter(limits, learner=True),
        )
    status, usage = None, None
    while status is None:
        try:
            pid, st, ru = os.wait4(-1, 0)
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if pid == learner.pid:
            status, usage = st, ru
    ended = time.monotonic()
    learner.returncode = 0  # reaped above; keep Popen from waiting again
    fact = {
        "started": started,
        "ended": ended,
        "cpu_secs": (usage.ru_utime + usage.ru_stime) if usage else 0.0,
        "max_rss_kib": usage.ru_maxrss if usage else 0,
    }
    if status is not None and os.WIFSIGNALED(status):
        fact["signal"] = os.WTERMSIG(status)
    elif status is not None:
        fact["exit"] = os.WEXITSTATUS(status)
    report.write(json.dumps({"learner": fact}) + "\n")
    report.flush()
    # Everything else in the sandbox (the server, anything the learner left
    # running) ends with us.
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass
    del server


if __name__ == "__main__":
    main()
