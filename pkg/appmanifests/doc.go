// Package appmanifests generates the Kubernetes objects that run an Azure
// Functions project (a Secret or ConfigMap, Deployments, a Service and
// keda.sh/v1alpha1 ScaledObjects), renders them as YAML or JSON, and applies
// or deletes them with server-side apply.
package appmanifests
