"""Connection flags shared by the examples."""
import argparse

import saker


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--address", help="unix:///path or host:port (default: $SAKER_ADDRESS, "
                   "else unix:///run/saker/saker.sock)")
    p.add_argument("--ca", help="mTLS: the CA that signed the server (path)")
    p.add_argument("--cert", help="mTLS: this client's certificate (path)")
    p.add_argument("--key", help="mTLS: this client's key (path)")
    p.add_argument("--duration", type=float, default=0,
                   help="stop after this many seconds (0: run until interrupted)")
    return p


def connect(args: argparse.Namespace) -> saker.Client:
    if args.ca or args.cert or args.key:
        return saker.Client(args.address, ca=args.ca, cert=args.cert, key=args.key)
    return saker.Client(args.address)
