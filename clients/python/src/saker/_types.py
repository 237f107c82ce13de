"""Typed values of the Saker API: alerts, events, gap notices, rules, status."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from ._gen.falco import outputs_pb2 as _falco_outputs_pb2
from ._gen.falco import version_pb2 as _falco_version_pb2
from ._gen.saker.v1 import alerts_pb2 as _alerts_pb2
from ._gen.saker.v1 import events_pb2 as _events_pb2
from ._gen.saker.v1 import rules_pb2 as _rules_pb2
from ._gen.saker.v1 import status_pb2 as _status_pb2


class Priority(enum.IntEnum):
    """An alert's priority; a larger value is more severe (so ``>=`` means "at least")."""

    UNSPECIFIED = 0
    DEBUG = 1
    INFORMATIONAL = 2
    NOTICE = 3
    WARNING = 4
    ERROR = 5
    CRITICAL = 6
    ALERT = 7
    EMERGENCY = 8

    @classmethod
    def parse(cls, value: Union["Priority", int, str]) -> "Priority":
        """``Priority.parse("warning")``, ``"INFO"``, ``"Informational"``, ``4``, or a Priority."""
        if isinstance(value, Priority):
            return value
        if isinstance(value, int):
            return cls(value)
        name = value.strip().upper()
        name = {"INFO": "INFORMATIONAL", "WARN": "WARNING", "ERR": "ERROR", "CRIT": "CRITICAL",
                "EMERG": "EMERGENCY"}.get(name, name)
        if name.startswith("PRIORITY_"):
            name = name[len("PRIORITY_"):]
        try:
            return cls[name]
        except KeyError:
            raise ValueError(f"unknown priority {value!r}; one of "
                             + ", ".join(p.name.lower() for p in cls if p)) from None

    @classmethod
    def from_falco(cls, value: int) -> "Priority":
        """Falco's schema numbers priorities the other way round (EMERGENCY = 0 .. DEBUG = 7)."""
        return cls(8 - value) if 0 <= value <= 7 else cls.UNSPECIFIED


class GapReason(enum.IntEnum):
    UNSPECIFIED = 0
    #: this subscriber fell behind and the server's history lapped it
    SUBSCRIBER_OVERFLOW = 1
    #: a resume point older than what the server's history still holds
    HISTORY_EXPIRED = 2
    #: client-side: the server restarted while we were disconnected; what it raised
    #: between our disconnect and its restart is lost and not counted (count is 0)
    SERVER_RESTARTED = 100


@dataclass(frozen=True)
class Gap:
    """Records the stream lost: sequences ``from_sequence..to_sequence`` (``count`` of them)."""

    from_sequence: int
    to_sequence: int
    count: int
    reason: GapReason

    @classmethod
    def from_proto(cls, g: Any) -> "Gap":
        try:
            reason = GapReason(g.reason)
        except ValueError:
            reason = GapReason.UNSPECIFIED
        return cls(g.from_sequence, g.to_sequence, g.count, reason)


def _time(ts: Any) -> Optional[datetime]:
    if ts.seconds == 0 and ts.nanos == 0:
        return None
    return datetime.fromtimestamp(ts.seconds, tz=timezone.utc) + timedelta(microseconds=ts.nanos // 1000)


def _time_ns(ts: Any) -> int:
    return ts.seconds * 1_000_000_000 + ts.nanos


@dataclass(frozen=True)
class Alert:
    """One alert. ``time`` is when the event happened (UTC, microsecond precision;
    ``time_ns`` keeps the nanoseconds); ``publish_time`` when the server published it."""

    sequence: int
    time: Optional[datetime]
    priority: Priority
    rule: str
    output: str
    output_fields: Dict[str, str]
    hostname: str
    tags: List[str]
    source: str
    publish_time: Optional[datetime] = None
    time_ns: int = 0

    @classmethod
    def from_proto(cls, a: Any) -> "Alert":
        try:
            prio = Priority(a.priority)
        except ValueError:
            prio = Priority.UNSPECIFIED
        return cls(sequence=a.sequence, time=_time(a.time), priority=prio, rule=a.rule,
                   output=a.output, output_fields=dict(a.output_fields), hostname=a.hostname,
                   tags=list(a.tags), source=a.source, publish_time=_time(a.publish_time),
                   time_ns=_time_ns(a.time))

    @classmethod
    def from_falco(cls, r: Any) -> "Alert":
        """An alert from Falco's ``outputs`` API (it has no sequence number: 0)."""
        return cls(sequence=0, time=_time(r.time), priority=Priority.from_falco(r.priority),
                   rule=r.rule, output=r.output, output_fields=dict(r.output_fields),
                   hostname=r.hostname, tags=list(r.tags), source=r.source,
                   time_ns=_time_ns(r.time))


@dataclass(frozen=True)
class Event:
    """One raw syscall event. ``args`` maps argument names to their rendered values."""

    sequence: int
    time: Optional[datetime]
    cpu: int
    type: str
    res: int
    pid: int
    tid: int
    ppid: int
    proc_name: str
    uid: int
    gid: int
    cgroup_id: int
    args: Dict[str, str]
    time_ns: int = 0

    @classmethod
    def from_proto(cls, e: Any) -> "Event":
        return cls(sequence=e.sequence, time=_time(e.time), cpu=e.cpu, type=e.type, res=e.res,
                   pid=e.pid, tid=e.tid, ppid=e.ppid, proc_name=e.proc_name, uid=e.uid,
                   gid=e.gid, cgroup_id=e.cgroup_id, args={x.name: x.value for x in e.args},
                   time_ns=_time_ns(e.time))


@dataclass(frozen=True)
class Rule:
    name: str
    priority: Priority
    tags: List[str]
    event_types: List[str]
    source: str
    enabled: bool
    match_count: int

    @classmethod
    def from_proto(cls, r: Any) -> "Rule":
        try:
            prio = Priority(r.priority)
        except ValueError:
            prio = Priority.UNSPECIFIED
        return cls(r.name, prio, list(r.tags), list(r.event_types), r.source, r.enabled,
                   r.match_count)


@dataclass(frozen=True)
class ReloadResult:
    rule_count: int
    warnings: List[str]


class StreamKind(enum.IntEnum):
    UNSPECIFIED = 0
    ALERTS = 1
    EVENTS = 2
    FALCO = 3


@dataclass(frozen=True)
class Subscriber:
    id: int
    peer: str
    identity: str
    kind: StreamKind
    queue_depth: int
    delivered: int
    dropped: int
    since: Optional[datetime]


@dataclass(frozen=True)
class HubStatus:
    published: int
    capacity: int
    oldest_sequence: int
    newest_sequence: int


@dataclass(frozen=True)
class DriverStatus:
    probe_loaded: bool
    events_captured: int
    kernel_drops: Dict[str, int]


@dataclass(frozen=True)
class Status:
    start_time: Optional[datetime]
    uptime: timedelta
    driver: DriverStatus
    rules: List[Rule]
    alerts: HubStatus
    events: HubStatus
    subscribers: List[Subscriber]

    @classmethod
    def from_proto(cls, s: Any) -> "Status":
        def hub(h: Any) -> HubStatus:
            return HubStatus(h.published, h.capacity, h.oldest_sequence, h.newest_sequence)

        subs = []
        for x in s.subscribers:
            try:
                kind = StreamKind(x.kind)
            except ValueError:
                kind = StreamKind.UNSPECIFIED
            subs.append(Subscriber(x.id, x.peer, x.identity, kind, x.queue_depth, x.delivered,
                                   x.dropped, _time(x.since)))
        return cls(start_time=_time(s.start_time),
                   uptime=timedelta(seconds=s.uptime.seconds, microseconds=s.uptime.nanos // 1000),
                   driver=DriverStatus(s.driver.probe_loaded, s.driver.events_captured,
                                       dict(s.driver.kernel_drops)),
                   rules=[Rule.from_proto(r) for r in s.rules], alerts=hub(s.alerts),
                   events=hub(s.events), subscribers=subs)


@dataclass(frozen=True)
class Version:
    """The server's version, from Falco's version service (which Saker serves too)."""

    version: str
    major: int
    minor: int
    patch: int
    prerelease: str
    build: str
    engine_version: str

    @classmethod
    def from_proto(cls, v: Any) -> "Version":
        return cls(v.version, v.major, v.minor, v.patch, v.prerelease, v.build, v.engine_version)


@dataclass
class AlertFilter:
    """Server-side alert filters; every non-empty one must match.

    ``condition`` is any rules-language condition over the alert's fields, compiled on
    the server (a bad one fails the subscription with INVALID_ARGUMENT)."""

    min_priority: Optional[Union[Priority, int, str]] = None
    rules: Tuple[str, ...] = ()
    tags: Tuple[str, ...] = ()
    sources: Tuple[str, ...] = ()
    condition: str = ""

    def to_proto(self) -> Any:
        f = _alerts_pb2.AlertFilter(rules=list(self.rules), tags=list(self.tags),
                                    sources=list(self.sources), condition=self.condition)
        if self.min_priority is not None:
            f.min_priority = int(Priority.parse(self.min_priority))
        return f


@dataclass
class FieldSelection:
    """Which Alert fields (``alert_fields``, e.g. ``["rule", "priority"]``; the sequence
    number always comes, the resume needs it) and which output fields to receive."""

    alert_fields: Tuple[str, ...] = ()
    output_fields: Tuple[str, ...] = ()

    def to_proto(self) -> Any:
        fs = _alerts_pb2.FieldSelection(output_fields=list(self.output_fields))
        if self.alert_fields:
            paths = list(self.alert_fields)
            if "sequence" not in paths:
                paths.append("sequence")
            if self.output_fields and "output_fields" not in paths:
                paths.append("output_fields")
            fs.alert_fields.paths.extend(paths)
        return fs


Item = Union[Alert, Gap]
EventItem = Union[Event, Gap]

__all__ = ["Priority", "GapReason", "Gap", "Alert", "Event", "Rule", "ReloadResult",
           "StreamKind", "Subscriber", "HubStatus", "DriverStatus", "Status", "Version",
           "AlertFilter", "FieldSelection", "Item", "EventItem"]

# Keep the generated modules referenced (they register the descriptors).
_ = (_events_pb2, _rules_pb2, _status_pb2, _falco_outputs_pb2, _falco_version_pb2, Mapping)
