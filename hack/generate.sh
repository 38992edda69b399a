#!/usr/bin/env bash
# Regenerates everything derived from pkg/apis (deepcopy functions, CRDs,
# and the typed clientset, listers, informers and apply configurations) and
# from the Helm chart deploy/charts/sluice (the kustomize base deploy/base).
# `make generate` runs it; `make verify` checks that its output is current.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mod=github.com/sluice-dev/sluice
apis=$mod/pkg/apis/keda/v1alpha1
header=hack/boilerplate.go.txt
tool() { go tool -modfile=hack/tools/go.mod "$@"; }

tool controller-gen object:headerFile="$header" paths=./pkg/apis/...
rm -f deploy/crds/*.yaml
tool controller-gen crd:crdVersions=v1 paths=./pkg/apis/... output:crd:artifacts:config=deploy/crds

rm -rf pkg/client
tool applyconfiguration-gen --go-header-file "$header" \
  --output-dir pkg/client/applyconfiguration --output-pkg "$mod/pkg/client/applyconfiguration" "$apis"
tool client-gen --go-header-file "$header" --clientset-name versioned \
  --input-base "$mod/pkg/apis" --input keda/v1alpha1 \
  --apply-configuration-package "$mod/pkg/client/applyconfiguration" \
  --output-dir pkg/client/clientset --output-pkg "$mod/pkg/client/clientset"
tool lister-gen --go-header-file "$header" \
  --output-dir pkg/client/listers --output-pkg "$mod/pkg/client/listers" "$apis"
tool informer-gen --go-header-file "$header" \
  --versioned-clientset-package "$mod/pkg/client/clientset/versioned" \
  --listers-package "$mod/pkg/client/listers" \
  --output-dir pkg/client/informers --output-pkg "$mod/pkg/client/informers" "$apis"
rm -f deploy/charts/sluice/crds/*.yaml && cp deploy/crds/*.yaml deploy/charts/sluice/crds/
# The chart is the one source of the components' manifests: render it into
# the kustomize base that `sluice install` embeds (hack/helm, so that Helm
# stays out of the product's go.mod).
(cd hack/helm && go run ./cmd/render-base --root ../..)
