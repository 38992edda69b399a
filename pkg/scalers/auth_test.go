package scalers

import (
	"context"
	"errors"
	"maps"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/testerr"
)

func TestResolveAuth(t *testing.T) {
	pod := &corev1.PodSpec{Containers: []corev1.Container{
		{Name: "main", Env: []corev1.EnvVar{{Name: "HOST", Value: "env-host"}, {Name: "PW", Value: "env-pw"}}},
		{Name: "side", Env: []corev1.EnvVar{{Name: "HOST", Value: "side-host"}}},
	}}
	tests := []struct {
		name    string
		spec    *v1alpha1.TriggerAuthenticationSpec
		ns      string
		noEnv   bool
		want    map[string]string
		wantErr string
	}{
		{name: "nil spec", ns: "app", want: map[string]string{}},
		{
			name: "all sources, secret wins over configmap over env",
			ns:   "app",
			spec: &v1alpha1.TriggerAuthenticationSpec{
				PodIdentity:        &v1alpha1.AuthPodIdentity{Provider: v1alpha1.PodIdentityProviderNone},
				Env:                []v1alpha1.AuthEnvironment{{Parameter: "host", Name: "HOST"}, {Parameter: "side", Name: "HOST", ContainerName: "side"}, {Parameter: "password", Name: "PW"}},
				ConfigMapTargetRef: []v1alpha1.AuthConfigMapTargetRef{{Parameter: "host", Name: "settings", Key: "host"}},
				SecretTargetRef:    []v1alpha1.AuthSecretTargetRef{{Parameter: "password", Name: "creds", Key: "password"}},
			},
			want: map[string]string{"host": "broker.local", "side": "side-host", "password": "hunter2"},
		},
		{
			name: "cluster namespace",
			ns:   "sluice",
			spec: &v1alpha1.TriggerAuthenticationSpec{
				SecretTargetRef: []v1alpha1.AuthSecretTargetRef{{Parameter: "password", Name: "creds", Key: "password"}},
			},
			want: map[string]string{"password": "cluster-pw"},
		},
		{
			name:    "pod identity",
			ns:      "app",
			spec:    &v1alpha1.TriggerAuthenticationSpec{PodIdentity: &v1alpha1.AuthPodIdentity{Provider: v1alpha1.PodIdentityProviderAzureWorkload}},
			wantErr: `pod identity provider "azure-workload": not supported yet`,
		},
		{
			name:    "missing secret",
			ns:      "app",
			spec:    &v1alpha1.TriggerAuthenticationSpec{SecretTargetRef: []v1alpha1.AuthSecretTargetRef{{Parameter: "p", Name: "nope", Key: "k"}}},
			wantErr: `secretTargetRef parameter "p": read secret app/nope`,
		},
		{
			name:    "missing secret key",
			ns:      "app",
			spec:    &v1alpha1.TriggerAuthenticationSpec{SecretTargetRef: []v1alpha1.AuthSecretTargetRef{{Parameter: "p", Name: "creds", Key: "nokey"}}},
			wantErr: `secretTargetRef parameter "p": secret app/creds has no key "nokey"`,
		},
		{
			name:    "missing configmap key",
			ns:      "app",
			spec:    &v1alpha1.TriggerAuthenticationSpec{ConfigMapTargetRef: []v1alpha1.AuthConfigMapTargetRef{{Parameter: "p", Name: "settings", Key: "nokey"}}},
			wantErr: `configmap app/settings has no key "nokey"`,
		},
		{
			name:    "missing env variable",
			ns:      "app",
			spec:    &v1alpha1.TriggerAuthenticationSpec{Env: []v1alpha1.AuthEnvironment{{Parameter: "p", Name: "NOPE"}}},
			wantErr: `env parameter "p": variable "NOPE" not set in container (default)`,
		},
		{
			name:    "unknown container",
			ns:      "app",
			spec:    &v1alpha1.TriggerAuthenticationSpec{Env: []v1alpha1.AuthEnvironment{{Parameter: "p", Name: "HOST", ContainerName: "ghost"}}},
			wantErr: `scale target has no container "ghost"`,
		},
		{
			name:    "env without target",
			ns:      "app",
			noEnv:   true,
			spec:    &v1alpha1.TriggerAuthenticationSpec{Env: []v1alpha1.AuthEnvironment{{Parameter: "p", Name: "HOST"}}},
			wantErr: "no scale target environment",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newFakeReader()
			env := PodEnv(r, "app", pod, "")
			if tt.noEnv {
				env = nil
			}
			got, err := ResolveAuth(context.Background(), r, tt.spec, tt.ns, env)
			if testerr.Want(t, "ResolveAuth()", err, tt.wantErr, "hunter2", "tok-123", "env-host", "cluster-pw") {
				return
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("ResolveAuth() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestResolveAuthPodIdentityIsTyped(t *testing.T) {
	spec := &v1alpha1.TriggerAuthenticationSpec{PodIdentity: &v1alpha1.AuthPodIdentity{Provider: v1alpha1.PodIdentityProviderGCP}}
	_, err := ResolveAuth(context.Background(), newFakeReader(), spec, "app", nil)
	if !errors.Is(err, ErrPodIdentityUnsupported) {
		t.Fatalf("ResolveAuth() error = %v, want ErrPodIdentityUnsupported", err)
	}
}

func TestAuthNamespace(t *testing.T) {
	tests := []struct {
		name    string
		ref     *v1alpha1.AuthenticationRef
		want    string
		wantErr bool
	}{
		{"nil ref", nil, "app", false},
		{"default kind", &v1alpha1.AuthenticationRef{Name: "a"}, "app", false},
		{"namespaced", &v1alpha1.AuthenticationRef{Name: "a", Kind: KindTriggerAuthentication}, "app", false},
		{"cluster", &v1alpha1.AuthenticationRef{Name: "a", Kind: KindClusterTriggerAuthentication}, "sluice", false},
		{"unknown", &v1alpha1.AuthenticationRef{Name: "a", Kind: "Secret"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AuthNamespace(tt.ref, "app", "sluice")
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("AuthNamespace() = %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
