"""Saker's Python SDK: alerts, events, status and rules over gRPC (unix socket or
mutual TLS), synchronous and asyncio, with streams that survive the server."""
from ._connect import ADDRESS_ENV, DEFAULT_ADDRESS, TLSConfig
from ._stream import RETRYABLE, AsyncSubscription, Reconnect, Subscription
from ._types import (Alert, AlertFilter, DriverStatus, Event, FieldSelection, Gap, GapReason,
                     HubStatus, Priority, ReloadResult, Rule, Status, StreamKind, Subscriber,
                     Version)
from .client import AsyncClient, Client
from .falco import FalcoClient, FalcoStream

__version__ = "0.1.0"

__all__ = ["ADDRESS_ENV", "DEFAULT_ADDRESS", "TLSConfig", "RETRYABLE", "AsyncSubscription",
           "Reconnect", "Subscription", "Alert", "AlertFilter", "DriverStatus", "Event",
           "FieldSelection", "Gap", "GapReason", "HubStatus", "Priority", "ReloadResult", "Rule",
           "Status", "StreamKind", "Subscriber", "Version", "AsyncClient", "Client",
           "FalcoClient", "FalcoStream"]
