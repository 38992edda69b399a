package scalertest

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// Registry returns a registry holding only the constructor c of the
// trigger type typ, so that Build records unknown keys as Sluice does.
func Registry(t testing.TB, typ string, c scalers.Constructor) *scalers.Registry {
	t.Helper()
	r := scalers.NewRegistry()
	if err := r.Register(typ, c); err != nil {
		t.Fatal(err)
	}
	return r
}

// Row is the outcome one parity row expects: a parity row holds what KEDA
// does with a trigger's parameters (per its docs) next to what Sluice does.
type Row struct {
	// KEDA is what KEDA does, with the docs section.
	KEDA string
	// Docs is KEDA's page for the trigger type.
	Docs string
	// WantErr is a substring of Sluice's error; "" when both accept the
	// input.
	WantErr string
	// Warning is a substring of the trigger's status warning; "" checks
	// nothing.
	Warning string
}

// Check checks what building the row's trigger gave (tr, err) against the
// row, failing t with both KEDA's behaviour and Sluice's. It returns tr
// when the row is accepted, and nil when it expected (and got) an error,
// so that the caller checks more only on accepted rows.
func (r Row) Check(t testing.TB, tr *scalers.Trigger, err error) *scalers.Trigger {
	t.Helper()
	if r.WantErr != "" {
		if err == nil || !strings.Contains(err.Error(), r.WantErr) {
			t.Fatalf("KEDA: %s (%s); Sluice: error %v, want one containing %q", r.KEDA, r.Docs, err, r.WantErr)
		}
		return nil
	}
	if err != nil {
		t.Fatalf("KEDA: %s (%s); Sluice: error %v", r.KEDA, r.Docs, err)
	}
	if r.Warning != "" && !strings.Contains(tr.Warning, r.Warning) {
		t.Errorf("warning %q, want it to contain %q", tr.Warning, r.Warning)
	}
	return tr
}
