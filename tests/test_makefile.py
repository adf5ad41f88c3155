"""The Makefile fails early and clearly, repairs a broken .venv (issue 14, items 1-2), gets
Chromium for the browser tests before running them (issue 17), lists its targets, serves
on a free port and starts JupyterLab as root (issue 26).

Each check runs ``make -n`` (print, do not run) in a scratch copy of the Makefile, or
real ``make`` there with fake ``id`` and ``apt-get`` on the PATH, so nothing is installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


@pytest.fixture
def scratch(tmp_path):
    for name in ("Makefile", "requirements.txt", "requirements-notebook.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "binder", tmp_path / "binder")
    return tmp_path


def make(directory: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "-n", *args], cwd=directory, capture_output=True, text=True, check=False
    )


def _script(path: Path, body: str) -> Path:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


def test_too_old_python_is_one_line_up_front(scratch):
    fake = _script(scratch / "python3.10", 'echo 3.10.12; [ "$1" = -c ] && exit 0')
    result = make(scratch, f"PYTHON={fake}", "book")
    assert result.returncode != 0
    assert f"needs Python >= 3.11, found {fake} 3.10.12" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_python_is_named(scratch):
    result = make(scratch, "PYTHON=/nonexistent/python3", "book")
    assert "needs Python >= 3.11, but '/nonexistent/python3' was not found" in result.stderr


def test_broken_venv_is_rebuilt_and_says_so(scratch):
    (scratch / ".venv" / "bin").mkdir(parents=True)
    _script(scratch / ".venv" / "bin" / "python", "exit 1")  # no working python/pip
    result = make(scratch, f"PYTHON={sys.executable}", "venv")
    assert "rebuilding .venv: it has no working python or pip" in result.stdout
    assert "rm -rf .venv" in result.stdout


def test_serve_before_book_says_build_first(scratch):
    result = subprocess.run(
        ["make", "serve", f"PYTHON={sys.executable}"],
        cwd=scratch,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "build the book first (make book)" in result.stdout


def test_make_test_gets_chromium_before_the_tests(scratch):
    """The browser tests' Chromium comes from the Makefile (as root, if missing), not a test."""
    result = make(scratch, f"PYTHON={sys.executable}", "test")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "apt-get install -y -q chromium" in out and "playwright install" not in out
    pytest_line = out.index("-m pytest -n auto tests chapters")
    assert out.index("apt-get install -y -q chromium") < pytest_line


@pytest.mark.parametrize("uid", ["0", "1000"])
def test_make_chromium_installs_it_only_as_root(scratch, uid):
    """With no chromium on the PATH: root runs apt-get (update only if install fails), others
    are told the browser tests will skip. Real make, fake id and apt-get, nothing installed."""
    bin_dir = scratch / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "sh", "cat", "cksum", "cut", "chmod"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    _script(bin_dir / "id", f"echo {uid}")
    log = scratch / "apt.log"
    _script(
        bin_dir / "apt-get",
        f'echo "$*" >> {log}\n'
        f'[ "$1" = update ] && exit 0\n[ "$(cat {log} | wc -l)" -ge 3 ] || exit 100\n'
        f'printf "#!/bin/sh\\n" > {bin_dir}/chromium && chmod +x {bin_dir}/chromium',
    )
    (bin_dir / "wc").symlink_to(shutil.which("wc"))
    env = {"PATH": str(bin_dir), "HOME": str(scratch)}
    result = subprocess.run(
        [shutil.which("make"), "chromium", f"PYTHON={sys.executable}"],
        cwd=scratch, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    if uid == "0":
        assert log.read_text().splitlines() == [
            "install -y -q chromium", "update -q", "install -y -q chromium",
        ]  # fmt: skip
        assert result.stdout.strip().endswith(f"{bin_dir}/chromium")
    else:
        assert not log.exists()
        assert "no chromium: the browser tests will be skipped" in result.stdout


def test_make_help_lists_every_target_of_the_readme():
    result = subprocess.run(["make", "help"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    listed = {line.split()[1] for line in result.stdout.splitlines() if line.startswith("make ")}
    readme = (ROOT / "README.md").read_text()
    named = {m for m in ("book", "test", "notebook", "serve", "execute", "book-student")}
    assert named <= listed, named - listed
    assert all(f"make {t}" in readme for t in named)


def test_make_serve_says_when_the_port_is_taken(scratch):
    import socket

    (scratch / "_build" / "html").mkdir(parents=True)
    (scratch / "_build" / "html" / "index.html").write_text("<p>book</p>")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            ["make", "serve", f"PORT={port}", f"PYTHON={sys.executable}"],
            cwd=scratch, capture_output=True, text=True, check=False, timeout=60,
        )  # fmt: skip
    assert result.returncode != 0
    assert f"port {port} is taken" in result.stdout and f"PORT={port + 1}" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("uid", ["0", "1000"])
def test_make_notebook_opens_jupyterlab_at_the_chapters_as_root_too(scratch, uid):
    bin_dir = scratch / "bin"
    bin_dir.mkdir()
    _script(bin_dir / "id", f"echo {uid}")
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(scratch)}
    result = subprocess.run(
        ["make", "-n", "notebook", f"PYTHON={sys.executable}"],
        cwd=scratch, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (line,) = [x for x in result.stdout.replace("\\\n", " ").splitlines() if "jupyter lab" in x]
    assert ".venv-notebook/bin/jupyter lab" in line and "default_url=/lab/tree/chapters" in line
    assert ("--allow-root" in line) == (uid == "0")


def test_make_test_builds_the_notebook_environment_and_runs_pytest_in_parallel(scratch):
    """The JupyterLab test needs .venv-notebook (Binder's environment): `make test` creates
    it before pytest, and runs pytest on xdist workers (tests/progress.py groups nbval)."""
    result = make(scratch, f"PYTHON={sys.executable}", "test")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    env = out.index("pip install --quiet -r requirements-notebook.txt")
    assert env < out.index("-m pytest -n auto tests chapters")
    assert "jupyter_server_config.py .venv-notebook/etc/jupyter/" in out
    assert "overrides.json .venv-notebook/share/jupyter/lab/settings/overrides.json" in out
    assert "-r $f" in out and "binder/requirements.txt" in out  # make pins: both files


def test_a_notebook_and_a_module_with_a_run_once_fixture_are_each_one_unit_of_work():
    from progress import scope_of

    cells = [scope_of(f"chapters/04_long_dependency.ipynb::Cell {k}") for k in (0, 1, 27)]
    assert cells == ["chapters/04_long_dependency.ipynb"] * 3
    for module in ("tests/test_jupyterlab.py", "tests/test_packaging.py"):
        assert {scope_of(f"{module}::{t}") for t in ("test_a", "test_b[x]")} == {module}
    alone = ["tests/test_lstm.py::test_a[1]", "tests/test_lstm.py::test_a[2]"]
    assert [scope_of(t) for t in alone] == alone
