package poll

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// closingSource is a fakeSource that counts its closes and records whether
// one came while a poll of it ran.
type closingSource struct {
	fakeSource
	closes       atomic.Int64
	closedInPoll atomic.Bool
}

func (c *closingSource) Close() {
	if c.inflight.Load() > 0 {
		c.closedInPoll.Store(true)
	}
	c.closes.Add(1)
}

func closes(n int64, c *closingSource) func() bool {
	return func() bool { return c.closes.Load() == n }
}

func TestDroppedSourcesAreClosed(t *testing.T) {
	h := start(t, nil)
	a, b, dup := &closingSource{}, &closingSource{}, &closingSource{}
	k1, k2 := Key{"ns", "one"}, Key{"ns", "two"}
	if err := h.e.Set(k1, spec(time.Minute, trigger("a", a, 0, 0), trigger("b", b, 1, 0))); err != nil {
		t.Fatal(err)
	}
	eventually(t, "first polls", func() bool { return a.calls.Load() == 1 && b.calls.Load() == 1 })
	// Another object names source a again with a Source of its own: that
	// one is never polled, so it is closed at once.
	if err := h.e.Set(k2, spec(time.Minute, trigger("a", dup, 0, 0))); err != nil {
		t.Fatal(err)
	}
	if dup.closes.Load() != 1 || a.closes.Load() != 0 {
		t.Fatalf("closes: duplicate %d, shared %d; want 1, 0", dup.closes.Load(), a.closes.Load())
	}
	// Re-setting the same spec closes nothing.
	if err := h.e.Set(k1, spec(time.Minute, trigger("a", a, 0, 0), trigger("b", b, 1, 0))); err != nil {
		t.Fatal(err)
	}
	// b leaves k1: closed once Set returns, since no poll of it runs.
	if err := h.e.Set(k1, spec(time.Minute, trigger("a", a, 0, 0))); err != nil {
		t.Fatal(err)
	}
	if b.closes.Load() != 1 || a.closes.Load() != 0 {
		t.Fatalf("closes: b %d, a %d; want 1, 0", b.closes.Load(), a.closes.Load())
	}
	// a is still used by k2.
	h.e.Delete(k1)
	if a.closes.Load() != 0 {
		t.Fatal("a source still used by another object was closed")
	}
	h.e.Delete(k2)
	if a.closes.Load() != 1 || dup.closes.Load() != 1 || b.closes.Load() != 1 {
		t.Fatalf("closes after deleting all: a %d, b %d, dup %d; want one each", a.closes.Load(), b.closes.Load(), dup.closes.Load())
	}
}

func TestSourceDroppedMidPollIsClosedAfterThePoll(t *testing.T) {
	h := start(t, nil)
	src := &closingSource{fakeSource: fakeSource{block: make(chan struct{})}}
	k := Key{"ns", "one"}
	if err := h.e.Set(k, spec(time.Minute, trigger("a", src, 0, 0))); err != nil {
		t.Fatal(err)
	}
	eventually(t, "poll in flight", func() bool { return src.inflight.Load() == 1 })
	h.e.Delete(k) // cancels the poll; Close waits for it to return
	eventually(t, "close after the poll", closes(1, src))
	if src.closedInPoll.Load() {
		t.Fatal("source closed while its poll ran")
	}
}

func TestRunClosesEverySourceWhenItReturns(t *testing.T) {
	h := start(t, nil)
	src := &closingSource{}
	if err := h.e.Set(Key{"ns", "one"}, spec(time.Minute, trigger("a", src, 0, 0))); err != nil {
		t.Fatal(err)
	}
	eventually(t, "first poll", calls(1, &src.fakeSource))
	h.shutdown()
	if src.closes.Load() != 1 {
		t.Fatalf("closes = %d after Run returned, want 1", src.closes.Load())
	}
}

// A closed source may be handed to the engine again and is polled again.
func TestClosedSourceSetAgainIsPolled(t *testing.T) {
	h := start(t, nil)
	src := &closingSource{}
	k := Key{"ns", "one"}
	if err := h.e.Set(k, spec(time.Minute, trigger("a", src, 0, 0))); err != nil {
		t.Fatal(err)
	}
	eventually(t, "first poll", calls(1, &src.fakeSource))
	h.e.Delete(k)
	if err := h.e.Set(k, spec(time.Minute, trigger("a", src, 0, 0))); err != nil {
		t.Fatal(err)
	}
	eventually(t, "poll after re-set", calls(2, &src.fakeSource))
}

// funcSource is a Source whose type == cannot compare.
type funcSource func(context.Context) (float64, error)

func (f funcSource) Poll(ctx context.Context) (float64, error) { return f(ctx) }

func TestUncomparableSourcesDoNotPanic(t *testing.T) {
	h := start(t, nil)
	src := funcSource(func(context.Context) (float64, error) { return 1, nil })
	for _, k := range []Key{{"ns", "one"}, {"ns", "two"}, {"ns", "one"}} {
		if err := h.e.Set(k, spec(time.Minute, trigger("a", src, 0, 0))); err != nil {
			t.Fatal(err)
		}
	}
	h.e.Delete(Key{"ns", "one"})
	h.e.Delete(Key{"ns", "two"})
}

// TestSharedSourceReplacesTheUnusedOne: a Trigger whose source another
// object already polls gets the polled Source in place of its own (closed
// unused), so the copy can be collected; setting that Trigger again, as
// the adapter does with a last good build, closes nothing and keeps the
// source polling for the second object after the first is gone.
func TestSharedSourceReplacesTheUnusedOne(t *testing.T) {
	h := start(t, nil)
	a, dup := &closingSource{}, &closingSource{}
	k1, k2 := Key{"ns", "one"}, Key{"ns", "two"}
	if err := h.e.Set(k1, spec(time.Minute, trigger("a", a, 0, 0))); err != nil {
		t.Fatal(err)
	}
	t2 := trigger("a", dup, 0, 0)
	if err := h.e.Set(k2, spec(time.Minute, t2)); err != nil {
		t.Fatal(err)
	}
	if t2.Trigger.Source != scalers.Source(a) || dup.closes.Load() != 1 {
		t.Fatalf("second trigger's Source = %p (closes of its own %d), want the polled %p", t2.Trigger.Source, dup.closes.Load(), a)
	}
	if err := h.e.Set(k2, spec(time.Minute, t2)); err != nil {
		t.Fatal(err)
	}
	h.e.Delete(k1)
	if a.closes.Load() != 0 || dup.closes.Load() != 1 {
		t.Fatalf("closes: shared %d, duplicate %d; want 0, 1", a.closes.Load(), dup.closes.Load())
	}
	a.set(7, nil)
	h.step(t, time.Minute)
	eventually(t, "the second object served by the shared source", func() bool {
		st, ok := h.e.State(k2)
		return ok && st.Triggers[0].Value == 7
	})
}
