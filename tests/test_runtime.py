"""System tests of the runtime built by setup/install.sh and of the packaging."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import odoo
from odoo import release

REPO = Path(__file__).resolve().parent.parent


def _odoo_root():
    # <cache>/odoo/<version>/usr/lib/python3/dist-packages/odoo -> <cache>/odoo/<version>
    return Path(odoo.__path__[0]).resolve().parents[4]


def test_odoo_19_from_the_debian_package():
    assert release.version_info[:2] == (19, 0)
    packages = (_odoo_root() / "DEBIAN-PACKAGES").read_text().split()
    assert any(p.startswith("odoo-19_19.0") for p in packages)
    assert any(p.startswith("fonts-montserrat_") for p in packages)


def test_no_symlink_dangles_in_the_unpacked_package():
    root = _odoo_root()
    links = [p for p in root.rglob("*") if p.is_symlink()]
    assert links, "the package ships symlinks into font and JavaScript packages"
    dangling = [str(p) for p in links if not p.exists()]
    assert dangling == []


def test_python_and_tools():
    assert sys.version_info[:2] == (3, 11)
    assert shutil.which("wkhtmltopdf")


def test_addons_build_as_wheels(tmp_path):
    """pip builds odoo-addon-* wheels with whool, manifests inside."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(REPO / "customer_feedback"),
         str(REPO / "customer_feedback_reports")],
        check=True,
    )
    wheels = {w.name.split("-")[0]: w for w in tmp_path.glob("*.whl")}
    assert set(wheels) == {"odoo_addon_customer_feedback", "odoo_addon_customer_feedback_reports"}
    names = zipfile.ZipFile(wheels["odoo_addon_customer_feedback"]).namelist()
    assert "odoo/addons/customer_feedback/__manifest__.py" in names
