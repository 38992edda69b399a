#!/usr/bin/env bash
# Installs Azurite (the Azure Storage emulator, npm package "azurite") into
# <repo>/.cache/npm, unless the wanted version is already there, and prints
# the directory holding its binaries. Export it for the tests:
#
#   export SLUICE_AZURITE_BIN="$(hack/peers/azurite.sh)"
#
# AZURITE_VERSION overrides the version range (default 3.37).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
version="${AZURITE_VERSION:-3.37}"
prefix="${repo}/.cache/npm"
bin="${prefix}/node_modules/.bin"
pkg="${prefix}/node_modules/azurite/package.json"

installed_version() {
  [[ -f "${pkg}" ]] || return 1
  node -e 'process.stdout.write(require(process.argv[1]).version)' "${pkg}"
}

if have="$(installed_version)" && [[ "${have}" == "${version}" || "${have}" == "${version}".* ]] \
  && [[ -x "${bin}/azurite-queue" && -x "${bin}/azurite-blob" ]]; then
  echo "${bin}"
  exit 0
fi

command -v npm >/dev/null || { echo "azurite.sh: npm not found on PATH (Node.js 18+ is required)" >&2; exit 1; }
mkdir -p "${prefix}"
# Progress and audit output go to stderr so that stdout holds only the path.
npm install --prefix "${prefix}" --no-audit --no-fund --loglevel=error "azurite@${version}" >&2
[[ -x "${bin}/azurite-queue" ]] || { echo "azurite.sh: ${bin}/azurite-queue missing after install" >&2; exit 1; }
echo "${bin}"
