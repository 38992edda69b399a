package install

import (
	"strings"
	"testing"
	"time"
)

// TestCheckTLS: install's view of its material, over pkg/certs.
func TestCheckTLS(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	good, err := NewTLS("sluice-system", now)
	if err != nil {
		t.Fatal(err)
	}
	serving := TLSPolicy("sluice-system").ServingLifetime
	tests := []struct {
		name    string
		ns      string
		at      time.Time
		wantErr string // "" when the certificate is kept
	}{
		{"fresh", "sluice-system", now, ""},
		{"31 days left", "sluice-system", now.Add(serving - 31*24*time.Hour), ""},
		{"29 days left", "sluice-system", now.Add(serving - 29*24*time.Hour), "expires in"},
		{"other namespace", "autoscaling", now, "not for sluice-adapter.autoscaling.svc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckTLS(good, tt.ns, tt.at)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("CheckTLS: %v, want the certificate kept", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("CheckTLS: %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
	if len(good.CAKey) == 0 {
		t.Error("install keeps no CA key: the adapter could not renew with the same CA")
	}
}

func TestDNSNames(t *testing.T) {
	got := strings.Join(DNSNames("ns"), " ")
	want := "sluice-adapter.ns.svc sluice-adapter.ns.svc.cluster.local sluice-adapter sluice-adapter.ns"
	if got != want {
		t.Errorf("DNSNames = %q, want %q", got, want)
	}
}
