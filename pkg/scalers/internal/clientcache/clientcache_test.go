package clientcache

import (
	"errors"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// client is a fake client that counts its closes.
type client struct {
	id     int
	closed atomic.Int32
}

// fixture is a cache of fake clients on a settable clock.
type fixture struct {
	c     *Cache[*client]
	now   time.Time
	built int
}

func newFixture(opts Options[*client]) *fixture {
	f := &fixture{now: time.Unix(1000, 0)}
	opts.Now = func() time.Time { return f.now }
	opts.Close = func(c *client) { c.closed.Add(1) }
	f.c = New(opts)
	return f
}

func (f *fixture) build() (*client, error) {
	f.built++
	return &client{id: f.built}, nil
}

func (f *fixture) get(t *testing.T, key string) *client {
	t.Helper()
	v, err := f.c.Get(key, f.build)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (f *fixture) acquire(t *testing.T, key string) *Lease[*client] {
	t.Helper()
	l, err := f.c.Acquire(key, f.build)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestGetSharesAndEvictsLeastRecentlyUsed(t *testing.T) {
	f := newFixture(Options[*client]{Size: 2})
	a := f.get(t, "a")
	if f.get(t, "a") != a || f.built != 1 {
		t.Fatal("second Get(a) built again")
	}
	b := f.get(t, "b")
	f.get(t, "a")
	f.get(t, "c") // evicts b
	if f.c.Len() != 2 || f.get(t, "a") != a {
		t.Fatal("a evicted, want b")
	}
	if b.closed.Load() != 1 || a.closed.Load() != 0 {
		t.Fatalf("closes: a %d, b %d; want b closed once, a open", a.closed.Load(), b.closed.Load())
	}
	if _, err := f.c.Get("bad", func() (*client, error) { return nil, errors.New("no") }); err == nil || f.c.Len() != 2 {
		t.Fatal("a failed build was cached or its error lost")
	}
	if _, err := f.c.Acquire("bad", func() (*client, error) { return nil, errors.New("no") }); err == nil || f.c.Len() != 2 {
		t.Fatal("a failed build was held or its error lost")
	}
	if New(Options[int]{}).opts.Size != DefaultSize || New(Options[int]{Size: -1}).opts.Size != DefaultSize {
		t.Fatal("a Size not positive is not DefaultSize")
	}
	u := New(Options[int]{Size: 1, Unbounded: true})
	for i := range DefaultSize + 1 {
		if _, err := u.Get(strconv.Itoa(i), func() (int, error) { return i, nil }); err != nil {
			t.Fatal(err)
		}
	}
	if u.Len() != DefaultSize+1 {
		t.Fatalf("an unbounded cache holds %d, want %d", u.Len(), DefaultSize+1)
	}
}

func TestHeldClientIsNeverClosedUnderItsHolder(t *testing.T) {
	f := newFixture(Options[*client]{Size: 1, Idle: time.Minute})
	l := f.acquire(t, "a")
	f.now = f.now.Add(time.Hour)
	f.get(t, "b") // over size: a leaves the cache but stays open
	if got := l.Value(); got.closed.Load() != 0 {
		t.Fatal("a held client was closed on eviction")
	}
	if n := f.get(t, "a"); n == l.Value() {
		t.Fatal("a dropped client was handed out again")
	}
	l.Release()
	l.Release() // only the first counts
	if n := l.Value().closed.Load(); n != 1 {
		t.Fatalf("dropped client closed %d times after release, want once", n)
	}
}

func TestIdleClientsAreClosed(t *testing.T) {
	f := newFixture(Options[*client]{Size: 2, Idle: time.Minute})
	use := func(key string) {
		t.Helper()
		f.now = f.now.Add(time.Second) // distinct use times
		if err := f.c.Use(key, f.build, func(*client) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	use("a")
	use("a")
	if f.c.Len() != 1 || f.built != 1 {
		t.Fatalf("len %d, built %d; want one client shared", f.c.Len(), f.built)
	}
	use("b")
	use("c") // over size: the least recently used goes
	if f.c.Len() != 2 || f.c.Contains("a") {
		t.Fatalf("len %d, a kept %v; want 2 without a", f.c.Len(), f.c.Contains("a"))
	}
	f.now = f.now.Add(2 * time.Minute)
	use("d") // b and c idle for longer than a minute
	if f.c.Len() != 1 || !f.c.Contains("d") {
		t.Fatalf("len %d after idle time, want only d", f.c.Len())
	}
	// A client in use is never dropped as idle.
	err := f.c.Use("e", f.build, func(e *client) error {
		f.now = f.now.Add(time.Hour)
		use("f")
		if e.closed.Load() != 0 || !f.c.Contains("e") {
			return errors.New("e dropped while in use")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDropUnheldClosesOnLastRelease(t *testing.T) {
	f := newFixture(Options[*client]{DropUnheld: true})
	l1, l2 := f.acquire(t, "a"), f.acquire(t, "a")
	f.acquire(t, "b")
	if l1.Value() != l2.Value() || f.built != 2 || f.c.Len() != 2 {
		t.Fatalf("shared %v, built %d, len %d; want shared, 2, 2", l1.Value() == l2.Value(), f.built, f.c.Len())
	}
	l1.Release()
	l1.Release() // one too many: ignored
	if f.c.Len() != 2 || l1.Value().closed.Load() != 0 {
		t.Fatal("closed with a holder left")
	}
	l2.Release()
	if n := l1.Value().closed.Load(); n != 1 || f.c.Len() != 1 {
		t.Fatalf("closed %d times, len %d; want once, 1", n, f.c.Len())
	}
	if l3 := f.acquire(t, "a"); l3.Value() == l1.Value() || f.built != 3 {
		t.Fatal("a closed client was handed out again")
	}
}

func TestPurgeClosesUnheldNowAndHeldOnRelease(t *testing.T) {
	f := newFixture(Options[*client]{})
	free := f.get(t, "a")
	held := f.acquire(t, "b")
	f.c.Purge()
	if f.c.Len() != 0 || free.closed.Load() != 1 || held.Value().closed.Load() != 0 {
		t.Fatal("purge closed the held client or kept the free one")
	}
	held.Release()
	if held.Value().closed.Load() != 1 {
		t.Fatal("held client not closed on release after purge")
	}
}

func TestHandleHoldsClosesAndHoldsAgain(t *testing.T) {
	f := newFixture(Options[*client]{DropUnheld: true})
	h, err := f.c.Hold("a", f.build)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := h.Get()
	if again, _ := h.Get(); again != first || f.c.Len() != 1 {
		t.Fatal("a handle's client changed or was not cached")
	}
	h.Close()
	h.Close()
	if first.closed.Load() != 1 || f.c.Len() != 0 {
		t.Fatalf("closed %d times, len %d after Close; want once, 0", first.closed.Load(), f.c.Len())
	}
	second, err := h.Get() // used again after Close
	if err != nil || second == first || second.closed.Load() != 0 || f.c.Len() != 1 {
		t.Fatal("a closed handle did not hold a fresh client again")
	}
	if _, err := f.c.Hold("bad", func() (*client, error) { return nil, errors.New("no") }); err == nil {
		t.Fatal("Hold lost a build error")
	}
}

func TestCloseWhenUnreachable(t *testing.T) {
	closed := make(chan *client, 1)
	c := New(Options[*client]{DropUnheld: true, Close: func(v *client) { closed <- v }})
	func() {
		h, err := c.Hold("a", func() (*client, error) { return &client{id: 1}, nil })
		if err != nil {
			t.Fatal(err)
		}
		owner := &struct{ h *Handle[*client] }{h: h}
		CloseWhenUnreachable(owner, h)
	}()
	deadline := time.After(30 * time.Second)
	for {
		runtime.GC()
		select {
		case v := <-closed:
			if v.id != 1 || c.Len() != 0 {
				t.Fatalf("closed client %d, len %d", v.id, c.Len())
			}
			return
		case <-deadline:
			t.Fatal("the handle of a collected owner was not closed")
		case <-time.After(10 * time.Millisecond): // collect again
		}
	}
}

func TestConcurrent(t *testing.T) {
	var opened, closes atomic.Int64
	c := New(Options[int]{Size: 4, Idle: time.Nanosecond, Close: func(int) { closes.Add(1) }})
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for j := range 50 {
				key := strconv.Itoa((i + j) % 8)
				build := func() (int, error) { opened.Add(1); return j, nil }
				if j%2 == 0 {
					_, _ = c.Get(key, build)
				} else {
					_ = c.Use(key, build, func(int) error { return nil })
				}
			}
		})
	}
	wg.Wait()
	if c.Len() > 4 {
		t.Fatalf("Len() = %d, want at most 4", c.Len())
	}
	c.Purge()
	if opened.Load() != closes.Load() {
		t.Fatalf("%d clients built, %d closed", opened.Load(), closes.Load())
	}
}

// BenchmarkGetHit is the cost a poll pays for its shared client.
func BenchmarkGetHit(b *testing.B) {
	c := New(Options[int]{})
	build := func() (int, error) { return 1, nil }
	_, _ = c.Get("k", build)
	for b.Loop() {
		_, _ = c.Get("k", build)
	}
}

// BenchmarkUseHit is the cost of holding a client for one poll.
func BenchmarkUseHit(b *testing.B) {
	c := New(Options[int]{Idle: time.Minute})
	build := func() (int, error) { return 1, nil }
	fn := func(int) error { return nil }
	for b.Loop() {
		_ = c.Use("k", build, fn)
	}
}
