package scalers

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// ObjectReader reads the Secrets and ConfigMaps that TriggerAuthentications
// and container environments refer to. The adapter implements it over
// listers. When the object does not exist, the error must satisfy
// k8s.io/apimachinery/pkg/api/errors.IsNotFound, so that optional
// references can be told apart from failures. Callers must not modify the
// returned objects.
type ObjectReader interface {
	// Secret returns the Secret namespace/name.
	Secret(ctx context.Context, namespace, name string) (*corev1.Secret, error)
	// ConfigMap returns the ConfigMap namespace/name.
	ConfigMap(ctx context.Context, namespace, name string) (*corev1.ConfigMap, error)
}

// ContainerEnv returns the resolved environment of a container of the scale
// target: the named one, or the default container (the ScaledObject's
// envSourceContainerName, else the first) when containerName is empty.
// PodEnv builds one over ResolveEnv.
type ContainerEnv func(ctx context.Context, containerName string) (map[string]string, error)

// ErrPodIdentityUnsupported is wrapped by ResolveAuth's error for a pod
// identity provider other than none.
var ErrPodIdentityUnsupported = errors.New("not supported yet")

// The authenticationRef kinds.
const (
	KindTriggerAuthentication        = "TriggerAuthentication"
	KindClusterTriggerAuthentication = "ClusterTriggerAuthentication"
)

// AuthNamespace returns the namespace that the Secrets and ConfigMaps of the
// authentication ref are read from: the ScaledObject's namespace
// (objectNamespace) for a TriggerAuthentication, which is also the kind when
// ref.Kind is empty, and the namespace Sluice runs in (ownNamespace) for a
// ClusterTriggerAuthentication. Another kind is an error.
func AuthNamespace(ref *v1alpha1.AuthenticationRef, objectNamespace, ownNamespace string) (string, error) {
	if ref == nil {
		return objectNamespace, nil
	}
	switch ref.Kind {
	case "", KindTriggerAuthentication:
		return objectNamespace, nil
	case KindClusterTriggerAuthentication:
		return ownNamespace, nil
	default:
		return "", fmt.Errorf("authenticationRef %q: unknown kind %q", ref.Name, ref.Kind)
	}
}

// ResolveAuth returns the parameters that spec supplies. Secrets and
// ConfigMaps are read from secretNamespace, which the caller picks with
// AuthNamespace: the ScaledObject's namespace for a TriggerAuthentication,
// Sluice's own for a ClusterTriggerAuthentication. Env entries are read
// through env from the scale target (always in the ScaledObject's
// namespace); env is called only when spec has env entries and may be nil
// otherwise. A parameter named in more than one place takes the last one in
// the order env, configMapTargetRef, secretTargetRef. A pod identity
// provider other than none is an error wrapping ErrPodIdentityUnsupported.
// A missing object, key or variable is an error naming it; errors never
// hold values.
func ResolveAuth(ctx context.Context, r ObjectReader, spec *v1alpha1.TriggerAuthenticationSpec, secretNamespace string, env ContainerEnv) (map[string]string, error) {
	params := make(map[string]string)
	if spec == nil {
		return params, nil
	}
	if pi := spec.PodIdentity; pi != nil && pi.Provider != "" && pi.Provider != v1alpha1.PodIdentityProviderNone {
		return nil, fmt.Errorf("pod identity provider %q: %w", pi.Provider, ErrPodIdentityUnsupported)
	}
	for _, e := range spec.Env {
		if env == nil {
			return nil, fmt.Errorf("env parameter %q: no scale target environment", e.Parameter)
		}
		vars, err := env(ctx, e.ContainerName)
		if err != nil {
			return nil, fmt.Errorf("env parameter %q: %w", e.Parameter, err)
		}
		v, ok := vars[e.Name]
		if !ok {
			return nil, fmt.Errorf("env parameter %q: variable %q not set in container %s", e.Parameter, e.Name, containerLabel(e.ContainerName))
		}
		params[e.Parameter] = v
	}
	for _, ref := range spec.ConfigMapTargetRef {
		v, err := keyValue(ctx, r, kindConfigMap, secretNamespace, ref.Name, ref.Key)
		if err != nil {
			return nil, fmt.Errorf("configMapTargetRef parameter %q: %w", ref.Parameter, err)
		}
		params[ref.Parameter] = v
	}
	for _, ref := range spec.SecretTargetRef {
		v, err := keyValue(ctx, r, kindSecret, secretNamespace, ref.Name, ref.Key)
		if err != nil {
			return nil, fmt.Errorf("secretTargetRef parameter %q: %w", ref.Parameter, err)
		}
		params[ref.Parameter] = v
	}
	return params, nil
}

// PodEnv returns a ContainerEnv over ResolveEnv for pod in namespace, where
// defaultContainer (may be empty: the first container) stands in for an
// empty container name. Each container is resolved at most once per
// returned function; the function is not safe for concurrent use.
func PodEnv(r ObjectReader, namespace string, pod *corev1.PodSpec, defaultContainer string) ContainerEnv {
	resolved := make(map[string]map[string]string)
	return func(ctx context.Context, containerName string) (map[string]string, error) {
		if containerName == "" {
			containerName = defaultContainer
		}
		if env, ok := resolved[containerName]; ok {
			return env, nil
		}
		env, err := ResolveEnv(ctx, r, namespace, pod, containerName)
		if err != nil {
			return nil, err
		}
		resolved[containerName] = env
		return env, nil
	}
}

func containerLabel(name string) string {
	if name == "" {
		return "(default)"
	}
	return fmt.Sprintf("%q", name)
}
