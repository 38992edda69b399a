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
			// A CA rotation takes a second step; then nothing is due.
			final := next
			for range 2 {
				again, _, err := Renew(final, tt.p, tt.at)
				if err != nil {
					t.Fatal(err)
				}
				if again == nil {
					break
				}
				final = again
			}
			if again, why, _ := Renew(final, tt.p, tt.at); again != nil {
				t.Errorf("still due after two steps: %q", why)
			}
			if err := final.Check(tt.p.Names, tt.at, tt.p.RenewBefore); err != nil && len(tt.p.Names) > 0 {
				t.Errorf("renewed material does not serve: %v", err)
			}
			if got := bytes.Equal(final.CAKey, tt.b.CAKey); got != tt.sameCA {
				t.Errorf("CA kept = %v, want %v", got, tt.sameCA)
			}
			if got := len(parseCerts(final.CA)); got != tt.wantCAs {
				t.Errorf("bundle holds %d CAs, want %d", got, tt.wantCAs)
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
	if !bytes.Equal(rotated.Cert, old.Cert) {
		t.Fatal("the rotation replaced a serving certificate that was not due")
	}
	// The old certificate (capped at the old CA's expiry) becomes due and
	// is replaced under the new CA; the old CA stays while it is valid.
	renewed, why, err := Renew(rotated, policy(), t0.Add(71*day))
	if err != nil || renewed == nil || bytes.Equal(renewed.Cert, old.Cert) || !bytes.Equal(renewed.CAKey, rotated.CAKey) {
		t.Fatalf("Renew when the old certificate is due = %q, %v; want a new certificate under the new CA", why, err)
	}
	if n := len(parseCerts(renewed.CA)); n != 2 {
		t.Errorf("bundle holds %d CAs before the old one expired, want 2", n)
	}
	after, why, err := Renew(renewed, policy(), t0.Add(101*day))
	if err != nil || after == nil || !strings.Contains(why, "expired CA removed") {
		t.Fatalf("Renew after the old CA expired = %q, %v; want it removed", why, err)
	}
	if n := len(parseCerts(after.CA)); n != 1 {
		t.Errorf("bundle holds %d CAs, want 1", n)
	}
	if !bytes.Equal(after.Cert, renewed.Cert) {
		t.Error("serving certificate replaced, want it kept")
	}
}

// TestRenewRotatesCAInTwoSteps: a new CA is published alone while the
// current certificate still serves; the certificate it signs follows.
func TestRenewRotatesCAInTwoSteps(t *testing.T) {
	fresh := mustNew(t, policy(), t0)
	legacy := &Bundle{CA: fresh.CA, Cert: fresh.Cert, Key: fresh.Key}
	at := t0.Add(336 * day) // the serving certificate is due
	step1, why, err := Renew(legacy, policy(), at)
	if err != nil || step1 == nil {
		t.Fatalf("step 1: %v", err)
	}
	if !bytes.Equal(step1.Cert, legacy.Cert) || !strings.Contains(why, "follows at the next renewal") {
		t.Errorf("step 1 replaced the serving certificate (%s), want the new CA alone", why)
	}
	step2, why, err := Renew(step1, policy(), at)
	if err != nil || step2 == nil || bytes.Equal(step2.Cert, legacy.Cert) {
		t.Fatalf("step 2 = %q, %v; want a new serving certificate", why, err)
	}
	if !bytes.Equal(step2.CAKey, step1.CAKey) || !bytes.Equal(step2.CA, step1.CA) {
		t.Error("step 2 changed the CA")
	}
	// Expired: nothing to protect, both at once.
	both, _, err := Renew(legacy, policy(), t0.Add(366*day))
	if err != nil || both == nil || bytes.Equal(both.Cert, legacy.Cert) {
		t.Errorf("expired certificate not replaced with the new CA: %v", err)
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
