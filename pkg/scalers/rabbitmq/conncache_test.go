package rabbitmq

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// fakeReader counts its closes and signals each on done.
type fakeReader struct {
	closed atomic.Int32
	done   chan struct{}
}

func newFakeReader() *fakeReader { return &fakeReader{done: make(chan struct{}, 4)} }

func (f *fakeReader) queue(context.Context, string, string) (stats, error) { return stats{}, nil }
func (f *fakeReader) matching(context.Context, string, string, int64) ([]stats, error) {
	return nil, nil
}
func (f *fakeReader) close() {
	f.closed.Add(1)
	f.done <- struct{}{}
}

func TestConnCacheRefCounts(t *testing.T) {
	c := NewConnCache()
	made := 0
	newReader := func() reader { made++; return newFakeReader() }
	r1 := c.acquire("a", newReader)
	r2 := c.acquire("a", newReader)
	c.acquire("b", newReader)
	if r1 != r2 || made != 2 || c.Len() != 2 {
		t.Fatalf("shared %v, made %d, len %d; want shared, 2, 2", r1 == r2, made, c.Len())
	}
	c.release("a")
	if c.Len() != 2 || r1.(*fakeReader).closed.Load() != 0 {
		t.Fatal("released with a holder left")
	}
	c.release("a")
	c.release("a") // one too many: ignored
	// The last release closes the reader on a goroutine of its own.
	select {
	case <-r1.(*fakeReader).done:
	case <-time.After(10 * time.Second):
		t.Fatal("last release did not close the reader")
	}
	if n := r1.(*fakeReader).closed.Load(); n != 1 {
		t.Fatalf("reader closed %d times, want once", n)
	}
	if c.Len() != 1 {
		t.Fatalf("len %d after releasing a, want 1", c.Len())
	}
	if r3 := c.acquire("a", newReader); r3 == r1 || made != 3 {
		t.Fatal("a closed reader was handed out again")
	}
}
