package azureservicebus

import (
	"context"
	"errors"
	"regexp"
	"runtime"
	"testing"
	"time"
)

// fakeCounter serves fixed counts.
type fakeCounter struct {
	queues map[string]int64
	subs   map[string]int64
	err    error
}

func (f *fakeCounter) Queue(_ context.Context, name string) (int64, error) {
	if n, ok := f.queues[name]; ok {
		return n, f.err
	}
	return 0, ErrEntityNotFound
}

func (f *fakeCounter) Subscription(_ context.Context, _, name string) (int64, error) {
	if n, ok := f.subs[name]; ok {
		return n, f.err
	}
	return 0, ErrEntityNotFound
}

func (f *fakeCounter) Queues(_ context.Context, each func(string, int64)) error {
	for k, v := range f.queues {
		each(k, v)
	}
	return f.err
}

func (f *fakeCounter) Subscriptions(_ context.Context, _ string, each func(string, int64)) error {
	for k, v := range f.subs {
		each(k, v)
	}
	return f.err
}

func TestPollArithmetic(t *testing.T) {
	c := &fakeCounter{
		queues: map[string]int64{"jobs-a": 3, "jobs-b": 8, "jobs-c": 0, "other": 100, "xjobs-d": 50},
		subs:   map[string]int64{"billing": 4, "billing-eu": 7, "archive": 9},
	}
	re := func(s string) *regexp.Regexp { r, _ := compileName(s); return r }
	tests := []struct {
		name string
		src  source
		want float64
	}{
		{"queue", source{name: "other"}, 100},
		{"subscription", source{topic: "t", name: "billing"}, 4},
		{"sum", source{pattern: re("jobs-.*"), op: OpSum}, 11},
		{"max", source{pattern: re("jobs-.*"), op: OpMax}, 8},
		{"avg rounds down", source{pattern: re("jobs-.*"), op: OpAvg}, 3},
		{"whole names only", source{pattern: re("jobs"), op: OpSum}, 0},
		{"alternation matches whole names", source{pattern: re("jobs-a|other"), op: OpSum}, 103},
		{"no match is 0", source{pattern: re("nothing"), op: OpAvg}, 0},
		{"subscriptions sum", source{topic: "t", pattern: re("billing.*"), op: OpSum}, 11},
		{"subscriptions avg", source{topic: "t", pattern: re(".*"), op: OpAvg}, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.src.counter = c
			got, err := tt.src.Poll(context.Background())
			if err != nil || got != tt.want {
				t.Fatalf("Poll = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestPollErrors(t *testing.T) {
	boom := errors.New("boom")
	for _, src := range []source{{name: "missing"}, {topic: "t", name: "missing"}} {
		src.counter = &fakeCounter{}
		if _, err := src.Poll(context.Background()); !errors.Is(err, ErrEntityNotFound) {
			t.Errorf("missing entity: %v", err)
		}
	}
	for _, src := range []source{{pattern: regexp.MustCompile(".*")}, {topic: "t", pattern: regexp.MustCompile(".*")}} {
		src.counter = &fakeCounter{queues: map[string]int64{"a": 1}, subs: map[string]int64{"a": 1}, err: boom}
		if _, err := src.Poll(context.Background()); !errors.Is(err, boom) {
			t.Errorf("listing error: %v", err)
		}
	}
}

// TestClientCacheSharesAndDrops checks that triggers on one namespace and
// credential share a client, and that the client leaves the cache once no
// trigger holds it.
func TestClientCacheSharesAndDrops(t *testing.T) {
	cache := NewClientCache(nil)
	build := func(conn, queue string) *source {
		tr, err := newTrigger(cache, map[string]string{"queueName": queue}, map[string]string{"connection": conn}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return tr.Source.(*source)
	}
	client := func(s *source) *namespaceClient {
		nc, err := s.counter.(*heldCounter).h.Get()
		if err != nil {
			t.Fatal(err)
		}
		return nc
	}
	func() {
		a, b := build(testConn, "a"), build(testConn, "b")
		if client(a) != client(b) || cache.Len() != 1 {
			t.Fatalf("same namespace and key: %d clients, shared %v", cache.Len(), client(a) == client(b))
		}
		if entity := build(testConn+";EntityPath=c", "c"); client(entity) != client(a) {
			t.Fatal("an entity path of the same namespace and key got another client")
		}
		if c := build(emulator, "c"); client(c) == client(a) || cache.Len() != 2 {
			t.Fatalf("another namespace: %d clients", cache.Len())
		}
		// Closed by the poll engine: the client goes once no source holds it.
		c := build(emulator, "d")
		c.Close()
		if cache.Len() != 2 {
			t.Fatalf("%d clients after closing one of two holders, want 2", cache.Len())
		}
	}()
	// The triggers are gone: the garbage collector must drop the clients.
	deadline := time.Now().Add(30 * time.Second)
	for cache.Len() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d clients still cached after their triggers were dropped", cache.Len())
		}
		runtime.GC()
		runtime.Gosched()
	}
}
