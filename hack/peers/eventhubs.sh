#!/usr/bin/env bash
# Installs rhea (an AMQP 1.0 library for Node.js, npm package "rhea") into
# <repo>/.cache/npm, unless the wanted version is already there, and prints
# the node_modules directory holding it. pkg/testpeers/eventhubs runs a
# small AMQP 1.0 listener on it that answers the Event Hubs management reads
# the azeventhubs SDK makes. Export it for the tests:
#
#   export SLUICE_EVENTHUBS_NODE_PATH="$(hack/peers/eventhubs.sh)"
#
# RHEA_VERSION overrides the version range (default 3.0).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
version="${RHEA_VERSION:-3.0}"
prefix="${repo}/.cache/npm"
modules="${prefix}/node_modules"
pkg="${modules}/rhea/package.json"

installed_version() {
  [[ -f "${pkg}" ]] || return 1
  node -e 'process.stdout.write(require(process.argv[1]).version)' "${pkg}"
}

if have="$(installed_version)" && [[ "${have}" == "${version}" || "${have}" == "${version}".* ]]; then
  echo "${modules}"
  exit 0
fi

command -v npm >/dev/null || { echo "eventhubs.sh: npm not found on PATH (Node.js 18+ is required)" >&2; exit 1; }
mkdir -p "${prefix}"
# Progress and audit output go to stderr so that stdout holds only the path.
npm install --prefix "${prefix}" --no-audit --no-fund --loglevel=error "rhea@${version}" >&2
[[ -f "${pkg}" ]] || { echo "eventhubs.sh: ${pkg} missing after install" >&2; exit 1; }
echo "${modules}"
