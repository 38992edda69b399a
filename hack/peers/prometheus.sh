#!/usr/bin/env bash
# Installs Debian's prometheus package for the prometheus trigger's
# integration tests, idempotently, and prints the binary's path.
#
# Skips the install when a prometheus binary is already available
# (SLUICE_PROMETHEUS_BIN, PATH, or /usr/bin/prometheus). Debian's package may
# start a system service on install; it is stopped again so that it holds no
# port and no CPU (the tests start their own server on a free loopback port).
set -euo pipefail

# shellcheck source=hack/peers/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

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

apt_install prometheus

# The package's post-install script may have started the system service.
apt_stop_service prometheus

find_bin || { echo "prometheus: installed, but no binary found" >&2; exit 1; }
