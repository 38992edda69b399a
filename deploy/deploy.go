// Package deploy embeds the manifests under deploy/ so that programs and
// tests use the one source of truth: the generated CRDs in crds/.
package deploy

import "embed"

// CRDs holds the CustomResourceDefinitions, one per file under crds/.
//
//go:embed crds/*.yaml
var CRDs embed.FS
