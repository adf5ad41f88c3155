"""What the package ships: the library and its MIT licence, nothing that cannot work alone."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dists(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    had_build = (ROOT / "build").exists()
    for kind in ("sdist", "wheel"):  # one process each, as a build frontend does
        code = f"import sys; from setuptools import build_meta as b; b.build_{kind}(sys.argv[1])"
        subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT, check=True,
                       capture_output=True)  # fmt: skip
    if not had_build:  # setuptools builds the wheel in ./build: leave the tree as found
        shutil.rmtree(ROOT / "build", ignore_errors=True)
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    with tarfile.open(sdist) as tar:
        sdist_names = [n.split("/", 1)[1] for n in tar.getnames() if "/" in n]
    with zipfile.ZipFile(wheel) as whl:
        metadata = whl.read(next(n for n in whl.namelist() if n.endswith("METADATA"))).decode()
        wheel_names = whl.namelist()
    return sdist_names, wheel_names, metadata


def test_the_sdist_holds_the_library_and_no_half_test_suite(dists):
    sdist, _, _ = dists
    assert "lstm_lib/lstm.py" in sdist and "lstm_lib/training.py" in sdist
    assert not [n for n in sdist if n.startswith(("tests/", "chapters/", "experiments/"))]
    assert "README.md" not in sdist  # the book's README is CC BY 4.0, not the package's


def test_the_description_and_licence_agree(dists):
    _, wheel, metadata = dists
    assert "License-Expression: MIT" in metadata
    assert "MIT licence" in metadata and "CC BY" not in metadata
    (version,) = re.findall(r"^Version: (\S+)$", metadata, re.MULTILINE)
    licences = [n for n in wheel if "licenses/" in n]
    assert licences == [f"lstm_lib-{version}.dist-info/licenses/LICENSE"]


def test_widgets_without_the_book_extra_say_what_to_install():
    code = (
        "import sys; sys.modules['ipywidgets'] = None\n"
        "try:\n    import lstm_lib.widgets\nexcept ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'lstm_lib[book]'" in out.stdout
    assert "ipywidgets is missing" in out.stdout
