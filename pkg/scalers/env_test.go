package scalers

import (
	"context"
	"maps"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/sluice-dev/sluice/pkg/scalers/internal/testerr"
)

func TestResolveEnv(t *testing.T) {
	yes := true
	secretKey := func(name, key string, opt *bool) *corev1.EnvVarSource {
		return &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key, Optional: opt}}
	}
	cmKey := func(name, key string, opt *bool) *corev1.EnvVarSource {
		return &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key, Optional: opt}}
	}
	tests := []struct {
		name      string
		container corev1.Container
		pick      string
		want      map[string]string
		wantErr   string
	}{
		{
			name: "envFrom then env, with prefix and expansion",
			container: corev1.Container{
				Name: "main",
				EnvFrom: []corev1.EnvFromSource{
					{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "settings"}}},
					{Prefix: "S_", SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "creds"}}},
					{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "gone"}, Optional: &yes}},
					{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "gone"}, Optional: &yes}},
				},
				Env: []corev1.EnvVar{
					{Name: "queue", Value: "override"},
					{Name: "URL", Value: "amqp://$(host)/$(queue)?$(UNDEFINED)&$$(host)&$"},
					{Name: "PW", ValueFrom: secretKey("creds", "password", nil)},
					{Name: "HOST2", ValueFrom: cmKey("settings", "host", nil)},
					{Name: "OPT1", ValueFrom: secretKey("gone", "x", &yes)},
					{Name: "OPT2", ValueFrom: secretKey("creds", "nokey", &yes)},
					{Name: "OPT3", ValueFrom: cmKey("gone", "x", &yes)},
					{Name: "OPT4", ValueFrom: cmKey("settings", "nokey", &yes)},
					{Name: "POD", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
				},
			},
			want: map[string]string{
				"host": "broker.local", "queue": "override",
				"S_password": "hunter2", "S_token": "tok-123",
				"URL": "amqp://broker.local/override?$(UNDEFINED)&$(host)&$",
				"PW":  "hunter2", "HOST2": "broker.local",
			},
		},
		{
			name:      "pick by name",
			container: corev1.Container{Name: "other", Env: []corev1.EnvVar{{Name: "A", Value: "b"}}},
			pick:      "other",
			want:      map[string]string{"A": "b"},
		},
		{
			name:      "unknown container",
			container: corev1.Container{Name: "main"},
			pick:      "ghost",
			wantErr:   `scale target has no container "ghost"`,
		},
		{
			name:      "missing secret",
			container: corev1.Container{Name: "main", Env: []corev1.EnvVar{{Name: "PW", ValueFrom: secretKey("gone", "x", nil)}}},
			wantErr:   `container "main": env "PW": read secret app/gone`,
		},
		{
			name:      "missing secret key",
			container: corev1.Container{Name: "main", Env: []corev1.EnvVar{{Name: "PW", ValueFrom: secretKey("creds", "nokey", nil)}}},
			wantErr:   `secret app/creds has no key "nokey"`,
		},
		{
			name:      "missing configmap key",
			container: corev1.Container{Name: "main", Env: []corev1.EnvVar{{Name: "H", ValueFrom: cmKey("settings", "nokey", nil)}}},
			wantErr:   `configmap app/settings has no key "nokey"`,
		},
		{
			name: "missing envFrom secret",
			container: corev1.Container{Name: "main", EnvFrom: []corev1.EnvFromSource{
				{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "gone"}}}}},
			wantErr: `envFrom secret app/gone`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := corev1.Container{Name: "first", Env: []corev1.EnvVar{{Name: "X", Value: "first"}}}
			pod := &corev1.PodSpec{Containers: []corev1.Container{tt.container}}
			if tt.pick != "" {
				pod.Containers = []corev1.Container{first, tt.container}
			}
			got, err := ResolveEnv(context.Background(), newFakeReader(), "app", pod, tt.pick)
			if testerr.Want(t, "ResolveEnv()", err, tt.wantErr, "hunter2") {
				return
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("ResolveEnv() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestResolveEnvNoContainers(t *testing.T) {
	if _, err := ResolveEnv(context.Background(), newFakeReader(), "app", &corev1.PodSpec{}, ""); err == nil {
		t.Fatal("ResolveEnv() on an empty pod succeeded")
	}
}

func FuzzExpandEnv(f *testing.F) {
	f.Add("$(A)-$$(B)-$(C")
	f.Add("$")
	f.Add("$()")
	f.Fuzz(func(t *testing.T, s string) {
		got := expandEnv(s, map[string]string{"A": "x", "": "empty"})
		if !strings.Contains(s, "$") && got != s {
			t.Fatalf("expandEnv(%q) = %q, changed a string without $", s, got)
		}
	})
}
