#!/usr/bin/env python3
"""An HTTP(S) receiver for the http_output tests.

Logs each request as one JSON line to --log: method, path, headers, body
(gunzipped when Content-Encoding is gzip; "gzip": true), client port. Answers
with the statuses in --statuses in turn (the last repeats), with a
Retry-After header on the others when --retry-after is given. Writes the port it
listens on to --port-file once ready. --cert/--key serve TLS; --client-ca also
requires a client certificate signed by that CA.
"""
import argparse
import gzip
import http.server
import json
import os
import ssl
import threading


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--statuses", default="200")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--client-ca")
    p.add_argument("--retry-after", type=int, default=0)
    args = p.parse_args()
    statuses = [int(s) for s in args.statuses.split(",")]
    lock = threading.Lock()
    count = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # persistent connections (keep_alive)

        def log_message(self, *a):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            gz = self.headers.get("Content-Encoding") == "gzip"
            if gz:
                body = gzip.decompress(body)
            with lock:
                status = statuses[min(count[0], len(statuses) - 1)]
                count[0] += 1
                record = {
                    "method": "POST",
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": body.decode("utf-8", "replace"),
                    "gzip": gz,
                    "client_port": self.client_address[1],
                    "status": status,
                    "peer_cn": peer_cn(self.connection),
                }
                with open(args.log, "a") as f:
                    f.write(json.dumps(record) + "\n")
            reply = b'{"ok":true}' if status < 300 else b"try later"
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            if status >= 300 and args.retry_after > 0:
                self.send_header("Retry-After", str(args.retry_after))
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

    http.server.ThreadingHTTPServer.allow_reuse_address = True
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        if args.client_ca:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(args.client_ca)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, args.port_file)
    server.serve_forever()


def peer_cn(conn):
    try:
        cert = conn.getpeercert()
    except AttributeError:
        return ""
    for rdn in (cert or {}).get("subject", ()):
        for k, v in rdn:
            if k == "commonName":
                return v
    return ""


if __name__ == "__main__":
    main()
