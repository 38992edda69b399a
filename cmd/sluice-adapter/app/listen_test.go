package app

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"k8s.io/apiserver/pkg/server"

	"github.com/sluice-dev/sluice/pkg/boundaddrs"
	"github.com/sluice-dev/sluice/pkg/poll"
	"github.com/sluice-dev/sluice/pkg/provider"
)

// TestListenPortZero builds the whole API server with both listeners on
// port 0 and checks that the bound-addresses file names the ports the
// process actually listens on.
func TestListenPortZero(t *testing.T) {
	dir := t.TempDir()
	o := NewOptions()
	o.Client.Kubeconfig = writeKubeconfig(t, dir)
	o.MetricsBindAddress = "127.0.0.1:0"
	o.BoundAddressesFile = filepath.Join(dir, "bound.json")
	o.Server.SecureServing.BindAddress = net.IPv4(127, 0, 0, 1)
	o.Server.SecureServing.BindPort = 0
	o.Server.SecureServing.ServerCert.CertDirectory = dir
	o.Server.Authentication.RemoteKubeConfigFileOptional = true
	o.Server.Authentication.SkipInClusterLookup = true
	o.Server.Authorization.RemoteKubeConfigFileOptional = true
	if err := o.ValidateErr(); err != nil {
		t.Fatal(err)
	}
	engine, err := poll.New(o.Poll, zap.NewNop(), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	prov, err := provider.New(engine, o.Provider)
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	health, _, err := listen(o, prov, reg, new(atomic.Bool))
	if err != nil {
		t.Fatal(err)
	}
	// The gauge reads the certificate the server serves (here the one the
	// library generates in memory): it expires in the future.
	if got := certExpiry(t, reg); got <= float64(time.Now().Unix()) {
		t.Errorf("serving certificate expiry gauge = %v, want a time in the future", got)
	}
	secure := o.Server.SecureServing.Listener
	t.Cleanup(func() { _ = health.Close(); _ = secure.Close() })

	got, err := boundaddrs.Read(o.BoundAddressesFile)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]net.Listener{boundaddrs.Metrics: health, boundaddrs.Secure: secure}
	for name, l := range want {
		addr := l.Addr().(*net.TCPAddr)
		if addr.Port == 0 || got[name] != addr.String() {
			t.Errorf("bound %s = %q, want the listener's %v (non-zero port)", name, got[name], addr)
		}
		// The port is ours: binding it again fails.
		if l2, err := net.Listen("tcp", got[name]); err == nil {
			_ = l2.Close()
			t.Errorf("%s address %s is not bound", name, got[name])
		}
	}
	if got[boundaddrs.Metrics] == got[boundaddrs.Secure] {
		t.Errorf("both listeners on %s", got[boundaddrs.Metrics])
	}
	if p := o.Server.SecureServing.BindPort; p != secure.Addr().(*net.TCPAddr).Port {
		t.Errorf("BindPort = %d, want the bound port", p)
	}
}

// TestListenSecureFixedPort leaves a fixed port to the apiserver library.
func TestListenSecureFixedPort(t *testing.T) {
	s := NewOptions().Server.SecureServing.SecureServingOptions
	if err := listenSecure(s); err != nil || s.Listener != nil {
		t.Errorf("listenSecure(port %d) = %v, listener %v; want nothing bound", s.BindPort, err, s.Listener)
	}
}

func TestListenSecureApplies(t *testing.T) {
	s := NewOptions().Server.SecureServing.SecureServingOptions
	// 127.0.0.2 is loopback on Linux without configuration, and not the
	// default address, so the listener shows the flag was applied.
	s.BindAddress, s.BindPort = net.ParseIP("127.0.0.2"), 0
	if err := listenSecure(s); err != nil {
		t.Fatal(err)
	}
	defer s.Listener.Close()
	var info *server.SecureServingInfo
	if err := s.ApplyTo(&info); err != nil {
		t.Fatal(err)
	}
	if info == nil || info.Listener != s.Listener {
		t.Fatalf("ApplyTo did not serve the listener: %+v", info)
	}
	if !strings.HasPrefix(s.Listener.Addr().String(), "127.0.0.2:") {
		t.Errorf("listening on %v, want 127.0.0.2", s.Listener.Addr())
	}
}

func TestListenHealthTaken(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, err = listenHealth(l.Addr().String())
	if !errors.Is(err, syscall.EADDRINUSE) || !strings.Contains(err.Error(), "--metrics-bind-address") {
		t.Errorf("listenHealth(taken) = %v, want address in use naming the flag", err)
	}
}

// writeKubeconfig writes a kubeconfig for a server that is never called.
func writeKubeconfig(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "kubeconfig")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:%d"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`, 1)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// certExpiry reads sluice_adapter_serving_certificate_expiry_timestamp_seconds.
func certExpiry(t *testing.T, reg *prometheus.Registry) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "sluice_adapter_serving_certificate_expiry_timestamp_seconds" {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatal("no serving certificate expiry gauge")
	return 0
}
