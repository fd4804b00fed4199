"""The product's server (and a Chroma server) as subprocesses on loopback, with their memory readings.

``ProductServer`` runs ``uvicorn server:create_app --factory`` exactly as ``make run`` does, with the given
environment (``DATABASE_URL``, ``CHROMA_*``, ``BM25_PATH``, ``EMBEDDING_MODEL``, ``WECHAT_*``) and ``--workers``.
Its stdout/stderr go to a log file that the caller can scan. ``ChromaServer`` runs ``chroma run``.
Memory is read from ``/proc``: the resident set of the process tree now, and each process's peak (VmHWM).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from core.settings import REPO_ROOT


class ServerError(Exception):
    """A server did not come up, or exited early (the log tail is in the message)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            out += [int(p) for p in task.read_text().split()]
        except OSError:
            continue
    return out


def process_tree(pid: int) -> list[int]:
    seen, todo = [], [pid]
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += _children(p)
    return seen


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def tree_rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, now (MiB)."""
    return sum(_status_kib(p, "VmRSS") for p in process_tree(pid)) / 1024.0


def tree_peak_mib(pid: int) -> float:
    """Sum of each process's peak resident memory (VmHWM) in the tree (MiB)."""
    return sum(_status_kib(p, "VmHWM") for p in process_tree(pid)) / 1024.0


class _Proc:
    def __init__(self, cmd: list[str], env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def _wait_http(self, url: str, ready: Callable[[httpx.Response], bool], timeout: float,
                   poll_s: float = 0.3) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerError(f"{url}: the process exited with {self.proc.returncode}:\n{self.output()[-3000:]}")
            try:
                resp = httpx.get(url, timeout=2.0)
                if ready(resp):
                    return
            except httpx.HTTPError:
                pass  # not listening yet: poll again
            time.sleep(poll_s)
        raise ServerError(f"{url} not ready after {timeout:.0f}s:\n{self.output()[-3000:]}")

    def stop(self, timeout: float = 20.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()
        return int(self.proc.returncode)

    def kill9(self) -> None:
        """SIGKILL the whole tree (a crash, not a shutdown)."""
        for pid in reversed(process_tree(self.proc.pid)):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
        self.proc.wait(timeout=10)
        self._log.close()


class ProductServer(_Proc):
    def __init__(self, env: dict[str, str], log_path: Path, *, workers: int = 1, port: int | None = None,
                 extra_args: tuple[str, ...] = (), app: str = "server:create_app") -> None:
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        full_env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                    **env}
        cmd = [sys.executable, "-m", "uvicorn", app, "--factory", "--host", "127.0.0.1", "--port", str(self.port)]
        if workers > 1:
            cmd += ["--workers", str(workers)]
        super().__init__([*cmd, *extra_args], full_env, log_path)

    def wait_ready(self, *, similar_cases: bool = True, timeout: float = 300.0, consecutive: int = 1) -> None:
        """Until ``/healthz`` answers (and, if asked, reports the similar-case index loaded) ``consecutive``
        times in a row on fresh connections (with several workers, each connection may reach another one)."""
        streak = 0

        def ready(resp: httpx.Response) -> bool:
            nonlocal streak
            ok = resp.status_code == 200 and (not similar_cases or bool(resp.json().get("similar_cases")))
            streak = streak + 1 if ok else 0
            return streak >= consecutive

        self._wait_http(self.base + "/healthz", ready, timeout, poll_s=0.3 if consecutive == 1 else 0.05)


class ChromaServer(_Proc):
    def __init__(self, path: Path, log_path: Path, *, port: int | None = None) -> None:
        self.port = port or free_port()
        chroma = Path(sys.executable).parent / "chroma"
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
        cmd = [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(self.port)]
        super().__init__(cmd, env, log_path)

    def wait_ready(self, timeout: float = 120.0) -> None:
        self._wait_http(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", lambda r: r.status_code == 200, timeout)
