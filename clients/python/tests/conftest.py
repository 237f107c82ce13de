"""Fixtures for the SDK tests against the live sakerd of clients/testing/sakerd_fixture.sh
(python_sdk_root_test.sh starts it and exports SAKER_*)."""
from __future__ import annotations

import os
import queue
import shlex
import subprocess
import threading
import time
import uuid
from typing import Any, Callable, Iterable, List, Optional

import pytest

import saker

ENV = os.environ


def need(name: str) -> str:
    v = ENV.get(name)
    if not v:
        pytest.fail(f"${name} is not set: run the tests through python_sdk_root_test.sh")
    return v


def marker() -> str:
    """A unique marker name (other SDKs' tests trigger the same rule meanwhile)."""
    return "py-" + uuid.uuid4().hex[:12]


def marker_path(name: str) -> str:
    return "/tmp/saker-sdk-marker-" + name


def trigger(name: str) -> None:
    # $SAKER_TRIGGER is a shell command to which the unique suffix is appended.
    subprocess.run(["sh", "-c", trigger_command(name)], check=True)


def trigger_command(name: str) -> str:
    return need("SAKER_TRIGGER") + " " + shlex.quote(name)


def trigger_many(prefix: str, n: int) -> None:
    """n alerts from one process (fast enough to lap a 64-alert history)."""
    code = ("import os,sys\nfor i in range(int(sys.argv[2])):\n"
            "  try: os.open('/tmp/saker-sdk-marker-%s-%d' % (sys.argv[1], i), os.O_RDONLY)\n"
            "  except OSError: pass\n")
    subprocess.run(["python3", "-c", code, prefix, str(n)], check=True)


class Collector:
    """Drains a synchronous subscription on a thread into a queue."""

    def __init__(self, sub: Any):
        self.sub = sub
        self.items: "queue.Queue[Any]" = queue.Queue()
        self.error: Optional[BaseException] = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            for it in self.sub:
                self.items.put(it)
        except BaseException as e:  # noqa: BLE001 - reported to the test
            self.error = e
        finally:
            self.done.set()

    def wait_for(self, pred: Callable[[Any], bool], timeout: float = 20.0,
                 seen: Optional[List[Any]] = None) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out; error={self.error!r}")
            try:
                it = self.items.get(timeout=min(left, 0.5))
            except queue.Empty:
                if self.done.is_set() and self.items.empty():
                    raise AssertionError(f"stream ended; error={self.error!r}")
                continue
            if seen is not None:
                seen.append(it)
            if pred(it):
                return it

    def drain(self, quiet: float = 1.0, limit: float = 3.0) -> List[Any]:
        """What arrives until ``quiet`` seconds pass without an item, at most ``limit`` s."""
        out: List[Any] = []
        end = time.monotonic() + limit
        while time.monotonic() < end:
            try:
                out.append(self.items.get(timeout=quiet))
            except queue.Empty:
                return out
        return out

    def stop(self) -> None:
        self.sub.cancel()
        self.thread.join(5)
        assert not self.thread.is_alive(), "cancel() did not end the iteration"


def is_marker(name: str) -> Callable[[Any], bool]:
    path = marker_path(name)
    return lambda it: isinstance(it, saker.Alert) and it.output_fields.get("fd.name") == path


@pytest.fixture
def client() -> Iterable[saker.Client]:
    with saker.Client(need("SAKER_UNIX_ADDR")) as c:
        yield c


@pytest.fixture
def tls_paths() -> dict:
    return dict(ca=need("SAKER_CA"), cert=need("SAKER_CLIENT_CERT"), key=need("SAKER_CLIENT_KEY"))


@pytest.fixture
def tls_client(tls_paths: dict) -> Iterable[saker.Client]:
    with saker.Client(need("SAKER_TCP_ADDR"), **tls_paths) as c:
        yield c
