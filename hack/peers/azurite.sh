#!/usr/bin/env bash
# Installs Azurite (the Azure Storage emulator, npm package "azurite") into
# <repo>/.cache/npm (SLUICE_NPM_PREFIX overrides it), unless the wanted
# version is already there, and prints the directory holding its binaries.
# Export it for the tests:
#
#   export SLUICE_AZURITE_BIN="$(hack/peers/azurite.sh)"
#
# AZURITE_VERSION overrides the version range (default 3.37).
set -euo pipefail

# shellcheck source=hack/peers/npm.sh
source "$(dirname "${BASH_SOURCE[0]}")/npm.sh"
npm_peer azurite.sh azurite "${AZURITE_VERSION:-3.37}" node_modules/.bin/azurite-queue node_modules/.bin/azurite-blob
echo "${npm_prefix}/node_modules/.bin"
