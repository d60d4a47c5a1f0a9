"""`brigada run`: the API, the jobs process and the scheduler as one supervised group."""

import signal
import subprocess
import sys
import time

PROCESSES = {
    "api": ["api"],
    "jobs": ["jobs"],
    "scheduler": ["scheduler"],
}


def run_all() -> int:
    # Each child in its own process group: a terminal's Ctrl-C reaches only this supervisor,
    # which then stops every child with exactly one SIGTERM (a second signal makes dramatiq kill).
    children = {
        name: subprocess.Popen([sys.executable, "-m", "api.cli", *args], process_group=0)
        for name, args in PROCESSES.items()
    }
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, child in children.items():
            if child.poll() is not None:
                print(
                    f"brigada: {name} exited with {child.returncode}; stopping the rest",
                    file=sys.stderr,
                )
                exit_code = child.returncode or 1
                stopping = True
        time.sleep(0.5)
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
    return exit_code
