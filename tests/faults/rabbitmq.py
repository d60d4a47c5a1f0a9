"""A private RabbitMQ node for the fault tests: its own name, ports and data directory, so
killing it never touches the machine's shared RabbitMQ (5672) or anyone's queues there."""

import os
import shutil
import signal
import socket
import subprocess
from pathlib import Path

from tests.faults.servers import wait_until
from tests.stack import free_port

# Debian's /usr/sbin/rabbitmq-server switches user and detaches: the real one runs in front.
SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")


class PrivateRabbitmq:
    """In root, a directory its own user can reach (not pytest's tmp_path, private to root)."""

    def __init__(self, root: Path):
        self.root = root
        self.port = free_port()
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"
        self.process: subprocess.Popen | None = None
        (root / "rabbitmq.conf").write_text(f"listeners.tcp.local = 127.0.0.1:{self.port}\n")
        (root / "rabbitmq-env.conf").write_text("")  # not /etc's: that names the shared node
        (root / "enabled_plugins").write_text("[].\n")
        self.env = {
            **os.environ,
            "HOME": str(root),  # its own Erlang cookie
            "RABBITMQ_NODENAME": f"brigada_faults_{self.port}@localhost",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(free_port()),
            "RABBITMQ_CONF_ENV_FILE": str(root / "rabbitmq-env.conf"),
            "RABBITMQ_CONFIG_FILE": str(root / "rabbitmq.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(root / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(root / "mnesia"),  # kept across restarts: the queues
            "RABBITMQ_LOG_BASE": str(root / "log"),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        }
        if os.geteuid() == 0:  # RabbitMQ runs as its own user, as the package sets it up
            shutil.chown(root, user="rabbitmq")
            for path in root.iterdir():
                shutil.chown(path, user="rabbitmq")

    def start(self) -> None:
        if not SERVER.exists():
            raise RuntimeError(f"no {SERVER}: apt-get install rabbitmq-server")
        command = [str(SERVER)]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "rabbitmq", "--", *command]
        with (self.root / "server.out").open("ab") as out:
            self.process = subprocess.Popen(
                command,
                env=self.env,
                cwd=self.root,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: killed with the Erlang VM under it
            )
        wait_until(self._up, f"RabbitMQ on port {self.port}", timeout_s=60)

    def _up(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            out = (self.root / "server.out").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"RabbitMQ exited with {self.process.returncode}:\n{out}")
        return self.answers()

    def answers(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def kill(self) -> None:
        """SIGKILL to the node and everything it started: no clean shutdown, as in a crash."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        wait_until(lambda: not self.answers(), f"RabbitMQ on port {self.port} to go")
