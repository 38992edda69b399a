package scalers

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// ResolveEnv returns the environment of the container containerName of pod
// (the first container when containerName is empty) as Kubernetes would set
// it: envFrom sources in order (each key with the source's prefix), then env
// entries in order, later ones overriding earlier ones. Values may be
// literal, with $(VAR) references to variables defined before them expanded
// and $$ read as $, or come from a Secret or ConfigMap key in namespace.
// Optional references to missing objects or keys are skipped; fieldRef,
// resourceFieldRef and other sources Sluice cannot see are left out. An
// unknown container name is an error naming it; errors never hold values.
func ResolveEnv(ctx context.Context, r ObjectReader, namespace string, pod *corev1.PodSpec, containerName string) (map[string]string, error) {
	c, err := findContainer(pod, containerName)
	if err != nil {
		return nil, err
	}
	env := make(map[string]string)
	for _, from := range c.EnvFrom {
		if err := addEnvFrom(ctx, r, namespace, from, env); err != nil {
			return nil, fmt.Errorf("container %q: %w", c.Name, err)
		}
	}
	for _, e := range c.Env {
		v, ok, err := envValue(ctx, r, namespace, e, env)
		if err != nil {
			return nil, fmt.Errorf("container %q: env %q: %w", c.Name, e.Name, err)
		}
		if ok {
			env[e.Name] = v
		}
	}
	return env, nil
}

func findContainer(pod *corev1.PodSpec, name string) (*corev1.Container, error) {
	if pod == nil || len(pod.Containers) == 0 {
		return nil, fmt.Errorf("scale target has no containers")
	}
	if name == "" {
		return &pod.Containers[0], nil
	}
	for i := range pod.Containers {
		if pod.Containers[i].Name == name {
			return &pod.Containers[i], nil
		}
	}
	return nil, fmt.Errorf("scale target has no container %q", name)
}

// addEnvFrom copies one envFrom source into env: each key of the
// ConfigMap's or Secret's data, with the source's prefix.
func addEnvFrom(ctx context.Context, r ObjectReader, namespace string, from corev1.EnvFromSource, env map[string]string) error {
	var kind objectKind
	var ref corev1.LocalObjectReference
	var opt *bool
	switch {
	case from.ConfigMapRef != nil:
		kind, ref, opt = kindConfigMap, from.ConfigMapRef.LocalObjectReference, from.ConfigMapRef.Optional
	case from.SecretRef != nil:
		kind, ref, opt = kindSecret, from.SecretRef.LocalObjectReference, from.SecretRef.Optional
	default:
		return nil
	}
	data, err := objectData(ctx, r, kind, namespace, ref.Name)
	if err != nil {
		if isNotFound(err) && optional(opt) {
			return nil
		}
		return fmt.Errorf("envFrom %s %s/%s: %w", kind, namespace, ref.Name, err)
	}
	for k, v := range data {
		env[from.Prefix+k] = v
	}
	return nil
}

// objectData returns the data of the ConfigMap or Secret (kind)
// namespace/name, as envFrom reads it: a ConfigMap's data without its
// binaryData, a Secret's data as strings. Errors are the reader's.
func objectData(ctx context.Context, r ObjectReader, kind objectKind, namespace, name string) (map[string]string, error) {
	if kind == kindConfigMap {
		cm, err := r.ConfigMap(ctx, namespace, name)
		if err != nil {
			return nil, err
		}
		return cm.Data, nil
	}
	s, err := r.Secret(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	data := make(map[string]string, len(s.Data))
	for k, v := range s.Data {
		data[k] = string(v)
	}
	return data, nil
}

// envValue returns one env entry's value, and false when it is skipped.
func envValue(ctx context.Context, r ObjectReader, namespace string, e corev1.EnvVar, env map[string]string) (string, bool, error) {
	src := e.ValueFrom
	switch {
	case src == nil:
		return expandEnv(e.Value, env), true, nil
	case src.SecretKeyRef != nil:
		ref := src.SecretKeyRef
		v, err := keyValue(ctx, r, kindSecret, namespace, ref.Name, ref.Key)
		return optionalValue(v, err, ref.Optional)
	case src.ConfigMapKeyRef != nil:
		ref := src.ConfigMapKeyRef
		v, err := keyValue(ctx, r, kindConfigMap, namespace, ref.Name, ref.Key)
		return optionalValue(v, err, ref.Optional)
	default: // fieldRef, resourceFieldRef and the like: not visible to Sluice.
		return "", false, nil
	}
}

func optional(b *bool) bool { return b != nil && *b }

// optionalValue turns keyValue's result into envValue's: an optional
// reference to an absent object or key is skipped.
func optionalValue(v string, err error, opt *bool) (string, bool, error) {
	switch {
	case err == nil:
		return v, true, nil
	case absent(err) && optional(opt):
		return "", false, nil
	default:
		return "", false, err
	}
}

// expandEnv expands $(VAR) in s from env as Kubernetes does: a reference to
// an undefined variable stays as written, $$ is a literal $.
func expandEnv(s string, env map[string]string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteString(s[i:])
				return b.String()
			}
			name := s[i+2 : i+2+end]
			if v, ok := env[name]; ok && name != "" {
				b.WriteString(v)
			} else {
				b.WriteString(s[i : i+3+end])
			}
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}
