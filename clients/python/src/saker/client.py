"""The Saker client: synchronous (``Client``) and asyncio (``AsyncClient``)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Iterable, List, Optional, Sequence, Tuple, Union

import grpc

from . import _connect
from ._connect import TLSConfig, resolve_address
from ._gen.falco import version_pb2, version_pb2_grpc
from ._gen.grpc.health.v1 import health_pb2, health_pb2_grpc
from ._gen.saker.v1 import (alerts_pb2, alerts_pb2_grpc, events_pb2, events_pb2_grpc, rules_pb2,
                            rules_pb2_grpc, status_pb2, status_pb2_grpc)
from ._stream import AsyncSubscription, ReconnectArg, Subscription, _Core, policy_of
from ._types import (Alert, AlertFilter, Event, FieldSelection, Gap, Priority, ReloadResult, Rule,
                     Status, Version, _time)

PriorityArg = Union[Priority, int, str, None]
OnDisconnect = Optional[Callable[[Optional[grpc.RpcError], float], None]]


def _decode_alerts(resp: Any) -> List[Union[Alert, Gap]]:
    kind = resp.WhichOneof("message")
    if kind == "alert":
        return [Alert.from_proto(resp.alert)]
    if kind == "batch":
        return [Alert.from_proto(a) for a in resp.batch.alerts]
    if kind == "gap":
        return [Gap.from_proto(resp.gap)]
    return []


def _decode_events(resp: Any) -> List[Union[Event, Gap]]:
    kind = resp.WhichOneof("message")
    if kind == "event":
        return [Event.from_proto(resp.event)]
    if kind == "batch":
        return [Event.from_proto(e) for e in resp.batch.events]
    if kind == "gap":
        return [Gap.from_proto(resp.gap)]
    return []


def _start(req: Any, from_sequence: Optional[int], from_oldest: bool) -> Any:
    if from_sequence is not None:
        req.from_sequence = from_sequence
    elif from_oldest:
        req.from_oldest = True
    return req


def _alert_request_maker(filter: AlertFilter, fields: FieldSelection, max_batch: int
                         ) -> Callable[..., Any]:
    def make(from_sequence: Optional[int], from_oldest: bool) -> Any:
        req = alerts_pb2.SubscribeRequest(filter=filter.to_proto(), fields=fields.to_proto(),
                                          max_batch=max_batch)
        return _start(req, from_sequence, from_oldest)
    return make


def _event_request_maker(condition: str, types: Sequence[str], max_batch: int
                         ) -> Callable[..., Any]:
    def make(from_sequence: Optional[int], from_oldest: bool) -> Any:
        req = events_pb2.SubscribeRequest(
            filter=events_pb2.EventFilter(types=list(types), condition=condition),
            max_batch=max_batch)
        return _start(req, from_sequence, from_oldest)
    return make


def _tls_of(tls: Optional[TLSConfig], ca: Any, cert: Any, key: Any, server_name: Optional[str],
            address: str) -> Optional[TLSConfig]:
    if tls is not None:
        return tls
    if ca is not None or cert is not None or key is not None:
        if ca is None or cert is None or key is None:
            raise ValueError("mutual TLS needs all of ca, cert and key")
        return TLSConfig(ca, cert, key, server_name)
    if not _connect.is_unix(address):
        return TLSConfig.from_env()
    return None


class _Base:
    def __init__(self, address: Optional[str], tls: Optional[TLSConfig], ca: Any, cert: Any,
                 key: Any, server_name: Optional[str], timeout: Optional[float]):
        self.address = resolve_address(address)
        self.tls = _tls_of(tls, ca, cert, key, server_name, self.address)
        self.timeout = timeout


class Client(_Base):
    """A synchronous client of Saker's API (and of Falco's, see ``falco()``).

    ``Client()`` dials $SAKER_ADDRESS or ``unix:///run/saker/saker.sock``;
    ``Client("host:port", ca=..., cert=..., key=...)`` dials TCP with mutual TLS
    (paths or PEM bytes). ``timeout`` bounds the unary calls (seconds)."""

    def __init__(self, address: Optional[str] = None, *, tls: Optional[TLSConfig] = None,
                 ca: Any = None, cert: Any = None, key: Any = None,
                 server_name: Optional[str] = None, timeout: Optional[float] = 10.0,
                 options: Sequence[Tuple[str, Any]] = ()):
        super().__init__(address, tls, ca, cert, key, server_name, timeout)
        self.channel = _connect.sync_channel(self.address, self.tls, options)
        self._alerts = alerts_pb2_grpc.AlertServiceStub(self.channel)
        self._events = events_pb2_grpc.EventServiceStub(self.channel)
        self._status = status_pb2_grpc.StatusServiceStub(self.channel)
        self._rules = rules_pb2_grpc.RuleServiceStub(self.channel)
        self._version = version_pb2_grpc.serviceStub(self.channel)
        self._health = health_pb2_grpc.HealthStub(self.channel)

    def close(self) -> None:
        self.channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- unary calls ----
    def version(self) -> Version:
        return Version.from_proto(self._version.version(version_pb2.request(), timeout=self.timeout))

    def status(self) -> Status:
        return Status.from_proto(self._status.GetStatus(status_pb2.GetStatusRequest(),
                                                        timeout=self.timeout))

    def list_rules(self) -> List[Rule]:
        resp = self._rules.ListRules(rules_pb2.ListRulesRequest(), timeout=self.timeout)
        return [Rule.from_proto(r) for r in resp.rules]

    def reload_rules(self) -> ReloadResult:
        """Reloads the server's rules files. A bad file raises grpc.RpcError with the
        errors in its details; the running rules stay."""
        resp = self._rules.ReloadRules(rules_pb2.ReloadRulesRequest(), timeout=self.timeout)
        return ReloadResult(resp.rule_count, list(resp.warnings))

    def healthy(self, service: str = "") -> bool:
        resp = self._health.Check(health_pb2.HealthCheckRequest(service=service),
                                  timeout=self.timeout)
        return resp.status == health_pb2.HealthCheckResponse.SERVING

    def _epoch(self) -> Optional[datetime]:
        try:
            st = self._status.GetStatus(status_pb2.GetStatusRequest(), timeout=2.0)
            return _time(st.start_time)
        except grpc.RpcError:
            return None

    # ---- streams ----
    def subscribe_alerts(self, *, min_priority: PriorityArg = None, rules: Iterable[str] = (),
                         tags: Iterable[str] = (), sources: Iterable[str] = (),
                         condition: str = "", alert_fields: Iterable[str] = (),
                         output_fields: Iterable[str] = (), from_sequence: Optional[int] = None,
                         from_oldest: bool = False, max_batch: int = 0,
                         reconnect: ReconnectArg = True, on_disconnect: OnDisconnect = None
                         ) -> Subscription[Union[Alert, Gap]]:
        """Alerts matching every given filter, then live, as ``Alert`` and ``Gap`` items.

        Starts live, or at ``from_sequence``, or at the oldest alert the server holds
        (``from_oldest``). ``max_batch`` > 1 lets the server batch (items still come
        one by one). With ``reconnect`` (default: ``Reconnect()``) the stream
        reconnects with backoff after the server goes away and resumes after the last
        sequence seen; what was lost meanwhile comes as a ``Gap``."""
        flt = AlertFilter(min_priority, tuple(rules), tuple(tags), tuple(sources), condition)
        sel = FieldSelection(tuple(alert_fields), tuple(output_fields))
        core = _Core(_alert_request_maker(flt, sel, max_batch), _decode_alerts, from_sequence,
                     from_oldest, policy_of(reconnect), on_disconnect)
        return Subscription(self._alerts.Subscribe, core, self._epoch)

    def subscribe_events(self, condition: str = "", *, types: Iterable[str] = (),
                         from_sequence: Optional[int] = None, from_oldest: bool = False,
                         max_batch: int = 0, reconnect: ReconnectArg = True,
                         on_disconnect: OnDisconnect = None) -> Subscription[Union[Event, Gap]]:
        """Raw syscall events matching ``condition`` (rules language, e.g.
        ``"evt.type = execve and proc.name != sshd"``) and ``types``; same stream
        semantics as ``subscribe_alerts``."""
        core = _Core(_event_request_maker(condition, tuple(types), max_batch), _decode_events,
                     from_sequence, from_oldest, policy_of(reconnect), on_disconnect)
        return Subscription(self._events.Subscribe, core, self._epoch)

    def falco(self) -> "FalcoClient":
        """Falco's API on the same connection."""
        from .falco import FalcoClient
        return FalcoClient(channel=self.channel, timeout=self.timeout)


class AsyncClient(_Base):
    """The asyncio client (grpc.aio); the same API with ``await`` and ``async for``."""

    def __init__(self, address: Optional[str] = None, *, tls: Optional[TLSConfig] = None,
                 ca: Any = None, cert: Any = None, key: Any = None,
                 server_name: Optional[str] = None, timeout: Optional[float] = 10.0,
                 options: Sequence[Tuple[str, Any]] = ()):
        super().__init__(address, tls, ca, cert, key, server_name, timeout)
        self.channel = _connect.aio_channel(self.address, self.tls, options)
        self._alerts = alerts_pb2_grpc.AlertServiceStub(self.channel)
        self._events = events_pb2_grpc.EventServiceStub(self.channel)
        self._status = status_pb2_grpc.StatusServiceStub(self.channel)
        self._rules = rules_pb2_grpc.RuleServiceStub(self.channel)
        self._version = version_pb2_grpc.serviceStub(self.channel)
        self._health = health_pb2_grpc.HealthStub(self.channel)

    async def close(self) -> None:
        await self.channel.close()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def version(self) -> Version:
        return Version.from_proto(await self._version.version(version_pb2.request(),
                                                              timeout=self.timeout))

    async def status(self) -> Status:
        return Status.from_proto(await self._status.GetStatus(status_pb2.GetStatusRequest(),
                                                              timeout=self.timeout))

    async def list_rules(self) -> List[Rule]:
        resp = await self._rules.ListRules(rules_pb2.ListRulesRequest(), timeout=self.timeout)
        return [Rule.from_proto(r) for r in resp.rules]

    async def reload_rules(self) -> ReloadResult:
        resp = await self._rules.ReloadRules(rules_pb2.ReloadRulesRequest(), timeout=self.timeout)
        return ReloadResult(resp.rule_count, list(resp.warnings))

    async def healthy(self, service: str = "") -> bool:
        resp = await self._health.Check(health_pb2.HealthCheckRequest(service=service),
                                        timeout=self.timeout)
        return resp.status == health_pb2.HealthCheckResponse.SERVING

    async def _epoch(self) -> Optional[datetime]:
        try:
            st = await self._status.GetStatus(status_pb2.GetStatusRequest(), timeout=2.0)
            return _time(st.start_time)
        except grpc.RpcError:
            return None

    def subscribe_alerts(self, *, min_priority: PriorityArg = None, rules: Iterable[str] = (),
                         tags: Iterable[str] = (), sources: Iterable[str] = (),
                         condition: str = "", alert_fields: Iterable[str] = (),
                         output_fields: Iterable[str] = (), from_sequence: Optional[int] = None,
                         from_oldest: bool = False, max_batch: int = 0,
                         reconnect: ReconnectArg = True, on_disconnect: OnDisconnect = None
                         ) -> AsyncSubscription[Union[Alert, Gap]]:
        """As ``Client.subscribe_alerts``; iterate with ``async for``."""
        flt = AlertFilter(min_priority, tuple(rules), tuple(tags), tuple(sources), condition)
        sel = FieldSelection(tuple(alert_fields), tuple(output_fields))
        core = _Core(_alert_request_maker(flt, sel, max_batch), _decode_alerts, from_sequence,
                     from_oldest, policy_of(reconnect), on_disconnect)
        return AsyncSubscription(self._alerts.Subscribe, core, self._epoch)

    def subscribe_events(self, condition: str = "", *, types: Iterable[str] = (),
                         from_sequence: Optional[int] = None, from_oldest: bool = False,
                         max_batch: int = 0, reconnect: ReconnectArg = True,
                         on_disconnect: OnDisconnect = None
                         ) -> AsyncSubscription[Union[Event, Gap]]:
        core = _Core(_event_request_maker(condition, tuple(types), max_batch), _decode_events,
                     from_sequence, from_oldest, policy_of(reconnect), on_disconnect)
        return AsyncSubscription(self._events.Subscribe, core, self._epoch)
