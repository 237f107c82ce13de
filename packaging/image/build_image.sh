#!/usr/bin/env bash
# Assembles an OCI image of sakerd from a built binary, with no registry: the
# base is a rootfs made here from the binary, exactly the shared libraries it
# loads (ldd) and the dynamic loader, a passwd/group with root, nobody and
# saker, the CA bundle and a default config; `podman import` makes it an image.
#
# Usage: packaging/image/build_image.sh [options] BINARY IMAGE:TAG
#   --latest          also tag IMAGE:latest
#   --config FILE     install FILE as /etc/saker/saker.yaml
#   --label KEY=VALUE add a label (repeatable); the version label is TAG
#   --archive FILE    also write the image as an OCI archive (podman save)
# Root: podman as root (the image is for rootful podman with --privileged).
# ci/image runs it on a `bazel build -c opt` binary; packaging/README.md says
# how to run the image.
set -euo pipefail

die() {
  echo "build_image.sh: $*" >&2
  exit 1
}

latest=0
config=""
archive=""
labels=()
while (($#)); do
  case $1 in
    --latest) latest=1 ;;
    --config) config=${2:?--config needs a file}; shift ;;
    --label) labels+=("${2:?--label needs KEY=VALUE}"); shift ;;
    --archive) archive=${2:?--archive needs a file}; shift ;;
    -*) die "unknown option $1" ;;
    *) break ;;
  esac
  shift
done
(($# == 2)) || die "usage: build_image.sh [--latest] [--config FILE] [--label K=V]... [--archive FILE] BINARY IMAGE:TAG"
binary=$(realpath "$1")
image=$2
[[ -x $binary ]] || die "$binary is not an executable"
[[ $image == *:* && ${image##*:} != */* ]] || die "IMAGE:TAG expected, e.g. localhost/sakerd:0.1.0, got $image"
version=${image##*:}
name=${image%:*}
[[ -z $config || -f $config ]] || die "config $config does not exist"
command -v podman >/dev/null || die "podman is not installed: run ci/container_setup"
[[ $(id -u) -eq 0 ]] || die "needs root (rootful podman)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root"/{etc/saker,etc/ssl/certs,usr/bin,proc,sys,dev,tmp,run/saker,var/log/saker,root}
chmod 1777 "$root/tmp"
chmod 0700 "$root/root"

install -m 0755 "$binary" "$root/usr/bin/sakerd"

# Exactly what the binary loads: the loader (PT_INTERP) and each library
# ldd resolves, each at the path the loader looks for it.
if ldd "$binary" | grep -q 'not found'; then
  die "$binary has unresolved libraries: $(ldd "$binary" | grep 'not found' | tr '\n' ' ')"
fi
for lib in $(ldd "$binary" | grep -oE '/[^ ]+'); do
  install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
done
interp=$(readelf -l "$binary" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
[[ -n $interp && -e $root$interp ]] || die "the dynamic loader ($interp) is not in the rootfs"

# Users: root runs the daemon (it loads the probe); nobody and saker are
# there for `--user` after the drop (see packaging/README.md).
cat >"$root/etc/passwd" <<'P'
root:x:0:0:root:/root:/usr/sbin/nologin
saker:x:990:990:Saker daemon:/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
P
cat >"$root/etc/group" <<'G'
root:x:0:
saker:x:990:
nogroup:x:65534:
G
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
# CA bundle, for outputs that speak TLS (HTTP, gRPC to a collector).
if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
  install -m 0644 /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
else
  echo "build_image.sh: warning: no /etc/ssl/certs/ca-certificates.crt (apt install ca-certificates)" >&2
fi
if [[ -n $config ]]; then
  install -m 0644 "$config" "$root/etc/saker/saker.yaml"
fi

# Reproducible layer: sorted names, fixed times, numeric root ownership.
tar -C "$root" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$work/rootfs.tar" .

changes=(
  --change 'ENTRYPOINT ["/usr/bin/sakerd"]'
  --change 'WORKDIR /'
  --change 'VOLUME ["/run/saker"]'
  --change "LABEL org.opencontainers.image.title=sakerd"
  --change "LABEL org.opencontainers.image.version=$version"
  --change "LABEL org.opencontainers.image.description=Saker runtime-security daemon"
)
# With a config, the image runs with it (`podman run IMAGE run ...` replaces it).
if [[ -n $config ]]; then
  changes+=(--change 'CMD ["run", "-c", "/etc/saker/saker.yaml"]')
else
  changes+=(--change 'CMD ["run"]')
fi
for l in "${labels[@]}"; do
  changes+=(--change "LABEL $l")
done
podman rmi -f "$image" >/dev/null 2>&1 || true
id=$(podman import -q "${changes[@]}" "$work/rootfs.tar" "$image")
if ((latest)); then
  podman tag "$id" "$name:latest"
fi
if [[ -n $archive ]]; then
  rm -f "$archive"
  podman save -q --format oci-archive -o "$archive" "$image"
fi
tags=$image
((latest)) && tags+=" $name:latest"
echo "build_image.sh: built $tags ($(du -sh "$work/rootfs.tar" | cut -f1) rootfs)"
