#!/usr/bin/env python3
"""Tails alerts over mutual TLS, with the certificates given as PEM bytes:
tail_alerts_mtls.py --address HOST:PORT --ca ca.pem --cert client.pem --key client.key"""
import threading

import saker
from _common import parser


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--priority", default="warning")
    args = p.parse_args()
    if not (args.address and args.ca and args.cert and args.key):
        p.error("--address, --ca, --cert and --key are required")

    def read(path: str) -> bytes:
        with open(path, "rb") as f:
            return f.read()

    tls = saker.TLSConfig(ca=read(args.ca), cert=read(args.cert), key=read(args.key))
    with saker.Client(args.address, tls=tls) as client:
        print(f"connected to {args.address}, server {client.version().version}", flush=True)
        sub = client.subscribe_alerts(min_priority=args.priority)
        if args.duration:
            threading.Timer(args.duration, sub.cancel).start()
        for item in sub:
            if isinstance(item, saker.Gap):
                print(f"!! missed {item.count} alerts", flush=True)
            else:
                print(f"{item.sequence} {item.priority.name} {item.rule}: {item.output}", flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
