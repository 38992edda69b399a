#!/usr/bin/env bash
# Builds etcd, kube-apiserver and kube-controller-manager from the Go modules
# pinned in hack/kube/go.mod into .cache/kube/<version>/, once per version.
# Prints the directory that holds the binaries.
#
# The first build takes about seven minutes on two cores; afterwards the
# binaries are reused as long as hack/kube/go.mod and go.sum are unchanged.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
version=$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ {print $2}' "$here/go.mod")
key=$(cat "$here/go.mod" "$here/go.sum" "$here/build.sh" | sha256sum | cut -c1-12)
out="$root/.cache/kube/$version-$key"

if [[ -x $out/etcd && -x $out/kube-apiserver && -x $out/kube-controller-manager ]]; then
  echo "$out"
  exit 0
fi

mkdir -p "$out.tmp"
cd "$here"
echo "building the control plane $version into $out (first time only, a few minutes)" >&2
export CGO_ENABLED=0
# Stamp the Kubernetes version so that discovery reports it (module builds
# otherwise say v0.0.0-master).
minor=${version#v1.}; minor=${minor%%.*}
pkg=k8s.io/component-base/version
ldflags="-X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
go build -trimpath -o "$out.tmp/etcd" go.etcd.io/etcd/server/v3 >&2
go build -trimpath -ldflags "$ldflags" -o "$out.tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver >&2
go build -trimpath -ldflags "$ldflags" -o "$out.tmp/kube-controller-manager" k8s.io/kubernetes/cmd/kube-controller-manager >&2
rm -rf "$out"
mv "$out.tmp" "$out"
# Keep only this build: older versions are 350 MB each.
find "$root/.cache/kube" -mindepth 1 -maxdepth 1 ! -name "$(basename "$out")" -exec rm -rf {} +
echo "$out"
