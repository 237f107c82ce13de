import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Priority(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PRIORITY_UNSPECIFIED: _ClassVar[Priority]
    PRIORITY_DEBUG: _ClassVar[Priority]
    PRIORITY_INFORMATIONAL: _ClassVar[Priority]
    PRIORITY_NOTICE: _ClassVar[Priority]
    PRIORITY_WARNING: _ClassVar[Priority]
    PRIORITY_ERROR: _ClassVar[Priority]
    PRIORITY_CRITICAL: _ClassVar[Priority]
    PRIORITY_ALERT: _ClassVar[Priority]
    PRIORITY_EMERGENCY: _ClassVar[Priority]

class GapReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GAP_REASON_UNSPECIFIED: _ClassVar[GapReason]
    GAP_REASON_SUBSCRIBER_OVERFLOW: _ClassVar[GapReason]
    GAP_REASON_HISTORY_EXPIRED: _ClassVar[GapReason]
PRIORITY_UNSPECIFIED: Priority
PRIORITY_DEBUG: Priority
PRIORITY_INFORMATIONAL: Priority
PRIORITY_NOTICE: Priority
PRIORITY_WARNING: Priority
PRIORITY_ERROR: Priority
PRIORITY_CRITICAL: Priority
PRIORITY_ALERT: Priority
PRIORITY_EMERGENCY: Priority
GAP_REASON_UNSPECIFIED: GapReason
GAP_REASON_SUBSCRIBER_OVERFLOW: GapReason
GAP_REASON_HISTORY_EXPIRED: GapReason

class Alert(_message.Message):
    __slots__ = ("sequence", "time", "priority", "rule", "output", "output_fields", "hostname", "tags", "source", "publish_time")
    class OutputFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELDS_FIELD_NUMBER: _ClassVar[int]
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_TIME_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    time: _timestamp_pb2.Timestamp
    priority: Priority
    rule: str
    output: str
    output_fields: _containers.ScalarMap[str, str]
    hostname: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    source: str
    publish_time: _timestamp_pb2.Timestamp
    def __init__(self, sequence: _Optional[int] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., priority: _Optional[_Union[Priority, str]] = ..., rule: _Optional[str] = ..., output: _Optional[str] = ..., output_fields: _Optional[_Mapping[str, str]] = ..., hostname: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., source: _Optional[str] = ..., publish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AlertBatch(_message.Message):
    __slots__ = ("alerts",)
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    alerts: _containers.RepeatedCompositeFieldContainer[Alert]
    def __init__(self, alerts: _Optional[_Iterable[_Union[Alert, _Mapping]]] = ...) -> None: ...

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

class AlertFilter(_message.Message):
    __slots__ = ("min_priority", "rules", "tags", "sources", "condition")
    MIN_PRIORITY_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    min_priority: Priority
    rules: _containers.RepeatedScalarFieldContainer[str]
    tags: _containers.RepeatedScalarFieldContainer[str]
    sources: _containers.RepeatedScalarFieldContainer[str]
    condition: str
    def __init__(self, min_priority: _Optional[_Union[Priority, str]] = ..., rules: _Optional[_Iterable[str]] = ..., tags: _Optional[_Iterable[str]] = ..., sources: _Optional[_Iterable[str]] = ..., condition: _Optional[str] = ...) -> None: ...

class FieldSelection(_message.Message):
    __slots__ = ("alert_fields", "output_fields")
    ALERT_FIELDS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELDS_FIELD_NUMBER: _ClassVar[int]
    alert_fields: _field_mask_pb2.FieldMask
    output_fields: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, alert_fields: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., output_fields: _Optional[_Iterable[str]] = ...) -> None: ...

class SubscribeRequest(_message.Message):
    __slots__ = ("filter", "fields", "from_sequence", "from_oldest", "max_batch")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    FROM_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    FROM_OLDEST_FIELD_NUMBER: _ClassVar[int]
    MAX_BATCH_FIELD_NUMBER: _ClassVar[int]
    filter: AlertFilter
    fields: FieldSelection
    from_sequence: int
    from_oldest: bool
    max_batch: int
    def __init__(self, filter: _Optional[_Union[AlertFilter, _Mapping]] = ..., fields: _Optional[_Union[FieldSelection, _Mapping]] = ..., from_sequence: _Optional[int] = ..., from_oldest: bool = ..., max_batch: _Optional[int] = ...) -> None: ...

class SubscribeResponse(_message.Message):
    __slots__ = ("alert", "gap", "batch")
    ALERT_FIELD_NUMBER: _ClassVar[int]
    GAP_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    alert: Alert
    gap: Gap
    batch: AlertBatch
    def __init__(self, alert: _Optional[_Union[Alert, _Mapping]] = ..., gap: _Optional[_Union[Gap, _Mapping]] = ..., batch: _Optional[_Union[AlertBatch, _Mapping]] = ...) -> None: ...
