// Package scalertest is for the trigger types' tests only: the checks
// every trigger type's tests make the same way (parity rows, errors for
// invalid input) and the small builders they share.
package scalertest

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

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

// Build is what building one trigger from a table row must give: with Err
// "" a trigger whose status warning is Warning (see CheckWarning), else an
// error.
type Build struct {
	// Trigger is the label an error starts with, such as "trigger 2
	// (kafka)" (see scalers.TriggerLabel).
	Trigger string
	// Err is a substring of the error; "" when the input is valid.
	Err string
	// Missing says whether the error wraps scalers.ErrMissingParam.
	Missing bool
	// Secret is a credential of the input the error must not show; ""
	// for none.
	Secret string
	// Warning is a substring of a valid trigger's status warning; "" for
	// none at all.
	Warning string
}

// Check fails t unless tr and err, what the constructor returned, are what
// w describes.
func (w Build) Check(t testing.TB, tr *scalers.Trigger, err error) {
	t.Helper()
	if w.Err == "" {
		if err != nil || tr == nil {
			t.Fatalf("got %v, %v; want a trigger", tr, err)
		}
		CheckWarning(t, tr, w.Warning)
		return
	}
	if err == nil || !strings.Contains(err.Error(), w.Err) {
		t.Fatalf("got %v, want an error containing %q", err, w.Err)
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

// Case is one row of a constructor's table test: a trigger's metadata,
// auth params and resolved environment, and what building it must give.
type Case struct {
	Name string
	Meta map[string]string
	Auth map[string]string
	Env  map[string]string
	// Err, Missing and Warning are as in Build, for CheckCases.
	Err     string
	Missing bool
	Warning string
	// Param is the parameter the error names, for CheckParamCases (with
	// Err a substring of the error).
	Param string
}

// eachCase runs a subtest per case, handing check what c returned for the
// trigger of base with the case's metadata, auth params and environment,
// each of which, when nil, is base's.
func eachCase(t *testing.T, c scalers.Constructor, base scalers.Config, cases []Case, check func(t *testing.T, tc Case, tr *scalers.Trigger, err error)) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			cfg := base
			if tc.Meta != nil {
				cfg.Metadata = tc.Meta
			}
			if tc.Auth != nil {
				cfg.AuthParams = tc.Auth
			}
			if tc.Env != nil {
				cfg.Env = tc.Env
			}
			tr, err := c(cfg)
			check(t, tc, tr, err)
		})
	}
}

// CheckCases builds with c, per case, the trigger base with the case's
// inputs (see eachCase) and checks the outcome as want, given the case's
// Err, Missing and Warning, does. want holds the Trigger label and the
// Secret every case shares.
func CheckCases(t *testing.T, c scalers.Constructor, base scalers.Config, want Build, cases []Case) {
	t.Helper()
	eachCase(t, c, base, cases, func(t *testing.T, tc Case, tr *scalers.Trigger, err error) {
		w := want
		w.Err, w.Missing, w.Warning = tc.Err, tc.Missing, tc.Warning
		w.Check(t, tr, err)
	})
}

// CheckParamCases builds with c, per case, the trigger base with the
// case's inputs (see eachCase) and checks that it fails with the error
// want, given the case's Param and Err, describes. want holds the Trigger
// label and the Secrets every case shares.
func CheckParamCases(t *testing.T, c scalers.Constructor, base scalers.Config, want ParamErr, cases []Case) {
	t.Helper()
	eachCase(t, c, base, cases, func(t *testing.T, tc Case, _ *scalers.Trigger, err error) {
		w := want
		w.Param, w.Contains = tc.Param, tc.Err
		w.Check(t, err)
	})
}

// ParamErr is the *scalers.ParamError a constructor must return for one
// invalid parameter.
type ParamErr struct {
	// Trigger is the error's trigger label, such as "trigger 1
	// (azure-queue)".
	Trigger string
	// Param is the parameter it names.
	Param string
	// Contains is a substring of the error.
	Contains string
	// Secrets are credentials of the input the error must not show.
	Secrets []string
}

// Check fails t unless err is the error w describes.
func (w ParamErr) Check(t testing.TB, err error) {
	t.Helper()
	var pe *scalers.ParamError
	if !errors.As(err, &pe) || pe.Param != w.Param || pe.Trigger != w.Trigger || !strings.Contains(err.Error(), w.Contains) {
		t.Fatalf("err = %v, want a ParamError of %s for %s saying %q", err, w.Trigger, w.Param, w.Contains)
	}
	for _, s := range w.Secrets {
		if strings.Contains(err.Error(), s) {
			t.Fatalf("error shows a secret: %v", err)
		}
	}
}

// PollIs fails t unless the trigger was built (err, the constructor's, is
// nil) and one poll of its source, within ten seconds, returns want.
func PollIs(t testing.TB, tr *scalers.Trigger, err error, want float64) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if v, err := tr.Source.Poll(ctx); err != nil || v != want {
		t.Fatalf("Poll() = %v, %v; want %v", v, err, want)
	}
}

// A storage account's credentials for the storage-backed triggers' tests:
// StorageKey is a well-formed (base64) account key that opens nothing, and
// StorageConnection a connection string for account "acct" with it.
const (
	StorageKey        = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seQ=="
	StorageConnection = "AccountName=acct;AccountKey=" + StorageKey
)
