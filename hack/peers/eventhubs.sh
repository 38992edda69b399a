#!/usr/bin/env bash
# Installs rhea (an AMQP 1.0 library for Node.js, npm package "rhea") into
# <repo>/.cache/npm (SLUICE_NPM_PREFIX overrides it), unless the wanted
# version is already there, and prints the node_modules directory holding
# it. pkg/testpeers/eventhubs runs a small AMQP 1.0 listener on it that
# answers the Event Hubs management reads the azeventhubs SDK makes. Export
# it for the tests:
#
#   export SLUICE_EVENTHUBS_NODE_PATH="$(hack/peers/eventhubs.sh)"
#
# RHEA_VERSION overrides the version range (default 3.0).
set -euo pipefail

# shellcheck source=hack/peers/npm.sh
source "$(dirname "${BASH_SOURCE[0]}")/npm.sh"
npm_peer eventhubs.sh rhea "${RHEA_VERSION:-3.0}" node_modules/rhea/package.json
echo "${npm_prefix}/node_modules"
