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

sudo=()
if [[ "$(id -u)" != 0 ]]; then
	sudo=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when they do not know the package yet.
if ! apt-cache show rabbitmq-server >/dev/null 2>&1; then
	"${sudo[@]}" apt-get update >&2
fi
"${sudo[@]}" apt-get install -y --no-install-recommends rabbitmq-server >&2

# The package's post-install script may have started the system broker
# (and an epmd on the default port). Stop it; never touch other brokers.
if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
	"${sudo[@]}" systemctl disable --now rabbitmq-server >/dev/null 2>&1 || true
else
	"${sudo[@]}" service rabbitmq-server stop >/dev/null 2>&1 || true
fi
# The system broker runs as user rabbitmq; its epmd too.
if pids="$(pgrep -u rabbitmq -d ' ' 2>/dev/null)" && [[ -n "${pids}" ]]; then
	# shellcheck disable=SC2086 # a list of PIDs
	"${sudo[@]}" kill ${pids} >/dev/null 2>&1 || true
fi

find_sbin || { echo "rabbitmq.sh: installed, but no ${sbin}/rabbitmq-server" >&2; exit 1; }
