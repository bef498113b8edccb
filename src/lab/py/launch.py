"""PID 1 of a lab sandbox (tutorbot's src/lab, started by bubblewrap --as-pid-1).

It binds the practice server's socket, starts the server and the learner's
process (run.py) under the run's resource limits, reaps every process in the
sandbox, and writes one JSON line on fd 3, the pipe the bot reads, when the
learner's process ends: {"learner": {...}}. Being PID 1 of its own PID
namespace, signals from inside the sandbox cannot stop it; when it exits the
kernel ends every process left in the sandbox.

Start-up time is the lab's overhead, so it imports little (no subprocess:
fork and exec by hand) and does not wait for the server: the socket listens
before either process starts, and a connection waits in its backlog until
the server accepts it.
"""

import json
import os
import resource
import signal
import socket
import sys
import time

REPORT_FD = 3
INFO_FD = 4  # bubblewrap's, on the host side only
CHECKS_FD = 5


def undumpable():
    # Not dumpable: the learner's process (same uid) cannot ptrace this one
    # or open its file descriptors through /proc.
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE
    except (ImportError, OSError):
        pass


def limit(limits, learner):
    """Applies the run's limits to the calling (freshly forked) process."""
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


def spawn(argv, env, limits, learner, keep, stdin_path=None):
    """fork + exec, with the limits, a session of its own, and only the fds
    in `keep` (besides 0, 1, 2) left open."""
    pid = os.fork()
    if pid:
        return pid
    try:
        os.setsid()
        if stdin_path is not None:
            fd = os.open(stdin_path, os.O_RDONLY)
            os.dup2(fd, 0)
            os.close(fd)
        else:
            fd = os.open("/dev/null", os.O_RDWR)
            for target in (0, 1, 2):
                os.dup2(fd, target)
            os.close(fd)
        for fd in keep:
            os.set_inheritable(fd, True)
        limit(limits, learner)
        os.execve(argv[0], argv, env)
    finally:
        os._exit(127)


def main():
    undumpable()
    with open("/lab/run.json", encoding="utf-8") as f:
        cfg = json.load(f)
    limits = cfg["limits"]
    report = os.fdopen(REPORT_FD, "w", buffering=1)
    os.set_inheritable(REPORT_FD, False)
    os.set_inheritable(CHECKS_FD, False)  # for run.py only
    try:
        os.close(INFO_FD)
    except OSError:
        pass

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", cfg["port"]))
    sock.listen(256)
    py = sys.executable
    env = {
        "PATH": "/usr/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "MALLOC_ARENA_MAX": "1",
        "PRACTICE_URL": "http://127.0.0.1:%d" % cfg["port"],
    }
    server = spawn(
        [py, "-I", "-S", "-B", "/lab/server.py", str(REPORT_FD), str(sock.fileno())],
        env,
        limits,
        learner=False,
        keep=(REPORT_FD, sock.fileno()),
    )
    sock.close()

    started = time.monotonic()
    learner = spawn(
        [py, "-I", "-u", "-B", "/lab/run.py", str(REPORT_FD), str(CHECKS_FD)],
        env,
        limits,
        learner=True,
        keep=(REPORT_FD, CHECKS_FD),
        stdin_path="/lab/stdin",
    )
    os.close(CHECKS_FD)
    status, usage = None, None
    while status is None:
        try:
            pid, st, ru = os.wait4(-1, 0)
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if pid == learner:
            status, usage = st, ru
    ended = time.monotonic()
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
