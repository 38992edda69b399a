#!/usr/bin/env bash
# Fails when generated code, CRDs or the kustomize base deploy/base are
# stale, go.mod is untidy, or gofmt, go vet or golangci-lint complain (in
# the root module and the nested Go modules that hold tests).
# `make verify` runs it; so does CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

fail=0
step() { echo "== $*"; }

step "generated code, CRDs and the kustomize base are current"
hack/generate.sh
generated=(pkg/apis pkg/client deploy/crds deploy/charts/sluice/crds deploy/base)
if ! git diff --exit-code --stat -- "${generated[@]}" || [[ -n $(git status --porcelain -- "${generated[@]}") ]]; then
  echo "generated files are stale: run 'make generate' and commit the result" >&2
  fail=1
fi

step "go.mod files are tidy"
for mod in . hack/tools hack/kube hack/dockerfile hack/helm; do
  (cd "$mod" && go mod tidy -diff) || { echo "$mod/go.mod is not tidy: run 'go mod tidy' there" >&2; fail=1; }
done

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [[ -n $unformatted ]]; then
  echo "gofmt would change:" >&2; echo "$unformatted" >&2; fail=1
fi

step "go vet"
go vet ./... || fail=1
go vet -tags integration,e2e ./... || fail=1
for mod in hack/dockerfile hack/helm; do
  (cd "$mod" && go vet -tags integration ./...) || fail=1
done

step "golangci-lint"
go tool -modfile=hack/tools/go.mod golangci-lint run --build-tags integration,e2e ./... || fail=1
for mod in hack/dockerfile hack/helm; do
  (cd "$mod" && go tool -modfile=../tools/go.mod golangci-lint run --build-tags integration ./...) || fail=1
done

exit $fail
