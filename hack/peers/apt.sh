# shellcheck shell=bash
# Sourced by the peer scripts that install a Debian package
# (prometheus.sh, rabbitmq.sh): one way to install it as root and to stop
# the system service its post-install script may have started.

# as_root runs its arguments as root: directly when root, else with sudo.
as_root() {
	if [[ "$(id -u)" == 0 ]]; then
		"$@"
	else
		sudo "$@"
	fi
}

# apt_install PACKAGE installs PACKAGE without recommends, refreshing the
# package lists only when they do not know it yet. apt's output goes to
# stderr, so that the calling script's stdout holds only the path it
# prints.
apt_install() {
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-cache show "$1" >/dev/null 2>&1; then
		as_root apt-get update >&2
	fi
	as_root apt-get install -y --no-install-recommends "$1" >&2
}

# apt_stop_service SERVICE stops (and under systemd disables) the system
# service a package's post-install script may have started, so that it
# holds no port and no CPU; the tests start their own servers. It never
# fails.
apt_stop_service() {
	if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
		as_root systemctl disable --now "$1" >/dev/null 2>&1 || true
	else
		as_root service "$1" stop >/dev/null 2>&1 || true
	fi
}
