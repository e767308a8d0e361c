"""An Odoo server in its own process, for the tests and benchmarks that need
a real server rather than the one pytest-odoo runs in the test's process:
prefork workers, a simulated read replica (``--dev=replica``), a server
killed at the end.

Ports: the caller's, on loopback only.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def odoo_bin():
    """The ``odoo`` command of the unpacked Debian package."""
    import odoo

    # <cache>/odoo/<version>/usr/lib/python3/dist-packages/odoo
    return Path(odoo.__path__[0]).resolve().parents[3] / "bin" / "odoo"


def server_options(workers, **env):
    """The options setup/server_options.sh gives a server of ``workers``."""
    result = subprocess.run(
        ["bash", str(REPO / "setup" / "server_options.sh")],
        env={**os.environ, "WORKERS": str(workers), **{k: str(v) for k, v in env.items()}},
        capture_output=True, text=True, check=True,
    )
    return result.stdout.split()


class OdooServer:
    """``with OdooServer(config, db, port, logfile, extra) as server:`` starts
    the server, waits until it answers, and kills it (and its workers) on
    leaving, whatever happened."""

    def __init__(self, config, database, port, logfile, extra_args=(), startup_timeout=180):
        self.config = str(config)
        self.database = database
        self.port = port
        self.logfile = Path(logfile)
        self.extra_args = list(extra_args)
        self.startup_timeout = startup_timeout
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.logfile.parent.mkdir(parents=True, exist_ok=True)
        self.logfile.write_text("")
        command = [
            sys.executable, str(odoo_bin()), "-c", self.config, "-d", self.database,
            "--http-interface=127.0.0.1", f"--http-port={self.port}",
            f"--logfile={self.logfile}", "--log-level=info", *self.extra_args,
        ]
        # its own process group: the workers of a prefork server go with it
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Odoo exited with {self.process.returncode}; read {self.logfile}"
                )
            with contextlib.suppress(OSError, urllib.error.URLError), urllib.request.urlopen(
                f"{self.url}/web/health", timeout=5
            ) as response:
                if response.status == 200:
                    return self
            time.sleep(0.5)
        raise RuntimeError(
            f"Odoo did not answer within {self.startup_timeout} s; read {self.logfile}"
        )

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def log_text(self):
        return self.logfile.read_text(errors="replace")

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()
