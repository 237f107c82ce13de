#!/usr/bin/env bash
# Installs a built sakerd (and the saker CLI when built), the systemd unit and
# the default config. Starts nothing.
#
# Usage: packaging/install.sh [--prefix DIR] [--root DIR] [--sakerd FILE]
#                             [--saker FILE] [--config FILE] [--no-systemd]
#   --prefix DIR   binaries go to DIR/bin (default /usr/local); the unit's
#                  ExecStart names DIR/bin/sakerd
#   --root DIR     install below DIR instead of / (packaging, tests)
#   --sakerd FILE  default bazel-bin/server/sakerd
#   --saker FILE   default bazel-bin/clients/cli/saker (skipped when absent)
#   --config FILE  default testdata/config/saker.yaml (skipped when absent);
#                  an existing /etc/saker/saker.yaml is never overwritten
#   --no-systemd   no unit file
# Then, as root: systemctl daemon-reload && systemctl enable --now sakerd
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

die() {
  echo "install.sh: $*" >&2
  exit 1
}
say() { echo "install.sh: $*"; }

prefix=/usr/local
root=""
sakerd=$repo/bazel-bin/server/sakerd
saker=""
saker_default=$repo/bazel-bin/clients/cli/saker
config=""
config_default=$repo/testdata/config/saker.yaml
systemd=1
while (($#)); do
  case $1 in
    --prefix) prefix=${2:?--prefix needs a directory}; shift ;;
    --root) root=${2:?--root needs a directory}; shift ;;
    --sakerd) sakerd=${2:?--sakerd needs a file}; shift ;;
    --saker) saker=${2:?--saker needs a file}; shift ;;
    --config) config=${2:?--config needs a file}; shift ;;
    --no-systemd) systemd=0 ;;
    -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
  shift
done
[[ $prefix == /* ]] || die "--prefix must be absolute, got $prefix"
[[ -z $root ]] || mkdir -p "$root" || die "cannot create --root $root"
root=${root%/}
[[ -x $sakerd ]] || die "no sakerd at $sakerd: build it (bazel build -c opt //server:sakerd) or pass --sakerd"
if [[ -z $saker && -x $saker_default ]]; then
  saker=$saker_default
fi
[[ -z $saker || -x $saker ]] || die "--saker $saker is not an executable"
if [[ -z $config && -f $config_default ]]; then
  config=$config_default
fi
[[ -z $config || -f $config ]] || die "--config $config does not exist"

install -D -m 0755 "$sakerd" "$root$prefix/bin/sakerd"
say "installed $root$prefix/bin/sakerd"
if [[ -n $saker ]]; then
  install -D -m 0755 "$saker" "$root$prefix/bin/saker"
  say "installed $root$prefix/bin/saker"
else
  say "no saker CLI built (bazel build -c opt //clients/cli:saker): skipped"
fi

install -d -m 0755 "$root/etc/saker"
if [[ -z $config ]]; then
  say "no default config to install: sakerd runs with its built-in defaults"
elif [[ -e $root/etc/saker/saker.yaml ]]; then
  say "kept the existing $root/etc/saker/saker.yaml (the default is $config)"
else
  install -m 0644 "$config" "$root/etc/saker/saker.yaml"
  say "installed $root/etc/saker/saker.yaml"
fi

if ((systemd)); then
  unit=$root/etc/systemd/system/sakerd.service
  install -d -m 0755 "$(dirname "$unit")"
  # The unit names /usr/local/bin/sakerd; another prefix is written in.
  sed "s|^ExecStart=/usr/local/bin/sakerd |ExecStart=$prefix/bin/sakerd |" \
    "$repo/packaging/systemd/sakerd.service" >"$unit.tmp"
  chmod 0644 "$unit.tmp"
  mv "$unit.tmp" "$unit"
  say "installed $unit"
  if [[ -z $root ]]; then
    say "now: systemctl daemon-reload && systemctl enable --now sakerd"
  fi
fi
