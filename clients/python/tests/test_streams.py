"""Alerts and events end to end (sync and asyncio), filters, cancellation, Falco sub."""
import asyncio
import datetime
import os
import shutil
import time

import grpc
import pytest

import saker
from conftest import trigger_command, Collector, is_marker, marker, marker_path, need, trigger


def test_alert_end_to_end_with_filters(client: saker.Client) -> None:
    name = marker()
    sub = client.subscribe_alerts(min_priority="warning", rules=[need("SAKER_RULE")],
                                  tags=["sdk_test"], sources=["syscall"],
                                  condition=f"fd.name = {marker_path(name)}")
    too_high = client.subscribe_alerts(min_priority=saker.Priority.ERROR,
                                       condition=f"fd.name = {marker_path(name)}")
    other_rule = client.subscribe_alerts(rules=["no such rule"])
    col, col_high, col_other = Collector(sub), Collector(too_high), Collector(other_rule)
    try:
        time.sleep(0.3)
        trigger(name)
        a = col.wait_for(is_marker(name))
        assert isinstance(a, saker.Alert)
        assert a.rule == need("SAKER_RULE") and a.priority == saker.Priority.WARNING
        assert a.sequence > 0 and "sdk_test" in a.tags and a.source == "syscall"
        assert isinstance(a.time, datetime.datetime) and a.time.tzinfo is not None
        assert abs((datetime.datetime.now(datetime.timezone.utc) - a.time).total_seconds()) < 60
        assert a.output_fields["fd.name"] == marker_path(name) and a.output
        # Server-side filters: the condition let only our marker through.
        for it in col.drain(0.5):
            assert isinstance(it, saker.Gap) or is_marker(name)(it), it
        assert not [x for x in col_high.drain(0.5) if isinstance(x, saker.Alert)]
        assert not [x for x in col_other.drain(0.1) if isinstance(x, saker.Alert)]
    finally:
        col.stop(), col_high.stop(), col_other.stop()


def test_field_selection_and_batches(client: saker.Client) -> None:
    name = marker()
    sub = client.subscribe_alerts(rules=[need("SAKER_RULE")], alert_fields=["rule", "priority"],
                                  output_fields=["fd.name"], max_batch=16)
    col = Collector(sub)
    try:
        time.sleep(0.3)
        for i in range(5):
            trigger(f"{name}-{i}")
        got = set()
        while len(got) < 5:
            a = col.wait_for(lambda it: isinstance(it, saker.Alert)
                             and it.output_fields.get("fd.name", "").startswith(marker_path(name)))
            assert set(a.output_fields) == {"fd.name"}
            assert a.output == "" and a.rule == need("SAKER_RULE") and a.sequence > 0
            got.add(a.output_fields["fd.name"])
    finally:
        col.stop()


def test_resume_from_sequence(client: saker.Client) -> None:
    name = marker()
    col = Collector(client.subscribe_alerts(rules=[need("SAKER_RULE")]))
    try:
        time.sleep(0.3)
        trigger(name)
        first = col.wait_for(is_marker(name))
    finally:
        col.stop()
    again = Collector(client.subscribe_alerts(rules=[need("SAKER_RULE")],
                                              from_sequence=first.sequence))
    try:
        head = again.wait_for(lambda it: True)
        if isinstance(head, saker.Gap):  # others' alerts pushed ours out of the history
            assert head.reason == saker.GapReason.HISTORY_EXPIRED
        else:
            assert head.sequence == first.sequence and head.output == first.output
    finally:
        again.stop()


def test_bad_condition_is_not_retried(client: saker.Client) -> None:
    sub = client.subscribe_alerts(condition="this is (not a condition")
    with pytest.raises(grpc.RpcError) as e:
        next(iter(sub))
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert sub.connects == 1


def test_cancel_from_another_thread(client: saker.Client) -> None:
    col = Collector(client.subscribe_alerts(rules=["no such rule"]))
    time.sleep(0.3)
    t0 = time.monotonic()
    col.stop()
    assert time.monotonic() - t0 < 2 and col.error is None


def exec_marker(tmp: str) -> str:
    path = os.path.join(tmp, "saker-py-exec-" + marker())
    shutil.copy("/bin/true", path)
    return path


def test_exec_events_sync(client: saker.Client, tmp_path) -> None:
    path = exec_marker(str(tmp_path))
    col = Collector(client.subscribe_events("evt.type = execve", types=["execve"]))
    try:
        time.sleep(0.3)
        os.spawnv(os.P_WAIT, path, [path])
        ev = col.wait_for(lambda it: isinstance(it, saker.Event)
                          and it.args.get("exe", it.args.get("filename")) == path)
        assert ev.type == "execve" and ev.pid > 0 and ev.sequence > 0 and ev.res == 0
        assert ev.time is not None and ev.time.tzinfo is not None
        for it in col.drain(0.3):
            assert isinstance(it, saker.Gap) or it.type == "execve"
    finally:
        col.stop()


def test_falco_sub(client: saker.Client) -> None:
    name = marker()
    stream = client.falco().sub()
    col = Collector(stream)
    try:
        time.sleep(0.3)
        trigger(name)
        a = col.wait_for(is_marker(name))
        assert a.priority == saker.Priority.WARNING and a.rule == need("SAKER_RULE")
    finally:
        col.stop()


# ---- asyncio ----

async def _wait(sub, pred, timeout=20.0):
    async def first():
        async for it in sub:
            if pred(it):
                return it
    return await asyncio.wait_for(first(), timeout)


def test_async_alerts_and_events(tmp_path) -> None:
    name = marker()
    path = exec_marker(str(tmp_path))

    async def main():
        async with saker.AsyncClient(need("SAKER_UNIX_ADDR")) as c:
            assert (await c.version()).version
            assert need("SAKER_RULE") in [r.name for r in await c.list_rules()]
            assert (await c.status()).driver.probe_loaded
            alerts = c.subscribe_alerts(min_priority="warning", rules=[need("SAKER_RULE")],
                                        condition=f"fd.name = {marker_path(name)}", max_batch=4)
            events = c.subscribe_events("evt.type = execve")
            got_a = asyncio.ensure_future(_wait(alerts, is_marker(name)))
            got_e = asyncio.ensure_future(_wait(
                events, lambda it: isinstance(it, saker.Event) and it.args.get("exe", it.args.get("filename")) == path))
            await asyncio.sleep(0.5)
            p = await asyncio.create_subprocess_shell(trigger_command(name))
            await p.wait()
            p = await asyncio.create_subprocess_exec(path)
            await p.wait()
            a, e = await asyncio.gather(got_a, got_e)
            assert a.priority == saker.Priority.WARNING and a.sequence > 0
            assert e.type == "execve"
            await alerts.aclose()
            await events.aclose()

            # Cancelling the consuming task ends the stream.
            idle = c.subscribe_alerts(rules=["no such rule"])
            task = asyncio.ensure_future(_wait(idle, lambda it: False, 60))
            await asyncio.sleep(0.3)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # cancel() ends an iteration in progress cleanly.
            idle2 = c.subscribe_alerts(rules=["no such rule"])

            async def consume():
                return [it async for it in idle2]
            t2 = asyncio.ensure_future(consume())
            await asyncio.sleep(0.3)
            idle2.cancel()
            assert [x for x in await asyncio.wait_for(t2, 5) if isinstance(x, saker.Alert)] == []

    asyncio.run(main())
