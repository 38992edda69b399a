#!/usr/bin/env bash
# Runs Sluice's tests. Installs and starts what they need first, so that a
# clean clone on a fresh machine goes green with nothing set up by hand.
#
#   hack/test.sh unit   unit tests only: no network peers, -race
#   hack/test.sh e2e    integration and end-to-end tests against real peers
#   hack/test.sh all    both (what `make test` and CI run)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

what=${1:-all}
gotest() { go test -race -count=1 -timeout 30m "$@"; }

unit() {
  echo "== unit tests"
  gotest ./...
  # The Dockerfile and Helm checks are modules of their own (BuildKit's
  # parser, Helm's library).
  (cd hack/dockerfile && gotest ./...)
  (cd hack/helm && gotest ./...)
}

peers() {
  echo "== installing test peers"
  go mod download
  # The control plane (etcd, kube-apiserver, kube-controller-manager) from
  # Go modules, Prometheus and RabbitMQ from Debian, Azurite from npm.
  SLUICE_KUBE_BIN_DIR=$(hack/kube/build.sh)
  SLUICE_PROMETHEUS_BIN=$(hack/peers/prometheus.sh)
  SLUICE_AZURITE_BIN=$(hack/peers/azurite.sh)
  SLUICE_RABBITMQ_SBIN=$(hack/peers/rabbitmq.sh); export SLUICE_RABBITMQ_SBIN
  export SLUICE_KUBE_BIN_DIR SLUICE_PROMETHEUS_BIN SLUICE_AZURITE_BIN
  export SLUICE_EVENTHUBS_NODE_PATH; SLUICE_EVENTHUBS_NODE_PATH=$(hack/peers/eventhubs.sh) # rhea for the Event Hubs peer
  echo "== integration and end-to-end tests"
  gotest -tags integration,e2e ./...
  (cd hack/helm && gotest -tags integration ./...)
}

case $what in
  unit) unit ;;
  e2e) peers ;;
  all) unit; peers ;;
  *) echo "usage: $0 unit|e2e|all" >&2; exit 2 ;;
esac
