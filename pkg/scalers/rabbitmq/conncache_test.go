package rabbitmq

import (
	"context"
	"sync/atomic"
	"testing"
)

// fakeReader counts its closes.
type fakeReader struct {
	closed atomic.Int32
}

func (f *fakeReader) queue(context.Context, string, string) (stats, error) { return stats{}, nil }
func (f *fakeReader) matching(context.Context, string, string, int64) ([]stats, error) {
	return nil, nil
}
func (f *fakeReader) close() { f.closed.Add(1) }

// TestConnCacheSharesUntilLastClose checks the sharing through sources: two
// triggers on one broker share a reader, which closes when the last source
// is closed, and a closed source polled again holds a fresh one.
func TestConnCacheSharesUntilLastClose(t *testing.T) {
	c := NewConnCache()
	made := 0
	newReader := func() reader { made++; return &fakeReader{} }
	a := &source{h: c.hold("a", newReader), t: &target{}}
	b := &source{h: c.hold("a", newReader), t: &target{}}
	c.hold("b", newReader)
	ra, _ := a.h.Get()
	rb, _ := b.h.Get()
	if ra != rb || made != 2 || c.Len() != 2 {
		t.Fatalf("shared %v, made %d, len %d; want shared, 2, 2", ra == rb, made, c.Len())
	}
	a.Close()
	if c.Len() != 2 || ra.(*fakeReader).closed.Load() != 0 {
		t.Fatal("closed with a holder left")
	}
	b.Close()
	b.Close() // one too many: ignored
	if n := ra.(*fakeReader).closed.Load(); n != 1 || c.Len() != 1 {
		t.Fatalf("reader closed %d times, len %d; want once, 1", n, c.Len())
	}
	if _, _, err := a.PollActivity(context.Background()); err != nil {
		t.Fatal(err)
	}
	if again, _ := a.h.Get(); again == ra || made != 3 || c.Len() != 2 {
		t.Fatal("a closed reader was handed out again")
	}
}
