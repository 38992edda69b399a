// Package testerr checks the error of one row of a table test, for the
// tests of pkg/scalers and its trigger types. Only tests import it.
package testerr

import (
	"strings"
	"testing"
)

// Want checks err, what call returned, against want, a row's expected
// error. With want "" it fails t on any error and returns false, so that
// the caller goes on to check the result. Otherwise it fails t unless err
// contains want and none of secrets (credentials of the input; "" ones are
// skipped), and returns true: the row is done.
func Want(t testing.TB, call string, err error, want string, secrets ...string) bool {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("%s error = %v", call, err)
		}
		return false
	}
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("%s error = %v, want one containing %q", call, err, want)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Fatalf("%s error %q reveals a secret", call, err)
		}
	}
	return true
}
