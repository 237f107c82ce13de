#!/usr/bin/env bash
# A realistic mix for the rules benchmarks, run while sakerd records:
# shell sessions (pipelines, subshells), a small C build, file churn, and
# network traffic over loopback. Bounded: stops after its loops.
set -u
work=$(mktemp -d)
trap 'rm -rf "$work"; kill $server 2>/dev/null' EXIT

# A loopback server for connects, sends and receives.
python3 -m http.server 18931 --bind 127.0.0.1 --directory "$work" >/dev/null 2>&1 &
server=$!
sleep 0.5

for round in $(seq "${1:-3}"); do
  # Shell sessions.
  for i in $(seq 50); do
    ls /etc | grep -c conf >/dev/null
    cat /etc/hostname /etc/os-release | wc -l >/dev/null
    (cd "$work" && echo "$i" >"f$i" && mv "f$i" "g$i" && rm -f "g$i")
    id -u >/dev/null; uname -a >/dev/null; env | sort | head -3 >/dev/null
  done
  # A build.
  for i in $(seq 4); do
    printf '#include <stdio.h>\nint main(void){printf("%%d\\n", %d);return 0;}\n' "$i" >"$work/m$i.c"
    cc -O1 -o "$work/m$i" "$work/m$i.c" && "$work/m$i" >/dev/null
  done
  # File churn.
  mkdir -p "$work/tree"
  for i in $(seq 200); do echo "$i" >"$work/tree/$i.txt"; done
  find "$work/tree" -type f | xargs cat >/dev/null
  tar -cf "$work/t.tar" -C "$work" tree && tar -tf "$work/t.tar" >/dev/null
  rm -rf "$work/tree" "$work/t.tar"
  # Network.
  for i in $(seq 30); do
    python3 - <<'PY' >/dev/null 2>&1
import socket
s = socket.create_connection(("127.0.0.1", 18931), timeout=2)
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
while s.recv(65536):
    pass
s.close()
PY
  done
done
