package certs

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

var (
	t0    = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	names = ServiceDNSNames("sluice-adapter", "sluice-system")
	day   = 24 * time.Hour
)

func policy() Policy { return DefaultPolicy("test-ca", names) }

func mustNew(t testing.TB, p Policy, now time.Time) *Bundle {
	t.Helper()
	b, err := New(p, now)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRenew(t *testing.T) {
	fresh := mustNew(t, policy(), t0)
	legacy := &Bundle{CA: fresh.CA, Cert: fresh.Cert, Key: fresh.Key} // install before renewal kept no CA key
	other := mustNew(t, policy(), t0)
	shortCA := policy()
	shortCA.CALifetime = 400 * day
	short := mustNew(t, shortCA, t0)

	tests := []struct {
		name       string
		b          *Bundle
		at         time.Time
		p          Policy
		wantReason string // "" when nothing is due
		sameCA     bool   // the current CA is kept
		wantCAs    int
	}{
		{"fresh", fresh, t0, policy(), "", true, 1},
		{"31 days left", fresh, t0.Add(334 * day), policy(), "", true, 1},
		{"names of the current certificate", fresh, t0, Policy{CAName: "x", CALifetime: policy().CALifetime, ServingLifetime: policy().ServingLifetime, RenewBefore: policy().RenewBefore, CARenewBefore: policy().CARenewBefore}, "", true, 1},
		{"29 days left", fresh, t0.Add(336 * day), policy(), "new serving certificate: certificate expires in", true, 1},
		{"expired", fresh, t0.Add(366 * day), policy(), "new serving certificate", true, 1},
		{"other names", fresh, t0, DefaultPolicy("x", ServiceDNSNames("sluice-adapter", "autoscaling")), "certificate is not for sluice-adapter.autoscaling.svc", true, 1},
		{"key of another certificate", &Bundle{CA: fresh.CA, CAKey: fresh.CAKey, Cert: fresh.Cert, Key: other.Key}, t0, policy(), "certificate and key", true, 1},
		{"no CA key, nothing due", legacy, t0, policy(), "", true, 1},
		{"no CA key, serving due", legacy, t0.Add(336 * day), policy(), "new CA: no usable CA key", false, 2},
		{"CA key of another CA, serving due", &Bundle{CA: fresh.CA, CAKey: other.CAKey, Cert: fresh.Cert, Key: fresh.Key}, t0.Add(336 * day), policy(), "does not match", false, 2},
		{"CA in its last year", short, t0.Add(40 * day), policy(), "new CA: the CA expires on", false, 2},
		{"no CA", &Bundle{Cert: fresh.Cert, Key: fresh.Key}, t0, policy(), "new CA: no CA certificate", false, 1},
		{"empty", &Bundle{}, t0, policy(), "new CA", false, 1},
		{"garbage", &Bundle{CA: []byte("x"), CAKey: []byte("y"), Cert: []byte("z"), Key: []byte("w")}, t0, policy(), "new CA", false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next, reason, err := Renew(tt.b, tt.p, tt.at)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantReason == "" {
				if next != nil {
					t.Fatalf("Renew = %q, want nothing due", reason)
				}
				return
			}
			if next == nil || !strings.Contains(reason, tt.wantReason) {
				t.Fatalf("Renew reason %q, want one containing %q", reason, tt.wantReason)
			}
			if err := next.Check(tt.p.Names, tt.at, tt.p.RenewBefore); err != nil && len(tt.p.Names) > 0 {
				t.Errorf("renewed material does not serve: %v", err)
			}
			if got := bytes.Equal(next.CAKey, tt.b.CAKey); got != tt.sameCA {
				t.Errorf("CA kept = %v, want %v", got, tt.sameCA)
			}
			if got := len(parseCerts(next.CA)); got != tt.wantCAs {
				t.Errorf("bundle holds %d CAs, want %d", got, tt.wantCAs)
			}
			if again, why, err := Renew(next, tt.p, tt.at); err != nil || again != nil {
				t.Errorf("renewing the renewed material: %q, %v; want nothing due", why, err)
			}
		})
	}
}

// TestRenewKeepsOldCAUntilItExpires: after a CA rotation, the old CA stays
// in the bundle (kube-apiserver trusts replicas still serving its
// certificate) and leaves once it expires.
func TestRenewKeepsOldCAUntilItExpires(t *testing.T) {
	p := policy()
	p.CALifetime = 100 * day
	old := mustNew(t, p, t0)
	rotated, _, err := Renew(old, policy(), t0.Add(day))
	if err != nil || rotated == nil {
		t.Fatalf("rotate: %v", err)
	}
	if n := len(parseCerts(rotated.CA)); n != 2 {
		t.Fatalf("bundle after rotation holds %d CAs, want 2", n)
	}
	// The old serving certificate still verifies against the new bundle.
	mixed := &Bundle{CA: rotated.CA, Cert: old.Cert, Key: old.Key}
	if err := mixed.Check(names, t0.Add(day), 0); err != nil {
		t.Errorf("old certificate against the new bundle: %v", err)
	}
	after, why, err := Renew(rotated, policy(), t0.Add(101*day))
	if err != nil || after == nil || !strings.Contains(why, "expired CA removed") {
		t.Fatalf("Renew after the old CA expired = %q, %v; want it removed", why, err)
	}
	if n := len(parseCerts(after.CA)); n != 1 {
		t.Errorf("bundle holds %d CAs, want 1", n)
	}
	if !bytes.Equal(after.Cert, rotated.Cert) {
		t.Error("serving certificate replaced, want it kept")
	}
}

func TestServingNeverOutlivesCA(t *testing.T) {
	p := policy()
	p.CALifetime = 100 * day
	p.CARenewBefore = 0
	b := mustNew(t, p, t0)
	leaf, err := b.Leaf()
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(100 * day); !leaf.NotAfter.Equal(want) {
		t.Errorf("serving certificate expires %v, want the CA's expiry %v", leaf.NotAfter, want)
	}
}

func TestServiceDNSNames(t *testing.T) {
	got := strings.Join(ServiceDNSNames("sluice-adapter", "ns"), " ")
	want := "sluice-adapter.ns.svc sluice-adapter.ns.svc.cluster.local sluice-adapter sluice-adapter.ns"
	if got != want {
		t.Errorf("ServiceDNSNames = %q, want %q", got, want)
	}
}

// FuzzRenew: whatever a Secret holds, Renew neither panics nor returns
// material that does not serve.
func FuzzRenew(f *testing.F) {
	b := mustNew(f, policy(), t0)
	f.Add(b.CA, b.CAKey, b.Cert, b.Key)
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), []byte{}, []byte{}, []byte{})
	f.Fuzz(func(t *testing.T, ca, caKey, cert, key []byte) {
		in := &Bundle{CA: ca, CAKey: caKey, Cert: cert, Key: key}
		next, _, err := Renew(in, policy(), t0)
		if err != nil {
			t.Fatal(err)
		}
		if next == nil {
			next = in
		}
		if err := next.Check(names, t0, policy().RenewBefore); err != nil {
			t.Fatalf("material after Renew does not serve: %v", err)
		}
	})
}

func BenchmarkRenewNothingDue(b *testing.B) {
	bundle := mustNew(b, policy(), t0)
	for b.Loop() {
		if next, _, err := Renew(bundle, policy(), t0); err != nil || next != nil {
			b.Fatal("unexpected renewal")
		}
	}
}
