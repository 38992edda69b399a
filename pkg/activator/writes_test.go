package activator

import (
	"strconv"
	"testing"

	"k8s.io/apimachinery/pkg/types"
)

func TestWriteLog(t *testing.T) {
	const key, uid = "default/a", types.UID("u1")
	tests := []struct {
		name     string
		rv       string // the write's resourceVersion
		uid      types.UID
		cachedRV string
		want     bool // pending returns the write
		kept     bool // the entry survives the lookup
	}{
		{"cache older than the write", "120", uid, "119", true, true},
		{"cache much older (shorter number)", "1000", uid, "99", true, true},
		{"cache without the object", "120", uid, "", true, true},
		{"cache at the write", "120", uid, "120", false, false},
		{"cache past the write", "120", uid, "121", false, false},
		{"another object of the same name", "120", "u2", "119", false, false},
		{"malformed cached resourceVersion", "120", uid, "x1", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newWriteLog[string]()
			l.record(key, uid, tt.rv, "written")
			got, ok := l.pending(key, tt.uid, tt.cachedRV)
			if ok != tt.want || (ok && got != "written") {
				t.Errorf("pending = %q, %v; want %v", got, ok, tt.want)
			}
			if n := l.len(); (n == 1) != tt.kept {
				t.Errorf("%d entries left, want kept=%v", n, tt.kept)
			}
		})
	}
}

func TestWriteLogCaughtUp(t *testing.T) {
	tests := []struct {
		name      string
		eventRV   string
		echo      bool
		remaining int
	}{
		{"an older event (another writer's, before ours)", "119", false, 1},
		{"the write's own event", "120", true, 0},
		{"a later event (the write's echo was merged into it)", "121", false, 0},
		{"a malformed event resourceVersion", "", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newWriteLog[int]()
			l.record("k", "u", "120", 1)
			if echo := l.caughtUp("k", tt.eventRV); echo != tt.echo {
				t.Errorf("caughtUp = %v, want %v", echo, tt.echo)
			}
			if n := l.len(); n != tt.remaining {
				t.Errorf("%d entries left, want %d", n, tt.remaining)
			}
		})
	}
	l := newWriteLog[int]()
	if l.caughtUp("k", "5") {
		t.Error("an unknown key is an echo")
	}
	l.record("k", "u", "", 1) // the server gave no resourceVersion
	if _, ok := l.pending("k", "u", ""); ok || l.len() != 0 {
		t.Error("a write without a resourceVersion was remembered")
	}
	l.record("k", "u", "7", 1)
	l.forget("k")
	if l.len() != 0 {
		t.Error("forget left the entry")
	}
	// A write in flight has no resourceVersion to compare with yet.
	l.begin("k", "u", 2)
	if _, ok := l.pending("k", "u", "5"); ok || l.caughtUp("k", "9") || l.len() != 1 {
		t.Error("a write in flight was taken as stored or dropped")
	}
	if l.inFlightEcho("k", func(v int) bool { return v == 3 }) {
		t.Error("other content taken for the echo")
	}
	l.record("k", "u", "10", 2)
	if v, ok := l.pending("k", "u", "9"); !ok || v != 2 {
		t.Errorf("the answered write is not remembered: %v %v", v, ok)
	}
}

// BenchmarkWriteLogEcho is the write log's cost on the event path: one
// write recorded and its watch echo recognised, as for every status and
// HPA apply in a burst, with 10,000 other writes pending.
func BenchmarkWriteLogEcho(b *testing.B) {
	l := newWriteLog[int]()
	for i := range 10000 {
		l.record("ns/other-"+strconv.Itoa(i), "u", "100", i)
	}
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = "ns/so-" + strconv.Itoa(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		k := keys[i%len(keys)]
		l.record(k, "u", "12345678", i)
		if !l.caughtUp(k, "12345678") {
			b.Fatal("echo not recognised")
		}
	}
}
