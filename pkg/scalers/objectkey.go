package scalers

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// objectKind is the kind of object a key reference reads.
type objectKind string

const (
	kindSecret    objectKind = "secret"
	kindConfigMap objectKind = "configmap"
)

// keyValue returns the value of key in the Secret or ConfigMap (kind)
// namespace/name, for TriggerAuthentication refs and env entries alike. A
// missing object is an error "read <kind> <namespace>/<name>: …" that
// satisfies isNotFound; a missing key a *missingKeyError. Errors never hold
// values.
func keyValue(ctx context.Context, r ObjectReader, kind objectKind, namespace, name, key string) (string, error) {
	var v string
	var ok bool
	var err error
	switch kind {
	case kindSecret:
		var s *corev1.Secret
		if s, err = r.Secret(ctx, namespace, name); err == nil {
			v, ok = secretValue(s, key)
		}
	default:
		var cm *corev1.ConfigMap
		if cm, err = r.ConfigMap(ctx, namespace, name); err == nil {
			v, ok = configMapValue(cm, key)
		}
	}
	if err != nil {
		return "", fmt.Errorf("read %s %s/%s: %w", kind, namespace, name, err)
	}
	if !ok {
		return "", &missingKeyError{kind: kind, namespace: namespace, name: name, key: key}
	}
	return v, nil
}

// missingKeyError reports a Secret or ConfigMap without the key asked for.
type missingKeyError struct {
	kind                 objectKind
	namespace, name, key string
}

func (e *missingKeyError) Error() string {
	return fmt.Sprintf("%s %s/%s has no key %q", e.kind, e.namespace, e.name, e.key)
}

// absent reports whether err, from keyValue, says the object or the key
// does not exist: what an optional reference may skip.
func absent(err error) bool {
	var mk *missingKeyError
	return isNotFound(err) || errors.As(err, &mk)
}

func configMapValue(cm *corev1.ConfigMap, key string) (string, bool) {
	if v, ok := cm.Data[key]; ok {
		return v, true
	}
	if b, ok := cm.BinaryData[key]; ok {
		return string(b), true
	}
	return "", false
}

func secretValue(s *corev1.Secret, key string) (string, bool) {
	if b, ok := s.Data[key]; ok {
		return string(b), true
	}
	v, ok := s.StringData[key]
	return v, ok
}

// isNotFound reports whether err says the object does not exist.
func isNotFound(err error) bool { return apierrors.IsNotFound(err) }
