"""Falco's gRPC API (``falco.outputs.service`` sub/get, ``falco.version.service``), for
Falco servers and for Saker, which serves it unchanged. Alerts come as ``saker.Alert``
with ``sequence`` 0 (Falco's API has none) and the priority mapped to ``Priority``."""
from __future__ import annotations

import threading
from typing import Any, Iterator, Optional, Sequence, Tuple

import grpc

from . import _connect
from ._connect import TLSConfig, resolve_address
from ._gen.falco import outputs_pb2, outputs_pb2_grpc, version_pb2, version_pb2_grpc
from ._types import Alert, Version

#: Falco's default socket
FALCO_ADDRESS = "unix:///run/falco/falco.sock"


class FalcoStream:
    """Alerts from ``sub`` (a bidirectional stream). Saker pushes each alert as soon as
    it exists; an old Falco answers polls, so a request goes out every ``poll``
    seconds. ``cancel()`` ends it."""

    def __init__(self, stub: Any, poll: float):
        self._done = threading.Event()
        self._poll = poll
        self._call = stub.sub(self._requests())

    def _requests(self) -> Iterator[Any]:
        yield outputs_pb2.request()
        while not self._done.wait(self._poll):
            yield outputs_pb2.request()

    def cancel(self) -> None:
        self._done.set()
        self._call.cancel()

    def __enter__(self) -> "FalcoStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()

    def __iter__(self) -> Iterator[Alert]:
        try:
            for r in self._call:
                yield Alert.from_falco(r)
        except grpc.RpcError as e:
            if not self._done.is_set():
                raise
            del e


class FalcoClient:
    def __init__(self, address: Optional[str] = None, *, tls: Optional[TLSConfig] = None,
                 channel: Optional[grpc.Channel] = None, timeout: Optional[float] = 10.0,
                 options: Sequence[Tuple[str, Any]] = ()):
        self.timeout = timeout
        self._own = channel is None
        if channel is None:
            channel = _connect.sync_channel(resolve_address(address or FALCO_ADDRESS), tls, options)
        self.channel = channel
        self._outputs = outputs_pb2_grpc.serviceStub(channel)
        self._version = version_pb2_grpc.serviceStub(channel)

    def close(self) -> None:
        if self._own:
            self.channel.close()

    def __enter__(self) -> "FalcoClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def version(self) -> Version:
        return Version.from_proto(self._version.version(version_pb2.request(), timeout=self.timeout))

    def get(self) -> Iterator[Alert]:
        """The alerts the server holds now (then the stream ends)."""
        for r in self._outputs.get(outputs_pb2.request(), timeout=self.timeout):
            yield Alert.from_falco(r)

    def sub(self, poll: float = 1.0) -> FalcoStream:
        return FalcoStream(self._outputs, poll)
