#!/usr/bin/env python3
"""Counts alerts by rule for a while (default a minute), then prints a table."""
import collections
import threading

import saker
from _common import connect, parser


def main() -> None:
    p = parser(__doc__)
    p.set_defaults(duration=60)
    args = p.parse_args()
    counts: "collections.Counter[str]" = collections.Counter()
    missed = 0
    with connect(args) as client:
        sub = client.subscribe_alerts(alert_fields=["rule"], max_batch=64)
        threading.Timer(args.duration, sub.cancel).start()
        try:
            for item in sub:
                if isinstance(item, saker.Gap):
                    missed += item.count
                else:
                    counts[item.rule] += 1
        except KeyboardInterrupt:
            sub.cancel()
    width = max([len("RULE")] + [len(r) for r in counts])
    print(f"{'RULE':<{width}}  {'COUNT':>7}")
    for rule, n in counts.most_common():
        print(f"{rule:<{width}}  {n:>7}")
    print(f"{'TOTAL':<{width}}  {sum(counts.values()):>7}")
    if missed:
        print(f"(missed {missed} alerts: the reader fell behind)")


if __name__ == "__main__":
    main()
