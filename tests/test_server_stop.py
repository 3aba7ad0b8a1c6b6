"""Stopping a server that another, still running, process started (issue #18).

The bulk load stops the case's server from whatever process runs it, often not the one
that started the server: the bench starts it, then a child process loads. A process that
exits stays a zombie until its own parent reaps it, and waiting for it to be gone waited
out the whole stop timeout and then the kill's (92 s of a 1M-call bulk load).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from netintel import server

PARENT = """
import subprocess, sys, time
child = subprocess.Popen(["sleep", "300"])
print(child.pid, flush=True)
time.sleep(300)  # never reaps the child
"""


def test_a_process_another_one_started_counts_as_stopped_once_it_exits() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        pid = int(parent.stdout.readline())
        assert server._alive(pid)
        t = time.monotonic()
        server._terminate(pid, timeout=20)
        assert time.monotonic() - t < 5  # not the 20 s timeout, nor the kill's 30 s after it
        assert not server._alive(pid)  # a zombie of the parent's: it has exited
    finally:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
