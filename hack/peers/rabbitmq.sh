#!/usr/bin/env bash
# Installs Debian's rabbitmq-server package for the rabbitmq trigger's
# integration and end-to-end tests, idempotently, and prints the directory
# holding the unwrapped rabbitmq-server script. Export it for the tests:
#
#   SLUICE_RABBITMQ_SBIN="$(hack/peers/rabbitmq.sh)"; export SLUICE_RABBITMQ_SBIN
#
# The tests start their own brokers on free loopback ports with their own
# epmd (pkg/testpeers/rabbitmq). Debian's package may start a system broker
# on install; it is stopped again, with its epmd, so that it holds no port
# and no CPU.
set -euo pipefail

# shellcheck source=hack/peers/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

sbin=/usr/lib/rabbitmq/bin

find_sbin() {
	if [[ -n "${SLUICE_RABBITMQ_SBIN:-}" && -x "${SLUICE_RABBITMQ_SBIN}/rabbitmq-server" ]]; then
		echo "${SLUICE_RABBITMQ_SBIN}"
	elif [[ -x "${sbin}/rabbitmq-server" ]]; then
		echo "${sbin}"
	else
		return 1
	fi
}

if dir="$(find_sbin)"; then
	echo "${dir}"
	exit 0
fi

apt_install rabbitmq-server

# The package's post-install script may have started the system broker
# (and an epmd on the default port). Stop it; never touch other brokers.
apt_stop_service rabbitmq-server
# The system broker runs as user rabbitmq; its epmd too.
if pids="$(pgrep -u rabbitmq -d ' ' 2>/dev/null)" && [[ -n "${pids}" ]]; then
	# shellcheck disable=SC2086 # a list of PIDs
	as_root kill ${pids} >/dev/null 2>&1 || true
fi

find_sbin || { echo "rabbitmq.sh: installed, but no ${sbin}/rabbitmq-server" >&2; exit 1; }
