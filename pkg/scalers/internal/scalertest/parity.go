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

// ConfigRow is one row of a trigger type's TestParityConfig: a trigger's
// parameters next to what KEDA does with them and what Sluice must do.
type ConfigRow struct {
	Name string
	// KEDA is what KEDA does, with the docs section.
	KEDA string
	// Meta, Auth and Env are the trigger's metadata, auth params and
	// resolved environment.
	Meta, Auth, Env map[string]string
	// WantErr and Warning are as in Row.
	WantErr string
	Warning string
}

// ParityConfig runs a subtest per row: it builds the row's trigger of type
// typ with c, in a registry of its own (see Registry), and checks the
// outcome against the row as Row.Check does, citing docs. check, when not
// nil, checks more of each trigger a row accepts.
func ParityConfig(t *testing.T, typ string, c scalers.Constructor, docs string, rows []ConfigRow, check func(t *testing.T, row ConfigRow, tr *scalers.Trigger)) {
	t.Helper()
	r := Registry(t, typ, c)
	for _, row := range rows {
		t.Run(row.Name, func(t *testing.T) {
			tr, err := r.Build(scalers.Config{Type: typ, Metadata: row.Meta, AuthParams: row.Auth, Env: row.Env})
			want := Row{KEDA: row.KEDA, Docs: docs, WantErr: row.WantErr, Warning: row.Warning}
			if tr = want.Check(t, tr, err); tr != nil && check != nil {
				check(t, row, tr)
			}
		})
	}
}
