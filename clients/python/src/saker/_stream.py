"""Streams that survive the server: reconnect with backoff, resume after the last
sequence seen, surface gap notices (never swallow them), cancel from anywhere."""
from __future__ import annotations

import asyncio
import random
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import (Any, AsyncIterator, Awaitable, Callable, Generic, Iterator, List, Optional,
                    TypeVar, Union)

import grpc

from ._types import Gap, GapReason

T = TypeVar("T")

#: status codes after which a stream reconnects (the server went away or broke the stream)
RETRYABLE = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED,
                       grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL,
                       grpc.StatusCode.ABORTED, grpc.StatusCode.DEADLINE_EXCEEDED,
                       grpc.StatusCode.RESOURCE_EXHAUSTED})


@dataclass(frozen=True)
class Reconnect:
    """Reconnect policy: exponential backoff from ``initial`` to ``maximum`` seconds,
    with +-``jitter`` (a fraction). ``max_attempts`` consecutive failed attempts (None:
    forever) before the last error is raised. A delivered message resets the count.
    Errors not in RETRYABLE (INVALID_ARGUMENT, PERMISSION_DENIED, UNAUTHENTICATED,
    UNIMPLEMENTED, ...) are raised at once."""

    initial: float = 0.1
    maximum: float = 5.0
    multiplier: float = 2.0
    jitter: float = 0.2
    max_attempts: Optional[int] = None

    def delay(self, attempt: int) -> float:
        d = min(self.maximum, self.initial * self.multiplier ** max(0, attempt - 1))
        return max(0.0, d * (1 + random.uniform(-self.jitter, self.jitter)))


ReconnectArg = Union[Reconnect, bool, None]


def policy_of(r: ReconnectArg) -> Optional[Reconnect]:
    if r is True:
        return Reconnect()
    if r is False or r is None:
        return None
    return r


class _Core:
    """What a stream must remember between connections."""

    def __init__(self, make_request: Callable[..., Any], decode: Callable[[Any], List[Any]],
                 from_sequence: Optional[int], from_oldest: bool,
                 policy: Optional[Reconnect],
                 on_disconnect: Optional[Callable[[Optional[grpc.RpcError], float], None]]):
        self.make_request = make_request
        self.decode = decode
        self.first_start = (from_sequence, from_oldest)
        self.policy = policy
        self.on_disconnect = on_disconnect
        self.last_sequence = 0
        self.connects = 0
        self.epoch: Optional[datetime] = None
        self.attempt = 0

    def request(self, epoch: Optional[datetime]) -> "tuple[Any, Optional[Gap]]":
        """The request for the next connection, and a restart notice when due."""
        notice = None
        if self.connects == 0:
            seq, oldest = self.first_start
        elif epoch is not None and self.epoch is not None and epoch != self.epoch:
            # The server restarted: its sequence numbers begin again at 1, and all it
            # holds is new to us. What the old one raised after we lost it is gone.
            notice = Gap(self.last_sequence + 1, 0, 0, GapReason.SERVER_RESTARTED)
            seq, oldest = None, True
        elif self.last_sequence > 0:
            seq, oldest = self.last_sequence + 1, False
        else:
            seq, oldest = self.first_start
        if epoch is not None:
            self.epoch = epoch
        self.connects += 1
        return self.make_request(from_sequence=seq, from_oldest=oldest), notice

    def seen(self, item: Any) -> None:
        if isinstance(item, Gap):
            if item.reason != GapReason.SERVER_RESTARTED:
                self.last_sequence = max(self.last_sequence, item.to_sequence)
        else:
            self.last_sequence = item.sequence

    def blind(self, epoch: Optional[datetime]) -> bool:
        """True when a reconnect cannot tell whether the server restarted (its
        status did not answer): resuming blindly could skip a new instance's first
        items, so the caller waits and retries instead."""
        return (self.policy is not None and self.connects > 0 and self.last_sequence > 0
                and epoch is None)

    def after_error(self, err: Optional[grpc.RpcError]) -> float:
        """The delay before reconnecting, or raises ``err`` when we must not."""
        if err is not None and (self.policy is None or err.code() not in RETRYABLE):
            raise err
        if self.policy is None:
            return -1.0  # the server ended the stream and we do not reconnect
        self.attempt += 1
        if self.policy.max_attempts is not None and self.attempt > self.policy.max_attempts:
            if err is not None:
                raise err
            return -1.0
        delay = self.policy.delay(self.attempt)
        if self.on_disconnect is not None:
            self.on_disconnect(err, delay)
        return delay


class Subscription(Generic[T]):
    """A synchronous stream of items (``Alert``/``Event``) and ``Gap`` notices.

    Iterate it; ``cancel()`` (from any thread) or leaving a ``with`` block ends the
    iteration cleanly. ``last_sequence`` is the last sequence number seen."""

    def __init__(self, open_call: Callable[[Any], Any], core: _Core,
                 epoch: Callable[[], Optional[datetime]]):
        self._open = open_call
        self._core = core
        self._epoch = epoch
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        self._call: Any = None
        self._gen = self._run()

    @property
    def last_sequence(self) -> int:
        return self._core.last_sequence

    @property
    def connects(self) -> int:
        """How many times the stream connected (1 + reconnects)."""
        return self._core.connects

    def cancel(self) -> None:
        self._cancelled.set()
        with self._lock:
            if self._call is not None:
                self._call.cancel()

    close = cancel

    def __enter__(self) -> "Subscription[T]":
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        return next(self._gen)

    def _run(self) -> Iterator[Any]:
        core = self._core
        while not self._cancelled.is_set():
            epoch = self._epoch() if core.policy else None
            if core.blind(epoch):
                delay = core.after_error(None)
                if delay < 0 or self._cancelled.wait(delay):
                    return
                continue
            req, notice = core.request(epoch)
            if notice is not None:
                yield notice
            with self._lock:
                if self._cancelled.is_set():
                    return
                call = self._call = self._open(req)
            err: Optional[grpc.RpcError] = None
            try:
                for resp in call:
                    core.attempt = 0
                    for item in core.decode(resp):
                        core.seen(item)
                        yield item
            except grpc.RpcError as e:
                if self._cancelled.is_set():
                    return
                err = e
            finally:
                with self._lock:
                    self._call = None
                call.cancel()
            if self._cancelled.is_set():
                return
            delay = core.after_error(err)
            if delay < 0 or self._cancelled.wait(delay):
                return


class AsyncSubscription(Generic[T]):
    """The asyncio stream: ``async for item in sub``. ``cancel()``, leaving an
    ``async with`` block, or cancelling the consuming task ends it."""

    def __init__(self, open_call: Callable[[Any], Any], core: _Core,
                 epoch: Callable[[], Awaitable[Optional[datetime]]]):
        self._open = open_call
        self._core = core
        self._epoch = epoch
        self._cancelled = False
        self._wake: Optional[asyncio.Event] = None
        self._call: Any = None
        self._gen = self._run()

    @property
    def last_sequence(self) -> int:
        return self._core.last_sequence

    @property
    def connects(self) -> int:
        return self._core.connects

    def cancel(self) -> None:
        self._cancelled = True
        if self._call is not None:
            self._call.cancel()
        if self._wake is not None:
            self._wake.set()

    async def aclose(self) -> None:
        self.cancel()
        await self._gen.aclose()

    async def __aenter__(self) -> "AsyncSubscription[T]":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __aiter__(self) -> AsyncIterator[T]:
        return self

    async def __anext__(self) -> T:
        return await self._gen.__anext__()

    async def _run(self) -> AsyncIterator[Any]:
        core = self._core
        self._wake = asyncio.Event()
        while not self._cancelled:
            epoch = await self._epoch() if core.policy else None
            if core.blind(epoch):
                delay = core.after_error(None)
                if delay < 0:
                    return
                try:
                    await asyncio.wait_for(self._wake.wait(), delay)
                    return  # woken: cancelled
                except asyncio.TimeoutError:
                    continue
            req, notice = core.request(epoch)
            if notice is not None:
                yield notice
            if self._cancelled:
                return
            call = self._call = self._open(req)
            err: Optional[grpc.RpcError] = None
            try:
                async for resp in call:
                    core.attempt = 0
                    for item in core.decode(resp):
                        core.seen(item)
                        yield item
            except asyncio.CancelledError:
                if self._cancelled:
                    return
                raise
            except grpc.RpcError as e:
                if self._cancelled:
                    return
                err = e
            finally:
                self._call = None
                call.cancel()
            if self._cancelled:
                return
            delay = core.after_error(err)
            if delay < 0:
                return
            try:
                await asyncio.wait_for(self._wake.wait(), delay)
                return  # woken: cancelled
            except asyncio.TimeoutError:
                pass
