"""Falco's own Python client (the `falco` package 0.4.0 from PyPI, unchanged)
against a Saker server: version, get, and the bidirectional `sub` stream
receiving a real alert. Prints PASS/FAIL lines and "N passed, N failed"."""

import argparse
import importlib.metadata
import os
import queue
import subprocess
import sys
import threading
import time

import falco
from falco.domain.outputs import OutputsResponse

passed = failed = 0


def check(name, err):
    global passed, failed
    if err:
        failed += 1
        print("FAIL %s: %s" % (name, err), flush=True)
    else:
        passed += 1
        print("PASS %s" % name, flush=True)


def attempt(fn):
    """fn()'s error text, or None."""
    try:
        return fn()
    except Exception as e:  # the client's own exceptions and grpc.RpcError
        return "%s: %s" % (type(e).__name__, e)


def version(client):
    v = client.version()
    if not v.version or v.engine_version == 0:
        return "empty version fields: %r" % v
    return None


def get(client):
    for r in client.get():  # the pending alerts, then the stream ends
        if r.rule == "":
            return "alert without a rule: %r" % r
    return None


def sub(client, rule, trigger):
    """The `sub` stream (the client sends a request every 0.1 s) receives an
    alert of `rule` while `trigger` runs repeatedly."""
    got = queue.Queue()

    def receive():
        try:
            for r in client.sub():
                if r.rule == rule:
                    got.put(r)
                    return
        except Exception as e:
            got.put(e)

    threading.Thread(target=receive, daemon=True).start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        subprocess.run(["sh", "-c", trigger], stdout=subprocess.DEVNULL, check=False)
        try:
            r = got.get(timeout=0.3)
            break
        except queue.Empty:
            continue
    else:
        return "no %r alert within 20 s" % rule
    if isinstance(r, Exception):
        return "%s: %s" % (type(r).__name__, r)
    if (not r.output or not r.hostname or not r.output_fields or r.time is None
            or r.priority is None or r.source != OutputsResponse.Source.SYSCALL):
        return "incomplete alert: %r" % r
    return None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True, help="unix:///path or host:port")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--ca")
    p.add_argument("--trigger", required=True, help="shell command that makes the server alert")
    p.add_argument("--rule", required=True, help="the rule the trigger fires")
    a = p.parse_args()
    print(", ".join("%s %s" % (d, importlib.metadata.version(d))
                    for d in ("falco", "grpcio", "protobuf", "python-dateutil")), flush=True)
    client = falco.Client(endpoint=a.endpoint, client_crt=a.cert, client_key=a.key,
                          ca_root=a.ca)
    check("falco-python version", attempt(lambda: version(client)))
    check("falco-python get", attempt(lambda: get(client)))
    check("falco-python sub", attempt(lambda: sub(client, a.rule, a.trigger)))
    print("%d passed, %d failed" % (passed, failed), flush=True)
    # The sub stream's threads are still running: leave without joining them.
    os._exit(1 if failed else 0)


if __name__ == "__main__":
    main()
