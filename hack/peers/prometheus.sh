#!/usr/bin/env bash
# Installs Debian's prometheus package for the prometheus trigger's
# integration tests, idempotently, and prints the binary's path.
#
# Skips the install when a prometheus binary is already available
# (SLUICE_PROMETHEUS_BIN, PATH, or /usr/bin/prometheus). Debian's package may
# start a system service on install; it is stopped again so that it holds no
# port and no CPU (the tests start their own server on a free loopback port).
set -euo pipefail

find_bin() {
	if [[ -n "${SLUICE_PROMETHEUS_BIN:-}" && -x "${SLUICE_PROMETHEUS_BIN}" ]]; then
		echo "${SLUICE_PROMETHEUS_BIN}"
	elif command -v prometheus >/dev/null 2>&1; then
		command -v prometheus
	elif [[ -x /usr/bin/prometheus ]]; then
		echo /usr/bin/prometheus
	else
		return 1
	fi
}

if bin="$(find_bin)"; then
	echo "${bin}"
	exit 0
fi

sudo=()
if [[ "$(id -u)" != 0 ]]; then
	sudo=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when they do not know the package yet.
if ! apt-cache show prometheus >/dev/null 2>&1; then
	"${sudo[@]}" apt-get update >&2
fi
"${sudo[@]}" apt-get install -y --no-install-recommends prometheus >&2

# The package's post-install script may have started the system service.
"${sudo[@]}" service prometheus stop >/dev/null 2>&1 || true

find_bin || { echo "prometheus: installed, but no binary found" >&2; exit 1; }
