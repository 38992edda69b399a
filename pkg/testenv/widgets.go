package testenv

import (
	"context"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// widgetCRD is the CRD InstallWidgetCRD installs.
const widgetCRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
        labelSelectorPath: .status.selector
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              replicas: {type: integer}
          status:
            type: object
            properties:
              replicas: {type: integer}
              selector: {type: string}
`

// InstallWidgetCRD installs, as InstallCRDs does, the CRD of Widget
// (example.com/v1): a namespaced custom resource whose only subresource is
// /scale (replicas at .spec.replicas and .status.replicas, and the label
// selector the HPA needs at .status.selector). It returns its resource,
// widgets.
func (cp *ControlPlane) InstallWidgetCRD(ctx context.Context) (schema.GroupVersionResource, error) {
	gvr := schema.GroupVersionResource{Group: "example.com", Version: "v1", Resource: "widgets"}
	return gvr, cp.InstallCRDs(ctx, []byte(widgetCRD))
}
