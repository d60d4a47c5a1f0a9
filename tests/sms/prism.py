"""Prism serving Twilio's own OpenAPI spec, for tests that talk HTTP to "Twilio".

Prism is pinned in tests/sms/package.json + package-lock.json and installed beside them
(`npm ci --prefix tests/sms`); if it is missing, `start` installs it the same way.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PRISM_BIN = HERE / "node_modules" / ".bin" / "prism"
# Twilio's spec (twilio/twilio-oai, MIT) lives beside the repository; PRISM_SPEC overrides.
SPEC = Path(os.environ.get("PRISM_SPEC", HERE.parents[2] / "shared/twilio/twilio_api_v2010.json"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def install() -> None:
    """Install the locked Prism version (no install scripts: Prism needs none)."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("Prism is not installed and npm is not on PATH (needs node >= 20.19)")
    subprocess.run(
        [npm, "ci", "--prefix", str(HERE), "--ignore-scripts", "--no-audit", "--no-fund"],
        check=True,
        timeout=600,
    )


@dataclass
class Prism:
    process: subprocess.Popen
    base_url: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            # Prism was started in its own process group: stop it and anything it forked.
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log_path.unlink(missing_ok=True)


def start(spec: Path = SPEC, *, errors: bool = True, startup_timeout_s: float = 60.0) -> Prism:
    """Start `prism mock --errors` on a free port and return once it answers HTTP. Without
    `errors`, a response that breaks the spec is logged, not turned into a 500: some of
    Twilio's own examples do (the message list's relative page URIs are not format "uri")."""
    if not spec.is_file():
        raise RuntimeError(f"Twilio OpenAPI spec not found at {spec} (set PRISM_SPEC)")
    if not PRISM_BIN.exists():
        install()
    port = free_port()
    with tempfile.NamedTemporaryFile(prefix="prism-", suffix=".log", delete=False) as log_file:
        process = subprocess.Popen(
            [
                str(PRISM_BIN),
                "mock",
                *(["--errors"] if errors else []),
                *("-h", "127.0.0.1", "-p", str(port), str(spec)),
            ],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    prism = Prism(process, f"http://127.0.0.1:{port}", Path(log_file.name))
    deadline = time.monotonic() + startup_timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = prism.log()
            prism.stop()
            raise RuntimeError(f"Prism exited with {process.returncode}:\n{log[-3000:]}")
        if _answers(prism.base_url):
            return prism
        time.sleep(0.2)
    log = prism.log()
    prism.stop()
    raise RuntimeError(f"Prism did not answer within {startup_timeout_s} s:\n{log[-3000:]}")


def _answers(base_url: str) -> bool:
    try:
        urllib.request.urlopen(base_url + "/", timeout=1)
    except urllib.error.HTTPError:
        return True  # any HTTP answer (Prism says 404 for "/") means it is serving
    except OSError:
        return False
    return True


def spec_example(spec: Path, path: str, method: str, status: str) -> dict:
    """The first example response the spec gives for an operation."""
    operation = json.loads(spec.read_text())["paths"][path][method]
    examples = operation["responses"][status]["content"]["application/json"]["examples"]
    return next(iter(examples.values()))["value"]
