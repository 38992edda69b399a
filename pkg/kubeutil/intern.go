package kubeutil

import (
	"unique"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// internMax bounds the strings Intern shares: the strings every cached
// object repeats (a namespace, a condition's reason and message, a
// trigger's type and parameter names, a queue's name) are short, and a
// long string is most often an object's own.
const internMax = 128

// Intern returns a string equal to s whose bytes it shares with the other
// strings of that content interned since the last garbage collections, so
// that thousands of cached objects that each decoded the same text from
// JSON hold it once (unique.Make keeps its table weakly: nothing is held
// for longer than the objects hold it).
func Intern(s string) string {
	if s == "" || len(s) > internMax {
		return s
	}
	return unique.Make(s).Value()
}

// InternMap interns the keys and values of m in place.
func InternMap(m map[string]string) {
	for k, v := range m {
		// Assigning to an existing key also replaces the key the map
		// holds with the interned one.
		m[Intern(k)] = Intern(v)
	}
}

// InternMeta interns the parts of an object's metadata that objects
// share: the namespace, labels, annotations, owners' kinds, the managed
// fields' managers and versions, and finalizers. Names, UIDs and resource
// versions are each object's own.
func InternMeta(m *metav1.ObjectMeta) {
	m.Namespace = Intern(m.Namespace)
	InternMap(m.Labels)
	InternMap(m.Annotations)
	for i := range m.OwnerReferences {
		o := &m.OwnerReferences[i]
		o.APIVersion, o.Kind = Intern(o.APIVersion), Intern(o.Kind)
	}
	for i := range m.ManagedFields {
		e := &m.ManagedFields[i]
		e.Manager, e.APIVersion, e.FieldsType = Intern(e.Manager), Intern(e.APIVersion), Intern(e.FieldsType)
		e.Operation, e.Subresource = metav1.ManagedFieldsOperationType(Intern(string(e.Operation))), Intern(e.Subresource)
	}
	for i := range m.Finalizers {
		m.Finalizers[i] = Intern(m.Finalizers[i])
	}
}

// InternScaledObject interns in place the strings of so that ScaledObjects
// repeat: its metadata's shared parts (see InternMeta), its target's kind
// and apiVersion, its triggers' types, names and parameters, and its
// status's conditions, trigger states and metric names. A cache of
// thousands of ScaledObjects written from a few templates holds each of
// those once; what the object says does not change.
func InternScaledObject(so *v1alpha1.ScaledObject) {
	InternMeta(&so.ObjectMeta)
	if r := so.Spec.ScaleTargetRef; r != nil {
		r.APIVersion, r.Kind, r.EnvSourceContainerName = Intern(r.APIVersion), Intern(r.Kind), Intern(r.EnvSourceContainerName)
	}
	for i := range so.Spec.Triggers {
		t := &so.Spec.Triggers[i]
		t.Type, t.Name = Intern(t.Type), Intern(t.Name)
		InternMap(t.Metadata)
		if a := t.AuthenticationRef; a != nil {
			a.Name, a.Kind = Intern(a.Name), Intern(a.Kind)
		}
	}
	s := &so.Status
	for i := range s.Conditions {
		c := &s.Conditions[i]
		c.Type, c.Status = v1alpha1.ConditionType(Intern(string(c.Type))), metav1.ConditionStatus(Intern(string(c.Status)))
		c.Reason, c.Message = Intern(c.Reason), Intern(c.Message)
	}
	for i := range s.Triggers {
		t := &s.Triggers[i]
		t.MetricName, t.Name, t.Type = Intern(t.MetricName), Intern(t.Name), Intern(t.Type)
		t.Target, t.ActivationTarget = Intern(t.Target), Intern(t.ActivationTarget)
		t.LastError, t.Warning = Intern(t.LastError), Intern(t.Warning)
	}
	for i := range s.ExternalMetricNames {
		s.ExternalMetricNames[i] = Intern(s.ExternalMetricNames[i])
	}
	s.ScaleTargetKind, s.TriggersTypes, s.AuthenticationsTypes = Intern(s.ScaleTargetKind), Intern(s.TriggersTypes), Intern(s.AuthenticationsTypes)
}
