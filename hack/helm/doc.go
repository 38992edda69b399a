// Package helm holds the tests of the Helm chart deploy/charts/sluice and
// of the Grafana dashboard deploy/grafana/sluice-dashboard.json:
//
//   - the chart renders with default and with non-default values, and the
//     values land where they should;
//   - with default values it renders the objects `sluice install` applies
//     (pkg/install.Bundle), apart from Helm's labels and the generated TLS
//     material;
//   - kube-apiserver accepts every rendered object under strict field
//     validation (build tag integration: a real control plane from
//     pkg/testenv);
//   - every query of the dashboard names metrics the programs export.
//
// It is a module of its own so that Helm's dependencies never enter the
// product's go.mod.
package helm
