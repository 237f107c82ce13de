#!/usr/bin/env python3
"""Watches exec events as they happen: pid, parent, user and the program run."""
import threading

import saker
from _common import connect, parser


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--condition", default="evt.type = execve",
                   help="server-side filter in the rules language (default: evt.type = execve)")
    args = p.parse_args()
    with connect(args) as client:
        sub = client.subscribe_events(args.condition)
        if args.duration:
            threading.Timer(args.duration, sub.cancel).start()
        for ev in sub:
            if isinstance(ev, saker.Gap):
                print(f"!! missed {ev.count} events", flush=True)
                continue
            if ev.res != 0:
                continue  # a failed exec (e.g. a PATH lookup miss)
            exe = ev.args.get("exe") or ev.args.get("filename", "?")
            print(f"exec pid={ev.pid} ppid={ev.ppid} uid={ev.uid} {exe} {ev.args.get('args', '')}",
                  flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
