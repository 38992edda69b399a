package appmanifests

import "k8s.io/apimachinery/pkg/labels"

// Labels set on every object deploy creates; delete finds an app's objects
// by LabelApp and LabelManagedBy together.
const (
	// LabelApp carries the app name on every object created for it.
	LabelApp = "sluice.dev/app"
	// LabelRole tells the worker workload ("worker") from the HTTP one
	// ("http") within an app.
	LabelRole = "sluice.dev/role"
	// LabelName is the recommended app.kubernetes.io/name label.
	LabelName = "app.kubernetes.io/name"
	// LabelManagedBy is the recommended app.kubernetes.io/managed-by label;
	// its value is ManagedBy.
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// ManagedBy is the value of LabelManagedBy and the field manager of
	// every write.
	ManagedBy = "sluice"
)

// Roles of an app's workloads, the values of LabelRole.
const (
	RoleWorker = "worker"
	RoleHTTP   = "http"
)

// Selector returns the label selector matching exactly the objects deploy
// created for the app name.
func Selector(name string) labels.Selector {
	return labels.SelectorFromSet(appLabels(name))
}

// appLabels are the labels of every object of the app name.
func appLabels(name string) labels.Set {
	return labels.Set{LabelApp: name, LabelManagedBy: ManagedBy}
}

// objectLabels are the labels of an object of the app, with the role when
// the object belongs to one workload.
func objectLabels(name, role string) map[string]string {
	l := map[string]string{LabelApp: name, LabelName: name, LabelManagedBy: ManagedBy}
	if role != "" {
		l[LabelRole] = role
	}
	return l
}

// podSelector selects the pods of one workload of the app.
func podSelector(name, role string) map[string]string {
	return map[string]string{LabelApp: name, LabelRole: role}
}
