#!/usr/bin/env bash
# memory-limits.sh runs `hack/bench -scenario reconcile` with sluice-adapter
# and sluice-activator each in a memory cgroup of its own, as two containers
# with memory limits, and reports whether they converged and how often they
# had to read their code back from disk (major page faults).
#
#   hack/bench/memory-limits.sh ADAPTER_MIB ACTIVATOR_MIB [SOFT] [OBJECTS]
#
# SOFT is the Go runtime's soft limit: "auto" (default) leaves it to the
# programs (80 % of their cgroup's limit), a number sets GOMEMLIMIT to that
# percentage of the limit. OBJECTS defaults to 10000. Needs root and a
# writable memory cgroup hierarchy (v1 or v2); builds bin/ first. Each binary
# is a fresh copy dropped from the page cache, so that the pages of its code
# are charged to its own cgroup, as in a container. A run that has not
# converged after 330 s is stopped.
set -euo pipefail

adapter_mib=${1:?usage: $0 ADAPTER_MIB ACTIVATOR_MIB [SOFT] [OBJECTS]}
activator_mib=${2:?usage: $0 ADAPTER_MIB ACTIVATOR_MIB [SOFT] [OBJECTS]}
soft=${3:-auto}
objects=${4:-10000}
root=$(cd "$(dirname "$0")/../.." && pwd)
kube_bin_dir=${SLUICE_KUBE_BIN_DIR:?set SLUICE_KUBE_BIN_DIR to the control plane binaries}

if [[ -f /sys/fs/cgroup/cgroup.controllers ]] && grep -qw memory /sys/fs/cgroup/cgroup.controllers; then
	cgroot=/sys/fs/cgroup limit_file=memory.max events='memory.events'
else
	cgroot=/sys/fs/cgroup/memory limit_file=memory.limit_in_bytes events='memory.oom_control'
fi

work=$(mktemp -d)
cgroups=()
cleanup() {
	pkill -9 -f "$work/real-" 2>/dev/null || true
	sleep 1
	for cg in "${cgroups[@]}"; do rmdir "$cg" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

make -C "$root" build >/dev/null
for spec in "sluice-adapter:$adapter_mib" "sluice-activator:$activator_mib"; do
	prog=${spec%%:*} mib=${spec##*:}
	cp "$root/bin/$prog" "$work/real-$prog"
	python3 -c 'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' "$work/real-$prog"
	cg=$cgroot/sluice-bench-$$-$prog
	mkdir "$cg"
	cgroups+=("$cg")
	echo $((mib << 20)) >"$cg/$limit_file"
	{
		echo '#!/usr/bin/env bash'
		echo "echo \$\$ >$cg/cgroup.procs"
		[[ $soft == auto ]] || echo "export GOMEMLIMIT=$(((mib << 20) * soft / 100))"
		echo "exec $work/real-$prog \"\$@\""
	} >"$work/$prog"
	chmod +x "$work/$prog"
done

rc=0
(cd "$root" && timeout 330 go run ./hack/bench -scenario reconcile -objects "$objects" \
	-bin-dir "$work" -kube-bin-dir "$kube_bin_dir") >"$work/out.txt" 2>&1 || rc=$?
echo "limits: adapter ${adapter_mib} MiB, activator ${activator_mib} MiB; soft limit: $soft; objects: $objects"
if [[ $rc == 0 ]]; then
	grep -E 'until all HPAs exist and all Ready|RSS|CPU per object, sluice' "$work/out.txt"
else
	echo "did not converge (exit $rc)"
fi
for cg in "${cgroups[@]}"; do
	faults=$(awk '$1 == "pgmajfault" {print $2}' "$cg/memory.stat")
	echo "${cg##*/}: major page faults $faults; $(tr '\n' ' ' <"$cg/$events")"
done
