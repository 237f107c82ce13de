import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from . import rules_pb2 as _rules_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StreamKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STREAM_KIND_UNSPECIFIED: _ClassVar[StreamKind]
    STREAM_KIND_ALERTS: _ClassVar[StreamKind]
    STREAM_KIND_EVENTS: _ClassVar[StreamKind]
    STREAM_KIND_FALCO: _ClassVar[StreamKind]
STREAM_KIND_UNSPECIFIED: StreamKind
STREAM_KIND_ALERTS: StreamKind
STREAM_KIND_EVENTS: StreamKind
STREAM_KIND_FALCO: StreamKind

class GetStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DriverStatus(_message.Message):
    __slots__ = ("probe_loaded", "events_captured", "kernel_drops")
    class KernelDropsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    PROBE_LOADED_FIELD_NUMBER: _ClassVar[int]
    EVENTS_CAPTURED_FIELD_NUMBER: _ClassVar[int]
    KERNEL_DROPS_FIELD_NUMBER: _ClassVar[int]
    probe_loaded: bool
    events_captured: int
    kernel_drops: _containers.ScalarMap[str, int]
    def __init__(self, probe_loaded: bool = ..., events_captured: _Optional[int] = ..., kernel_drops: _Optional[_Mapping[str, int]] = ...) -> None: ...

class Subscriber(_message.Message):
    __slots__ = ("id", "peer", "identity", "kind", "queue_depth", "delivered", "dropped", "since")
    ID_FIELD_NUMBER: _ClassVar[int]
    PEER_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    QUEUE_DEPTH_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_FIELD_NUMBER: _ClassVar[int]
    DROPPED_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    id: int
    peer: str
    identity: str
    kind: StreamKind
    queue_depth: int
    delivered: int
    dropped: int
    since: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., peer: _Optional[str] = ..., identity: _Optional[str] = ..., kind: _Optional[_Union[StreamKind, str]] = ..., queue_depth: _Optional[int] = ..., delivered: _Optional[int] = ..., dropped: _Optional[int] = ..., since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class HubStatus(_message.Message):
    __slots__ = ("published", "capacity", "oldest_sequence", "newest_sequence")
    PUBLISHED_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    OLDEST_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    NEWEST_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    published: int
    capacity: int
    oldest_sequence: int
    newest_sequence: int
    def __init__(self, published: _Optional[int] = ..., capacity: _Optional[int] = ..., oldest_sequence: _Optional[int] = ..., newest_sequence: _Optional[int] = ...) -> None: ...

class GetStatusResponse(_message.Message):
    __slots__ = ("start_time", "uptime", "driver", "rules", "alerts", "events", "subscribers")
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    UPTIME_FIELD_NUMBER: _ClassVar[int]
    DRIVER_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIBERS_FIELD_NUMBER: _ClassVar[int]
    start_time: _timestamp_pb2.Timestamp
    uptime: _duration_pb2.Duration
    driver: DriverStatus
    rules: _containers.RepeatedCompositeFieldContainer[_rules_pb2.Rule]
    alerts: HubStatus
    events: HubStatus
    subscribers: _containers.RepeatedCompositeFieldContainer[Subscriber]
    def __init__(self, start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., uptime: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., driver: _Optional[_Union[DriverStatus, _Mapping]] = ..., rules: _Optional[_Iterable[_Union[_rules_pb2.Rule, _Mapping]]] = ..., alerts: _Optional[_Union[HubStatus, _Mapping]] = ..., events: _Optional[_Union[HubStatus, _Mapping]] = ..., subscribers: _Optional[_Iterable[_Union[Subscriber, _Mapping]]] = ...) -> None: ...
