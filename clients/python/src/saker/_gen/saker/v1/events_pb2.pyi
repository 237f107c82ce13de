import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GapReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GAP_REASON_UNSPECIFIED: _ClassVar[GapReason]
    GAP_REASON_SUBSCRIBER_OVERFLOW: _ClassVar[GapReason]
    GAP_REASON_HISTORY_EXPIRED: _ClassVar[GapReason]
GAP_REASON_UNSPECIFIED: GapReason
GAP_REASON_SUBSCRIBER_OVERFLOW: GapReason
GAP_REASON_HISTORY_EXPIRED: GapReason

class Argument(_message.Message):
    __slots__ = ("name", "value")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    value: str
    def __init__(self, name: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class Event(_message.Message):
    __slots__ = ("sequence", "time", "cpu", "type", "res", "pid", "tid", "ppid", "proc_name", "uid", "gid", "cgroup_id", "args")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    CPU_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    RES_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    TID_FIELD_NUMBER: _ClassVar[int]
    PPID_FIELD_NUMBER: _ClassVar[int]
    PROC_NAME_FIELD_NUMBER: _ClassVar[int]
    UID_FIELD_NUMBER: _ClassVar[int]
    GID_FIELD_NUMBER: _ClassVar[int]
    CGROUP_ID_FIELD_NUMBER: _ClassVar[int]
    ARGS_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    time: _timestamp_pb2.Timestamp
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
    args: _containers.RepeatedCompositeFieldContainer[Argument]
    def __init__(self, sequence: _Optional[int] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cpu: _Optional[int] = ..., type: _Optional[str] = ..., res: _Optional[int] = ..., pid: _Optional[int] = ..., tid: _Optional[int] = ..., ppid: _Optional[int] = ..., proc_name: _Optional[str] = ..., uid: _Optional[int] = ..., gid: _Optional[int] = ..., cgroup_id: _Optional[int] = ..., args: _Optional[_Iterable[_Union[Argument, _Mapping]]] = ...) -> None: ...

class EventBatch(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[Event]
    def __init__(self, events: _Optional[_Iterable[_Union[Event, _Mapping]]] = ...) -> None: ...

class Gap(_message.Message):
    __slots__ = ("from_sequence", "to_sequence", "count", "reason")
    FROM_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TO_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    from_sequence: int
    to_sequence: int
    count: int
    reason: GapReason
    def __init__(self, from_sequence: _Optional[int] = ..., to_sequence: _Optional[int] = ..., count: _Optional[int] = ..., reason: _Optional[_Union[GapReason, str]] = ...) -> None: ...

class EventFilter(_message.Message):
    __slots__ = ("types", "condition")
    TYPES_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    types: _containers.RepeatedScalarFieldContainer[str]
    condition: str
    def __init__(self, types: _Optional[_Iterable[str]] = ..., condition: _Optional[str] = ...) -> None: ...

class SubscribeRequest(_message.Message):
    __slots__ = ("filter", "from_sequence", "from_oldest", "max_batch")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    FROM_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    FROM_OLDEST_FIELD_NUMBER: _ClassVar[int]
    MAX_BATCH_FIELD_NUMBER: _ClassVar[int]
    filter: EventFilter
    from_sequence: int
    from_oldest: bool
    max_batch: int
    def __init__(self, filter: _Optional[_Union[EventFilter, _Mapping]] = ..., from_sequence: _Optional[int] = ..., from_oldest: bool = ..., max_batch: _Optional[int] = ...) -> None: ...

class SubscribeResponse(_message.Message):
    __slots__ = ("event", "gap", "batch")
    EVENT_FIELD_NUMBER: _ClassVar[int]
    GAP_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    event: Event
    gap: Gap
    batch: EventBatch
    def __init__(self, event: _Optional[_Union[Event, _Mapping]] = ..., gap: _Optional[_Union[Gap, _Mapping]] = ..., batch: _Optional[_Union[EventBatch, _Mapping]] = ...) -> None: ...
