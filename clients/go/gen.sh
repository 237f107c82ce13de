#!/usr/bin/env bash
# Generates the Go stubs of both APIs (Saker v1 and Falco's) from proto/ into
# clients/go/gen/. Run from the repository root (ci/gen_clients does). The
# generated code is committed; `ci/gen_clients --check` fails when it is stale.
# Plugins are pinned and installed into .cache/gobin through the Go module proxy.
set -euo pipefail
PROTOC_GEN_GO_VERSION=v1.36.12
PROTOC_GEN_GO_GRPC_VERSION=v1.5.1
MODULE=github.com/saker-security/saker/clients/go

root=$(pwd)
[[ -d proto/saker/v1 && -d clients/go ]] || { echo "clients/go/gen.sh: run from the repository root" >&2; exit 1; }
go=$(command -v go || echo /usr/local/go/bin/go)
protoc=${PROTOC:-/usr/bin/protoc}
gobin=$root/.cache/gobin
mkdir -p "$gobin"
have() { [[ -x $gobin/$1 ]] && [[ $("$gobin/$1" --version 2>/dev/null) == *"${2#v}" ]]; }
have protoc-gen-go "$PROTOC_GEN_GO_VERSION" ||
  GOBIN=$gobin "$go" install "google.golang.org/protobuf/cmd/protoc-gen-go@$PROTOC_GEN_GO_VERSION"
have protoc-gen-go-grpc "$PROTOC_GEN_GO_GRPC_VERSION" ||
  GOBIN=$gobin "$go" install "google.golang.org/grpc/cmd/protoc-gen-go-grpc@$PROTOC_GEN_GO_GRPC_VERSION"

out=clients/go
rm -rf "$out/gen"
mkdir -p "$out/gen"

gen() { # gen PROTO_ROOT MAPPINGS... -- FILES...
  local inc=$1; shift
  local m=()
  while [[ $1 != -- ]]; do m+=("$1"); shift; done
  shift
  local go_opts=(--go_opt=module=$MODULE --go-grpc_opt=module=$MODULE)
  for x in "${m[@]}"; do go_opts+=(--go_opt=M$x --go-grpc_opt=M$x); done
  "$protoc" -I "$inc" \
    --plugin=protoc-gen-go="$gobin/protoc-gen-go" \
    --plugin=protoc-gen-go-grpc="$gobin/protoc-gen-go-grpc" \
    --go_out="$out" --go-grpc_out="$out" "${go_opts[@]}" "$@"
}

# Saker v1 (registered as saker/v1/*.proto).
gen proto \
  "saker/v1/alerts.proto=$MODULE/gen/saker/alerts/v1;alertsv1" \
  "saker/v1/events.proto=$MODULE/gen/saker/events/v1;eventsv1" \
  "saker/v1/rules.proto=$MODULE/gen/saker/rules/v1;rulesv1" \
  "saker/v1/status.proto=$MODULE/gen/saker/status/v1;statusv1" \
  -- proto/saker/v1/alerts.proto proto/saker/v1/events.proto \
  proto/saker/v1/rules.proto proto/saker/v1/status.proto

# Falco's wire API (registered under the bare names, as Falco does).
gen proto/falco \
  "outputs.proto=$MODULE/gen/falco/outputs;outputs" \
  "output.proto=$MODULE/gen/falco/output;output" \
  "schema.proto=$MODULE/gen/falco/schema;schema" \
  "version.proto=$MODULE/gen/falco/version;version" \
  -- proto/falco/outputs.proto proto/falco/output.proto \
  proto/falco/schema.proto proto/falco/version.proto

# The health protocol is not generated: use google.golang.org/grpc/health/grpc_health_v1
# (the same registered file; generating it again would conflict).
