// Package v1alpha1 holds the keda.sh/v1alpha1 API that Sluice serves:
// ScaledObject, TriggerAuthentication and ClusterTriggerAuthentication.
//
// The types are wire-compatible with the objects KEDA users and
// `func kubernetes deploy` write, so an existing manifest decodes and scales
// unchanged. Where Sluice adds status fields, they are optional and ignored by
// KEDA-era tooling.
//
// +kubebuilder:object:generate=true
// +groupName=keda.sh
package v1alpha1
