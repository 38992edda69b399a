package app

import "testing"

// TestReadinessMeansCanServe: ready as soon as the informers synced and the
// metrics API serves; objects and their polls play no part, so an object
// whose triggers were never polled cannot make the adapter NotReady.
func TestReadinessMeansCanServe(t *testing.T) {
	synced := func(ok bool) func() bool { return func() bool { return ok } }
	tests := []struct {
		name    string
		w       func() bool
		serving bool
		ready   bool
	}{
		{"synced and serving", synced(true), true, true},
		{"informers not synced", synced(false), true, false},
		{"server not up", synced(true), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := readiness(tt.w, func() bool { return tt.serving })()
			if (err == nil) != tt.ready {
				t.Errorf("readiness = %v, want ready %v", err, tt.ready)
			}
		})
	}
}
