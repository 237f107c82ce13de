"""Reconnect and resume across a server restart; gap notices for a slow consumer."""
import asyncio
import subprocess
import threading
import time

import saker
from conftest import Collector, is_marker, marker, marker_path, need, trigger, trigger_many


def restart() -> None:
    subprocess.run([need("SAKER_RESTART")], check=True, timeout=60)


def test_reconnect_and_resume_across_restart(client: saker.Client) -> None:
    name = marker()
    disconnects = []
    sub = client.subscribe_alerts(rules=[need("SAKER_RULE")],
                                  reconnect=saker.Reconnect(initial=0.05, maximum=0.5),
                                  on_disconnect=lambda err, delay: disconnects.append(err))
    col = Collector(sub)
    seen: list = []
    try:
        time.sleep(0.3)
        trigger(name + "-before")
        before = col.wait_for(is_marker(name + "-before"), seen=seen)
        restart()
        # Raised on the new server possibly before we reconnected: resuming must get it.
        trigger(name + "-after")
        after = col.wait_for(is_marker(name + "-after"), timeout=30, seen=seen)
        assert sub.connects >= 2 and disconnects
        restarted = [g for g in seen if isinstance(g, saker.Gap)
                     and g.reason == saker.GapReason.SERVER_RESTARTED]
        assert restarted, f"no restart notice among {seen!r}"
        assert restarted[0].from_sequence == before.sequence + 1 or restarted[0].from_sequence > before.sequence
        assert after.sequence >= 1 and sub.last_sequence >= after.sequence
        # Still live after the reconnect.
        trigger(name + "-later")
        col.wait_for(is_marker(name + "-later"))
    finally:
        col.stop()


def test_async_reconnect_across_restart() -> None:
    name = marker()

    async def main():
        async with saker.AsyncClient(need("SAKER_UNIX_ADDR")) as c:
            sub = c.subscribe_alerts(rules=[need("SAKER_RULE")],
                                     reconnect=saker.Reconnect(initial=0.05, maximum=0.5))
            seen = []

            async def until(suffix):
                async for it in sub:
                    seen.append(it)
                    if is_marker(name + suffix)(it):
                        return it

            task = asyncio.ensure_future(until("-before"))
            await asyncio.sleep(0.5)
            await asyncio.to_thread(trigger, name + "-before")
            await asyncio.wait_for(task, 20)
            await asyncio.to_thread(restart)
            await asyncio.to_thread(trigger, name + "-after")
            await asyncio.wait_for(until("-after"), 30)
            assert sub.connects >= 2
            assert any(isinstance(g, saker.Gap) for g in seen)
            await sub.aclose()

    asyncio.run(main())


def test_gap_notice_for_slow_consumer(client: saker.Client) -> None:
    name = marker()
    sub = client.subscribe_alerts(rules=[need("SAKER_RULE")])
    it = iter(sub)
    # Read one alert (the stream is open), then stall while 3000 alerts are raised:
    # far more than the 64-alert history plus what the transport buffers.
    threading.Timer(0.5, trigger, [name + "-first"]).start()  # once the stream is open
    deadline = time.monotonic() + 20
    while not is_marker(name + "-first")(next(it)):
        assert time.monotonic() < deadline
    trigger_many(name + "-burst", 3000)
    time.sleep(1)
    gaps, alerts, prev = [], 0, None
    deadline = time.monotonic() + 30
    col = Collector(sub)  # now read as fast as possible
    try:
        while alerts < 50 or not gaps:
            x = col.wait_for(lambda _: True, timeout=max(0.1, deadline - time.monotonic()))
            if isinstance(x, saker.Gap):
                gaps.append(x)
                assert x.reason == saker.GapReason.SUBSCRIBER_OVERFLOW
                assert x.count == x.to_sequence - x.from_sequence + 1 > 0
                if prev is not None:
                    assert x.from_sequence > prev, (prev, x)
                prev = x.to_sequence
            else:
                alerts += 1
                prev = x.sequence
    finally:
        col.stop()
    assert gaps, "a stalled consumer got no gap notice"
    assert sum(g.count for g in gaps) > 0
