# shellcheck shell=bash
# Sourced by the peer scripts that install an npm package (azurite.sh,
# eventhubs.sh): one way to find, check and install a pinned package into
# the repository's npm cache, <repo>/.cache/npm, or SLUICE_NPM_PREFIX when
# set (for example an empty directory, to try a cold install).
#
#   npm_peer SCRIPT PACKAGE VERSION FILE...
#
# installs PACKAGE@VERSION unless the installed version is VERSION or a
# patch of it (VERSION.*) and every FILE (relative to the cache) exists,
# then checks that every FILE exists. npm's output goes to stderr, so that
# the calling script's stdout holds only the path it prints. npm_prefix is
# the cache directory.

npm_prefix="${SLUICE_NPM_PREFIX:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.cache/npm}"

# npm_installed_version PACKAGE prints the installed version of PACKAGE;
# it fails when PACKAGE is not installed.
npm_installed_version() {
  local pkg="${npm_prefix}/node_modules/$1/package.json"
  [[ -f "${pkg}" ]] || return 1
  node -e 'process.stdout.write(require(process.argv[1]).version)' "${pkg}"
}

# npm_has FILE... succeeds when every FILE exists in the cache.
npm_has() {
  local f
  for f in "$@"; do
    [[ -e "${npm_prefix}/${f}" ]] || return 1
  done
}

npm_peer() {
  local script="$1" name="$2" version="$3" have
  shift 3
  if have="$(npm_installed_version "${name}")" && [[ "${have}" == "${version}" || "${have}" == "${version}".* ]] \
    && npm_has "$@"; then
    return 0
  fi
  command -v npm >/dev/null || { echo "${script}: npm not found on PATH (Node.js 18+ is required)" >&2; return 1; }
  mkdir -p "${npm_prefix}"
  npm install --prefix "${npm_prefix}" --no-audit --no-fund --loglevel=error "${name}@${version}" >&2
  npm_has "$@" || { echo "${script}: ${name}@${version} installed, but not all of $* are in ${npm_prefix}" >&2; return 1; }
}
