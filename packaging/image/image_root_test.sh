#!/usr/bin/env bash
# The sakerd image end to end: build_image.sh makes it from the sakerd data
# dependency (no nested bazel, no registry), podman runs it privileged in the
# host's pid namespace, and an alert for something done on the HOST reaches a
# client on the host over the unix socket the container serves in a bind
# mount. Root: rootful podman, the probe loads into the running kernel.
# Usage: image_root_test.sh SAKERD TAIL_ALERTS BUILD_IMAGE CONFIG
set -euo pipefail
sakerd=$(realpath "$1")
tail_alerts=$(realpath "$2")
build_image=$(realpath "$3")
config=$(realpath "$4")

conf=/etc/containers/containers.conf.d/50-saker.conf
command -v podman >/dev/null || { echo "FAIL: podman is missing: run sudo ci/container_setup" >&2; exit 1; }
[[ -f $conf ]] || { echo "FAIL: $conf is missing: run sudo ci/container_setup" >&2; exit 1; }

image=localhost/sakerd-test:$$
name=sakerd-image-test-$$
work=$(mktemp -d /tmp/saker-image-test-XXXXXX)
rule="Credential file read by unexpected program"
tail_pid=""
cleanup() {
  [[ -n $tail_pid ]] && kill "$tail_pid" 2>/dev/null || true
  podman rm -f -t 5 "$name" >/dev/null 2>&1 || true
  podman rmi -f "$image" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  echo "--- container log" >&2
  podman logs "$name" 2>&1 | tail -n 30 >&2 || true
  [[ -f $work/tail.out ]] && { echo "--- client" >&2; cat "$work/tail.out" >&2; }
  exit 1
}

"$build_image" --label org.opencontainers.image.source=test --config "$config" "$sakerd" "$image"
[[ $(podman image inspect --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' "$image") == \
  '["/usr/bin/sakerd"] ["run","-c","/etc/saker/saker.yaml"]' ]] || fail "entrypoint/cmd: $(podman image inspect --format '{{.Config.Entrypoint}} {{.Config.Cmd}}' "$image")"
[[ $(podman image inspect --format '{{index .Labels "org.opencontainers.image.version"}}' "$image") == "$$" ]] ||
  fail "version label is not the tag"
# The rootfs holds what the binary needs and nothing of a distribution.
podman run --rm --network=none "$image" help >/dev/null ||
  fail "sakerd does not start in the image (missing library?)"

mkdir -p "$work/run"
# --privileged: the probe needs CAP_BPF/CAP_PERFMON/CAP_SYS_ADMIN and sysfs
# (BTF at /sys/kernel/btf/vmlinux); --pid=host: it watches the host's
# processes and reads their /proc entries; the socket directory is shared.
podman run -d --name "$name" --privileged --pid=host --network=none \
  -v "$work/run:/run/saker" "$image" >/dev/null || fail "podman run failed"
for _ in $(seq 1200); do
  [[ -S $work/run/saker.sock ]] && podman logs "$name" 2>&1 | grep -q 'sakerd: capturing' && break
  [[ $(podman inspect --format '{{.State.Running}}' "$name" 2>/dev/null) == true ]] ||
    fail "the container stopped"
  sleep 0.1
done
[[ -S $work/run/saker.sock ]] || fail "no socket at $work/run/saker.sock after 120 s"

"$tail_alerts" --address="unix://$work/run/saker.sock" --min_priority=WARNING --count=1 \
  --duration=120s >"$work/tail.out" 2>&1 &
tail_pid=$!
# Reading /etc/shadow on the host fires the built-in rule; repeat until the
# client has it (it may subscribe after the first read).
while kill -0 "$tail_pid" 2>/dev/null; do
  cat /etc/shadow >/dev/null
  sleep 0.5
done
wait "$tail_pid" || true
tail_pid=""
grep -q "WARNING \[$rule\] .*file=/etc/shadow process=cat" "$work/tail.out" ||
  fail "the client on the host received no \"$rule\" alert"

podman stop -t 20 "$name" >/dev/null || fail "podman stop failed"
[[ $(podman inspect --format '{{.State.ExitCode}}' "$name") == 0 ]] ||
  fail "sakerd exited with $(podman inspect --format '{{.State.ExitCode}}' "$name") on SIGTERM"
echo PASS
