"""The sizing of setup/server_options.sh (used by setup/run.sh with WORKERS)."""

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "setup" / "server_options.sh"
MB = 1024 * 1024


def _options(**env):
    result = subprocess.run(
        ["bash", str(SCRIPT)],
        env={**os.environ, **{k: str(v) for k, v in env.items()}},
        capture_output=True, text=True, check=False,
    )
    return result.returncode, result.stdout.split(), result.stderr


def _values(options):
    return dict(option.removeprefix("--").split("=", 1) for option in options if "=" in option)


def test_default_is_the_threaded_server():
    env = {k: v for k, v in os.environ.items() if k not in ("WORKERS", "PROXY_MODE")}
    result = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True,
                            check=True)
    assert result.stdout == ""


def test_auto_on_this_kind_of_machine():
    """2 CPUs, 24 GB: 2 x 2 + 1 workers, one cron worker, Odoo's memory limits."""
    code, options, _err = _options(WORKERS="auto", SERVER_CPUS=2, SERVER_MEMORY_MB=24000)
    assert code == 0
    values = _values(options)
    assert values["workers"] == "5"
    assert values["max-cron-threads"] == "1"
    assert int(values["limit-memory-hard"]) == 2560 * MB
    assert int(values["limit-memory-soft"]) == 2048 * MB
    assert values["limit-time-cpu"] == "60" and values["limit-time-real"] == "120"


def test_auto_is_bounded_by_the_memory():
    """8 CPUs but 4 GB: one worker per 512 MB of 3/4 of the memory, and a
    hard limit that PDF reports can live with (1 GB)."""
    code, options, _err = _options(WORKERS="auto", SERVER_CPUS=8, SERVER_MEMORY_MB=4096)
    assert code == 0
    values = _values(options)
    assert values["workers"] == "6"
    assert values["max-cron-threads"] == "2"
    assert int(values["limit-memory-hard"]) == 1024 * MB
    assert int(values["limit-memory-soft"]) == 819 * MB  # 4/5, in whole MB


def test_explicit_values_and_deployment_options():
    code, options, _err = _options(
        WORKERS=3, MAX_CRON_THREADS=0, LIMIT_MEMORY_HARD=1500, SERVER_CPUS=2,
        SERVER_MEMORY_MB=24000, PROXY_MODE=1, DB_REPLICA_HOST="replica.example",
        DB_REPLICA_PORT=5433, GEVENT_PORT=8182,
    )
    assert code == 0
    values = _values(options)
    assert "--proxy-mode" in options
    assert values["db_replica_host"] == "replica.example"
    assert values["db_replica_port"] == "5433"
    assert values["workers"] == "3" and values["max-cron-threads"] == "0"
    assert int(values["limit-memory-hard"]) == 1500 * MB
    assert int(values["limit-memory-soft"]) == 1200 * MB
    assert values["gevent-port"] == "8182"


def test_invalid_values_are_refused():
    code, options, err = _options(WORKERS="many")
    assert code != 0 and not options and "WORKERS" in err
    code, options, err = _options(WORKERS=2, LIMIT_MEMORY_HARD=1000, LIMIT_MEMORY_SOFT=2000)
    assert code != 0 and "LIMIT_MEMORY_SOFT" in err
