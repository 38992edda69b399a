// Package deploy embeds the manifests under deploy/ so that programs and
// tests use the one source of truth: the generated CRDs in crds/ and the
// components' manifests in base/.
package deploy

import "embed"

// CRDs holds the CustomResourceDefinitions, one per file under crds/.
//
//go:embed crds/*.yaml
var CRDs embed.FS

// Base holds the manifests of the components, under base/: namespace,
// RBAC, Deployments, Services and the APIService, with the namespace
// sluice-system and the image tag latest for `sluice install` to replace.
// base/kustomization.yaml lists them for kustomize. `make generate`
// renders them from the Helm chart under charts/sluice, their one source.
//
//go:embed base/*.yaml
var Base embed.FS
