#!/usr/bin/env python3
"""Tails alerts at or above a priority: tail_alerts.py --priority warning"""
import threading

import saker
from _common import connect, parser


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--priority", default="warning", help="minimum priority (default: warning)")
    args = p.parse_args()
    with connect(args) as client:
        sub = client.subscribe_alerts(min_priority=args.priority)
        if args.duration:
            threading.Timer(args.duration, sub.cancel).start()
        for item in sub:
            if isinstance(item, saker.Gap):
                print(f"!! missed {item.count} alerts ({item.from_sequence}..{item.to_sequence}, "
                      f"{item.reason.name})", flush=True)
                continue
            when = item.time.isoformat() if item.time else "-"
            print(f"{item.sequence} {when} {item.priority.name} {item.rule}: {item.output}",
                  flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
