package flagtest

import (
	"errors"
	"runtime"
	"testing"

	"github.com/spf13/pflag"
)

func TestParse(t *testing.T) {
	var n int
	fs := Parse(t, func(fs *pflag.FlagSet) { fs.IntVar(&n, "n", 1, "a number") }, "--n=3")
	if n != 3 || fs.Lookup("n") == nil {
		t.Errorf("n = %d, flag %v; want 3 and the flag", n, fs.Lookup("n"))
	}
}

func TestExpectNamed(t *testing.T) {
	tests := []struct {
		name string
		errs []error
		want []string
		fail bool
	}{
		{"none", nil, nil, false},
		{"in order", []error{errors.New("--a: bad"), errors.New("--b: bad")}, []string{"--a", "--b"}, false},
		{"out of order", []error{errors.New("--b: bad"), errors.New("--a: bad")}, []string{"--a", "--b"}, true},
		{"prefix of a longer flag", []error{errors.New("--ab: bad")}, []string{"--a"}, true},
		{"one missing", []error{errors.New("--a: bad")}, []string{"--a", "--b"}, true},
		{"one too many", []error{errors.New("--a: bad")}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			done := make(chan struct{})
			go func() { // Fatalf ends the goroutine, as it does a test
				defer close(done)
				ExpectNamed(rec, tt.errs, tt.want)
			}()
			<-done
			if rec.failed != tt.fail {
				t.Errorf("failed = %t, want %t", rec.failed, tt.fail)
			}
		})
	}
}

// recorder is a testing.TB that records a failure instead of failing.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) {
	r.failed = true
	runtime.Goexit()
}
