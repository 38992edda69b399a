// Package helm holds the tests of the Helm chart deploy/charts/sluice, the
// one source of the components' manifests, and of the Grafana dashboard
// deploy/grafana/sluice-dashboard.json:
//
//   - the chart lints, renders with default and with non-default values,
//     and the values land where they should;
//   - `sluice install` (pkg/install.Bundle) substitutes a namespace in the
//     kustomize base exactly as the chart renders it, and Helm's labels
//     are on a release's objects and on none of the base's;
//   - kube-apiserver accepts every rendered object under strict field
//     validation (build tag integration: a real control plane from
//     pkg/testenv);
//   - every query of the dashboard names metrics the programs export.
//
// Package base (hack/helm/base, run by cmd/render-base from
// `make generate`) renders the chart into the kustomize base deploy/base.
// This is a module of its own so that Helm's dependencies never enter the
// product's go.mod.
package helm
