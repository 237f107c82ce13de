#!/usr/bin/env bash
# The systemd unit, as install.sh installs it: ExecStart names the binary
# install.sh put there (default prefix and another one), the bounding set has
# every capability sakerd needs (loading the probe, the ones DropPrivileges
# keeps, and what the drop itself uses), the hardening options are set, and
# `systemd-analyze verify` (when installed) accepts it without a warning.
# Starts no service.
# Usage: unit_test.sh INSTALL_SH SAKERD PRIVILEGES_H
set -euo pipefail
install_sh=$1
sakerd=$(realpath "$2")
privileges_h=$(realpath "$3")
tmp=$(mktemp -d "${TEST_TMPDIR:-/tmp}/unit-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# value KEY FILE: the last KEY= line's value ([Service] keys are unique here).
value() { sed -n "s/^$1=//p" "$2" | tail -n1; }

check_unit() { # ROOT PREFIX
  local root=$1 prefix=$2 unit=$1/etc/systemd/system/sakerd.service exec bin
  [[ -f $unit ]] || fail "install.sh wrote no unit at $unit"
  exec=$(value ExecStart "$unit")
  bin=${exec%% *}
  [[ $bin == "$prefix/bin/sakerd" ]] || fail "ExecStart runs $bin, install.sh installed $prefix/bin/sakerd"
  [[ -x $root$bin ]] || fail "ExecStart's $bin is not an executable in the installed tree"
  cmp -s "$root$bin" "$sakerd" || fail "$root$bin is not the sakerd given to install.sh"
  [[ $exec == "$prefix/bin/sakerd run -c /etc/saker/saker.yaml" ]] || fail "ExecStart is \"$exec\""
}

# 1. Default prefix.
"$install_sh" --root "$tmp/a" --sakerd "$sakerd" >/dev/null
check_unit "$tmp/a" /usr/local
# 2. Another prefix is written into ExecStart.
"$install_sh" --root "$tmp/b" --prefix /opt/saker --sakerd "$sakerd" >/dev/null
check_unit "$tmp/b" /opt/saker
unit=$tmp/a/etc/systemd/system/sakerd.service

# 3. Every capability sakerd needs is in the bounding set.
bounding=" $(value CapabilityBoundingSet "$unit") "
kept=$(sed -n 's/.*std::vector<int> keep = {\(.*\)};.*/\1/p' "$privileges_h" | tr -d ' ' | tr ',' ' ')
[[ -n $kept ]] || fail "cannot read PrivilegeOptions::keep's default from $privileges_h"
need=(CAP_BPF CAP_PERFMON CAP_SYS_ADMIN CAP_SYS_RESOURCE # loading and attaching the probe
  $kept                                                    # kept after the drop
  CAP_SETPCAP CAP_SETUID CAP_SETGID                        # the drop itself (bounding set, --user)
  CAP_CHOWN)                                               # the socket's group
for cap in "${need[@]}"; do
  [[ $bounding == *" $cap "* ]] || fail "CapabilityBoundingSet lacks $cap:$bounding"
done
# ...and nothing that sakerd does not need.
for cap in $bounding; do
  [[ " ${need[*]} " == *" $cap "* ]] || fail "CapabilityBoundingSet has $cap, which sakerd does not need"
done

# 4. The hardening options.
while read -r key want; do
  [[ $(value "$key" "$unit") == "$want" ]] || fail "$key is \"$(value "$key" "$unit")\", want \"$want\""
done <<'W'
NoNewPrivileges yes
ProtectSystem strict
ProtectHome read-only
PrivateTmp yes
ProtectKernelTunables yes
ProtectKernelModules yes
ProtectControlGroups yes
RestrictAddressFamilies AF_UNIX AF_INET AF_INET6 AF_NETLINK
LockPersonality yes
RestrictRealtime yes
RestrictSUIDSGID yes
SystemCallArchitectures native
RuntimeDirectory saker
LogsDirectory saker
ConfigurationDirectory saker
ExecReload /bin/kill -HUP $MAINPID
Restart on-failure
W
# Every option carries a comment saying why: the line above it is a comment.
awk '/^\[Service\]/ { s = 1; next } /^\[/ { s = 0 } s && /^[A-Za-z]+=/ && prev !~ /^#/ { print; bad = 1 }
     { prev = $0 } END { exit bad }' "$unit" >"$tmp/uncommented" ||
  fail "options without a comment above them: $(cat "$tmp/uncommented")"

# 5. systemd's own parser, on the installed tree (its units and /bin/kill
# copied in, so that nothing but our unit can warn).
if type -P systemd-analyze kill >/dev/null && [[ -d /usr/lib/systemd/system ]]; then
  mkdir -p "$tmp/a/usr/lib/systemd" "$tmp/a/usr/bin"
  cp -a /usr/lib/systemd/system "$tmp/a/usr/lib/systemd/"
  cp "$(type -P kill)" "$tmp/a/usr/bin/kill"
  ln -s usr/bin "$tmp/a/bin"
  systemd-analyze verify --root="$tmp/a" sakerd.service >"$tmp/verify" 2>&1 ||
    fail "systemd-analyze verify: $(cat "$tmp/verify")"
  [[ ! -s $tmp/verify ]] || fail "systemd-analyze verify warns: $(cat "$tmp/verify")"
  echo "ok: systemd-analyze verify"
else
  echo "systemd-analyze is not installed: verify skipped"
fi
echo PASS
