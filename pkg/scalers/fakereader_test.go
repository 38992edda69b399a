package scalers

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// fakeReader is an in-memory ObjectReader keyed by "namespace/name".
type fakeReader struct {
	secrets    map[string]map[string]string
	configMaps map[string]map[string]string
}

func (f *fakeReader) Secret(_ context.Context, ns, name string) (*corev1.Secret, error) {
	data, ok := f.secrets[ns+"/"+name]
	if !ok {
		return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "secrets"}, name)
	}
	s := &corev1.Secret{Data: map[string][]byte{}}
	for k, v := range data {
		s.Data[k] = []byte(v)
	}
	return s, nil
}

func (f *fakeReader) ConfigMap(_ context.Context, ns, name string) (*corev1.ConfigMap, error) {
	data, ok := f.configMaps[ns+"/"+name]
	if !ok {
		return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "configmaps"}, name)
	}
	return &corev1.ConfigMap{Data: data}, nil
}

func newFakeReader() *fakeReader {
	return &fakeReader{
		secrets: map[string]map[string]string{
			"app/creds":    {"password": "hunter2", "token": "tok-123"},
			"sluice/creds": {"password": "cluster-pw"},
		},
		configMaps: map[string]map[string]string{
			"app/settings":    {"host": "broker.local", "queue": "orders"},
			"sluice/settings": {"host": "cluster-broker"},
		},
	}
}
