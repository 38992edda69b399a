// Package scalertest is for the trigger types' tests only: the checks
// every trigger type's tests make the same way (parity rows, errors for
// invalid input) and the small builders they share.
package scalertest

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// With returns a copy of base with the pairs kv (key, value, key, value…)
// set; a trailing odd key is ignored.
func With(base map[string]string, kv ...string) map[string]string {
	m := maps.Clone(base)
	if m == nil {
		m = map[string]string{}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// Invalid is what a constructor's error for invalid input must show.
type Invalid struct {
	// Trigger is the label the error starts with, such as "trigger 2
	// (kafka)" (see scalers.TriggerLabel).
	Trigger string
	// Contains is a substring of the error.
	Contains string
	// Missing says whether the error wraps scalers.ErrMissingParam.
	Missing bool
	// Secret is a credential of the input the error must not show; ""
	// for none.
	Secret string
}

// Check fails t unless err is the error w describes.
func (w Invalid) Check(t testing.TB, err error) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), w.Contains) {
		t.Fatalf("got %v, want an error containing %q", err, w.Contains)
	}
	if !strings.HasPrefix(err.Error(), w.Trigger+": ") {
		t.Fatalf("error %q does not name %s", err, w.Trigger)
	}
	if w.Secret != "" && strings.Contains(err.Error(), w.Secret) {
		t.Fatalf("error shows a secret: %v", err)
	}
	if errors.Is(err, scalers.ErrMissingParam) != w.Missing {
		t.Fatalf("errors.Is(ErrMissingParam) = %v, want %v", !w.Missing, w.Missing)
	}
}

// CheckWarning fails t unless tr's status warning contains want, or is
// empty when want is.
func CheckWarning(t testing.TB, tr *scalers.Trigger, want string) {
	t.Helper()
	if !strings.Contains(tr.Warning, want) || (want == "" && tr.Warning != "") {
		t.Fatalf("warning %q, want %q", tr.Warning, want)
	}
}
