#!/usr/bin/env bash
# Runs Sluice's tests. Installs and starts what they need first, so that a
# clean clone on a fresh machine goes green with nothing set up by hand.
#
#   hack/test.sh unit   unit tests only: no network peers, -race
#   hack/test.sh e2e    integration and end-to-end tests against real peers
#   hack/test.sh all    both (what `make test` and CI run), each test once
#
# Test packages run in parallel: every test binds its ports race-free and
# works in its own temporary directories, so packages never collide. Tests
# against peers spend most of their time waiting for them (an HPA sync, a
# cooldown), so with peers twice as many packages run at once as there are
# CPUs (SLUICE_TEST_PARALLEL overrides that), and the e2e package, the
# longest, runs as three shards beside them, each with a control plane of its
# own. SLUICE_TEST_COUNT=N runs every test N times (a stress run).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

what=${1:-all}
gotest() { go test -race -count="${SLUICE_TEST_COUNT:-1}" -timeout 60m "$@"; }
tags=integration,e2e
parallel=${SLUICE_TEST_PARALLEL:-$((2 * $(nproc)))}
e2e=github.com/sluice-dev/sluice/e2e
# The shards of the e2e package, each with a control plane of its own, by
# test-name prefix; a new test lands in the last.
e2e_first='Activator|Install|Fault'
e2e_second='Composite|Fallback|Annotation|HTTP|HA|Cert|EnvSource|Metrics'
e2e_shards=("-run=^Test($e2e_first)" "-run=^Test($e2e_second)" "-skip=^Test($e2e_first|$e2e_second)")
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT

# The Dockerfile and Helm checks are modules of their own (BuildKit's
# parser, Helm's library); go test ./... does not reach them.
nested() {
  (cd hack/dockerfile && gotest "$@" ./...)
  (cd hack/helm && gotest "$@" ./...)
}

# peer VAR INSTALLER: runs INSTALLER, which installs its peer unless it is
# there already (then it takes a moment) and prints what the tests need,
# and exports that as VAR. A VAR set already names a peer installed
# elsewhere; then INSTALLER is not run.
peer() {
  local out=${!1:-}
  if [[ -z $out ]]; then
    out=$("$2")
  fi
  export "$1=$out"
  echo "   $1=$out"
}

# peers installs and exports every peer the integration and end-to-end
# tests start: one line per peer.
peers() {
  echo "== installing test peers"
  go mod download
  # The control plane (etcd, kube-apiserver, kube-controller-manager) from
  # Go modules, Prometheus and RabbitMQ from Debian, Azurite from npm, rhea
  # (npm) for the Event Hubs peer.
  peer SLUICE_KUBE_BIN_DIR hack/kube/build.sh
  peer SLUICE_PROMETHEUS_BIN hack/peers/prometheus.sh
  peer SLUICE_AZURITE_BIN hack/peers/azurite.sh
  peer SLUICE_RABBITMQ_SBIN hack/peers/rabbitmq.sh
  peer SLUICE_EVENTHUBS_NODE_PATH hack/peers/eventhubs.sh
}

# tagged lists the packages with integration or end-to-end tests.
tagged() {
  go list -tags "$tags" -f '{{.ImportPath}} {{.Dir}}' ./... | while read -r pkg dir; do
    if grep -qE '^//go:build .*\b(integration|e2e)\b' "$dir"/*_test.go 2>/dev/null; then
      echo "$pkg"
    fi
  done
}

# withpeers PKG...: runs the packages, the e2e package among them, against
# the peers: the e2e shards in the background (their output follows when
# they end), the others in the foreground.
withpeers() {
  local pkgs=() logs=() pids=() i rc=0
  for i in "$@"; do
    [[ $i == "$e2e" ]] || pkgs+=("$i")
  done
  for i in "${!e2e_shards[@]}"; do
    logs+=("$(mktemp)")
    gotest -tags "$tags" "${e2e_shards[$i]}" "$e2e" >"${logs[$i]}" 2>&1 &
    pids+=($!)
  done
  gotest -p "$parallel" -tags "$tags" "${pkgs[@]}" || rc=1
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || rc=1
    echo "-- e2e ${e2e_shards[$i]}"
    cat "${logs[$i]}"
    rm -f "${logs[$i]}"
  done
  return "$rc"
}

unit() {
  echo "== unit tests"
  gotest ./...
  nested
}

e2e() {
  peers
  echo "== integration and end-to-end tests"
  local pkgs
  mapfile -t pkgs < <(tagged)
  withpeers "${pkgs[@]}"
  (cd hack/helm && gotest -tags integration ./...)
}

# all runs every test once: the tagged build holds the unit tests too.
all() {
  peers
  echo "== unit, integration and end-to-end tests"
  local pkgs
  mapfile -t pkgs < <(go list -tags "$tags" ./...)
  withpeers "${pkgs[@]}"
  nested -tags integration
}

case $what in
  unit | e2e | all) "$what" ;;
  *) echo "usage: $0 unit|e2e|all" >&2; exit 2 ;;
esac
echo "== passed in $((SECONDS / 60))m$((SECONDS % 60))s"
