"""A wrong environment gives a clear message from setup/install.sh, not a traceback."""

import os
import subprocess
from pathlib import Path

INSTALL = Path(__file__).resolve().parent.parent / "setup" / "install.sh"


def _install(tmp_path, **env):
    return subprocess.run(
        ["bash", str(INSTALL)], capture_output=True, text=True, timeout=300, check=False,
        env=dict(os.environ, CUSTOMER_FEEDBACK_CACHE=str(tmp_path / "cache"), **env),
    )


def test_unsupported_python(tmp_path):
    fake = tmp_path / "python3.9"
    fake.write_text('#!/bin/sh\necho "3.9"\n')
    fake.chmod(0o755)
    result = _install(tmp_path, PYTHON=str(fake))
    assert result.returncode == 1
    assert "ERROR: unsupported Python 3.9" in result.stderr
    assert "How to fix:" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_access_to_the_package_registry(tmp_path):
    # A proxy on a closed loopback port: apt cannot reach Debian's registry.
    result = _install(tmp_path, http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9")
    assert result.returncode == 1
    assert "no access to Debian's package registry" in result.stderr
    assert not (tmp_path / "cache" / "odoo" / "current").exists()
