"""`make run` starts the worker beside the development server, and both end together.

The targets run against a stand-in virtualenv whose `flask` records what it was asked to run
and then waits like the real commands; the recipe and the process handling are the real ones.
"""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from portal import ROOT

FLASK = """#!/bin/sh
# A stand-in for .venv/bin/flask: "--app wsgi COMMAND ...".
shift 2
echo "$*" >> "$STUB_LOG"
case "$1" in
  work) echo $$ > "$STUB_DIR/worker.pid"; exec sleep 300 ;;
  run) echo $$ > "$STUB_DIR/server.pid"
       if [ -n "$SERVER_FAILS" ]; then
         while [ ! -e "$STUB_DIR/worker.pid" ]; do sleep 0.05; done; exit 1
       fi
       exec sleep 300 ;;
esac
"""

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


@pytest.fixture
def venv(tmp_path) -> Path:
    """A stand-in virtualenv that make takes as installed and up to date."""
    folder = tmp_path / "venv"
    (folder / "bin").mkdir(parents=True)
    for name, body in (("flask", FLASK), ("pybabel", "#!/bin/sh\n")):
        script = folder / "bin" / name
        script.write_text(body)
        script.chmod(0o755)
    (folder / "pyvenv.cfg").write_text("")
    (folder / ".installed").touch()
    return folder


def alive(pid: int) -> bool:
    """True while the process runs (a zombie waiting for its parent counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def wait_for(condition, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def start(venv: Path, tmp_path: Path, **env) -> subprocess.Popen:
    """`make run` in its own process group, as a terminal runs a foreground job."""
    return subprocess.Popen(
        ["make", "--no-print-directory", "-C", str(ROOT), "run", f"VENV={venv}"],
        env=os.environ | {"STUB_DIR": str(tmp_path), "STUB_LOG": str(tmp_path / "log")} | env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def pids(tmp_path: Path) -> tuple[int, int]:
    return tuple(int((tmp_path / f"{n}.pid").read_text()) for n in ("worker", "server"))


def clean_up(make: subprocess.Popen, tmp_path: Path) -> None:
    """End whatever a failed test left running: make's group and the stand-ins."""
    if make.poll() is None:
        os.killpg(make.pid, signal.SIGKILL)
    for name in ("worker", "server"):
        path = tmp_path / f"{name}.pid"
        if path.exists() and alive(pid := int(path.read_text())):
            os.kill(pid, signal.SIGKILL)


def test_make_run_starts_the_worker_and_ctrl_c_ends_both(venv, tmp_path):
    make = start(venv, tmp_path)
    try:
        assert wait_for(lambda: all((tmp_path / f"{n}.pid").exists() for n in ("worker", "server")))
        worker, server = pids(tmp_path)
        assert alive(worker) and alive(server)
        # Ctrl-C: the terminal sends SIGINT to the whole foreground process group.
        os.killpg(make.pid, signal.SIGINT)
        make.wait(timeout=20)
        assert wait_for(lambda: not alive(server) and not alive(worker)), make.stdout.read()
    finally:
        clean_up(make, tmp_path)
    commands = (tmp_path / "log").read_text().splitlines()
    assert commands[:2] == ["db upgrade", "demo load"]
    assert sorted(commands[2:]) == ["run --host 127.0.0.1 --port 5000", "work --loop"]


def test_when_the_server_ends_the_worker_ends_too(venv, tmp_path):
    make = start(venv, tmp_path, SERVER_FAILS="1")  # e.g. port 5000 already taken
    try:
        assert make.wait(timeout=20) != 0
        assert wait_for(lambda: (tmp_path / "worker.pid").exists())
        worker, _server = pids(tmp_path)
        assert wait_for(lambda: not alive(worker))
    finally:
        clean_up(make, tmp_path)
