# Sluice's build. `make help` lists the targets.

SHELL := /usr/bin/env bash -o pipefail
GO ?= go
TOOLS := $(GO) tool -modfile=hack/tools/go.mod
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS := -X github.com/sluice-dev/sluice/pkg/version.Version=$(VERSION) -X github.com/sluice-dev/sluice/pkg/version.Commit=$(COMMIT)
BINARIES := $(notdir $(wildcard cmd/*))

.PHONY: help
help: ## List the targets.
	@awk 'BEGIN {FS = ":.*## "} /^[a-z0-9-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build every program under cmd/ into bin/.
	@mkdir -p bin
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/ ./cmd/...

.PHONY: test
test: ## Run every test: unit, integration and e2e (installs and starts what they need).
	hack/test.sh all

.PHONY: test-unit
test-unit: ## Run the unit tests (no network peers) with -race.
	hack/test.sh unit

.PHONY: test-e2e
test-e2e: ## Run the end-to-end tests against a local control plane.
	hack/test.sh e2e

.PHONY: kube
kube: ## Build (once) the local control-plane binaries into .cache/kube/.
	hack/kube/build.sh

.PHONY: generate
generate: ## Regenerate deepcopy code, CRDs, clientset, listers, informers, apply configurations and deploy/base (from the Helm chart).
	hack/generate.sh

.PHONY: lint
lint: ## Run golangci-lint.
	$(TOOLS) golangci-lint run ./...

.PHONY: verify
verify: ## Fail when generated code is stale, go.mod is untidy, or gofmt, vet or lint complain.
	hack/verify.sh

.PHONY: demo
demo: build ## Run the demo: a local cluster, Azurite and Sluice scale a queue worker 0 → 1 → n → 1 → 0 (KEEP=1 leaves it running).
	@azurite="$$(hack/peers/azurite.sh)" && kube="$$(hack/kube/build.sh)" && \
	SLUICE_AZURITE_BIN="$$azurite" SLUICE_KUBE_BIN_DIR="$$kube" $(GO) run ./hack/demo $(if $(KEEP),--keep)

.PHONY: demo-stop
demo-stop: ## Stop what `make demo KEEP=1` left running.
	$(GO) run ./hack/demo --stop
