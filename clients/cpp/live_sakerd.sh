#!/usr/bin/env bash
# Runs a test binary against a live sakerd (clients/testing/sakerd_fixture.sh):
#   live_sakerd.sh BINARY [ARGS...]
# The binary gets the fixture's variables, plus SAKER_RESTART: a script that
# restarts sakerd on the same addresses and returns once it is capturing.
source clients/testing/sakerd_fixture.sh server/sakerd testdata/certs/make_certs.sh
saker_start
mkfifo "$SAKER_WORK/ctl" "$SAKER_WORK/ack"
cat >"$SAKER_WORK/restart.sh" <<S
#!/bin/sh
echo restart >"$SAKER_WORK/ctl"
read -r _ <"$SAKER_WORK/ack"
S
chmod +x "$SAKER_WORK/restart.sh"
export SAKER_RESTART=$SAKER_WORK/restart.sh
"$@" &
test_pid=$!
exec 3<>"$SAKER_WORK/ctl"
while kill -0 "$test_pid" 2>/dev/null; do
  if read -r -t 1 _ <&3; then
    saker_restart
    echo done >"$SAKER_WORK/ack"
  fi
done
rc=0
wait "$test_pid" || rc=$?
if [[ $rc != 0 ]]; then
  echo "--- sakerd.log" >&2
  tail -20 "$SAKER_WORK/sakerd.log" >&2
fi
exit "$rc"
