package install

import (
	"strings"
	"testing"
	"time"
)

func TestTLSCheck(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	good, err := NewTLS("sluice-system", now)
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewTLS("sluice-system", now)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		tls     *TLS
		ns      string
		at      time.Time
		wantErr string // "" when the certificate is kept
	}{
		{"fresh", good, "sluice-system", now, ""},
		{"31 days left", good, "sluice-system", now.Add(ServingLifetime - 31*24*time.Hour), ""},
		{"29 days left", good, "sluice-system", now.Add(ServingLifetime - 29*24*time.Hour), "expires in"},
		{"expired", good, "sluice-system", now.Add(ServingLifetime + time.Hour), "expired"},
		{"other namespace", good, "autoscaling", now, "not for sluice-adapter.autoscaling.svc"},
		{"key of another certificate", &TLS{CA: good.CA, Cert: good.Cert, Key: other.Key}, "sluice-system", now, "certificate and key"},
		{"CA of another certificate", &TLS{CA: other.CA, Cert: good.Cert, Key: good.Key}, "sluice-system", now, "verify certificate"},
		{"no CA", &TLS{Cert: good.Cert, Key: good.Key}, "sluice-system", now, "no CA"},
		{"empty", &TLS{}, "sluice-system", now, "certificate and key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.tls.Check(tt.ns, tt.at)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Check: %v, want the certificate kept", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Check: %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestDNSNames(t *testing.T) {
	got := strings.Join(DNSNames("ns"), " ")
	want := "sluice-adapter.ns.svc sluice-adapter.ns.svc.cluster.local sluice-adapter sluice-adapter.ns"
	if got != want {
		t.Errorf("DNSNames = %q, want %q", got, want)
	}
}
