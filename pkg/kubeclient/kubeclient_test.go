package kubeclient

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/pflag"

	"github.com/sluice-dev/sluice/pkg/helpvoice"
	"github.com/sluice-dev/sluice/pkg/internal/flagtest"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string // flags the errors name, in order
	}{
		{"defaults", nil, nil},
		{"limiter on", []string{"--kube-api-qps=50", "--kube-api-burst=100"}, nil},
		{"limiter off ignores burst", []string{"--kube-api-qps=-1", "--kube-api-burst=0"}, nil},
		{"qps zero", []string{"--kube-api-qps=0"}, []string{"--kube-api-qps"}},
		{"burst zero with a limiter", []string{"--kube-api-qps=50", "--kube-api-burst=0"}, []string{"--kube-api-burst"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := NewOptions(100)
			flagtest.Parse(t, func(fs *pflag.FlagSet) { o.AddFlags(fs, "tests") }, tt.args...)
			flagtest.ExpectNamed(t, o.Validate(), tt.want)
		})
	}
}

// writeKubeconfig writes a kubeconfig for https://127.0.0.1:6443 and
// returns its path.
func writeKubeconfig(t *testing.T) string {
	t.Helper()
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	err := os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	return kubeconfig
}

func TestConfig(t *testing.T) {
	o := Options{Kubeconfig: writeKubeconfig(t), QPS: -1, Burst: 7}
	cfg, err := o.Config("sluice-test")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "https://127.0.0.1:6443" || cfg.QPS != -1 || cfg.Burst != 7 || cfg.UserAgent != "sluice-test" {
		t.Errorf("config host %q qps %v burst %d agent %q", cfg.Host, cfg.QPS, cfg.Burst, cfg.UserAgent)
	}
	if _, err := (&Options{Kubeconfig: filepath.Join(t.TempDir(), "missing")}).Config("x"); err == nil {
		t.Error("a missing kubeconfig loaded")
	}
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	if _, err := (&Options{}).Config("x"); err == nil {
		t.Error("in-cluster config loaded outside a cluster")
	}
}

func TestFlagHelpVoice(t *testing.T) {
	o := NewOptions(100)
	fs := flagtest.Parse(t, func(fs *pflag.FlagSet) { o.AddFlags(fs, "tests") })
	for _, p := range helpvoice.Check(fs) {
		t.Error(p)
	}
}
