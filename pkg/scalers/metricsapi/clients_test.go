package metricsapi

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
)

func TestClientCache(t *testing.T) {
	c := NewClientCache(2)
	built := 0
	get := func(key string) *http.Client {
		return c.Client(key, func() *http.Client { built++; return &http.Client{} })
	}
	a := get("a")
	if get("a") != a || built != 1 {
		t.Fatalf("second Client(a) built a new client (built %d)", built)
	}
	get("b")
	get("a") // a is now the most recently used
	get("c") // evicts b
	if c.Len() != 2 {
		t.Fatalf("Len() = %d, want 2", c.Len())
	}
	if get("a") != a {
		t.Fatal("a was evicted, want b evicted")
	}
	before := built
	get("b")
	if built != before+1 {
		t.Fatal("b was not evicted")
	}
	if NewClientCache(0).size != DefaultCacheSize {
		t.Fatal("NewClientCache(0) is not DefaultCacheSize")
	}
}

func TestClientCacheConcurrent(t *testing.T) {
	c := NewClientCache(4)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				c.Client(strconv.Itoa((i+j)%8), func() *http.Client { return &http.Client{} })
			}
		}()
	}
	wg.Wait()
	if c.Len() > 4 {
		t.Fatalf("Len() = %d, want at most 4", c.Len())
	}
}

func TestTriggersShareClients(t *testing.T) {
	cache := NewClientCache(8)
	for _, tok := range []string{"a", "b"} {
		if _, err := newTrigger(t, cache, baseMeta("authMode", "bearer"), map[string]string{"token": tok}); err != nil {
			t.Fatal(err)
		}
	}
	if cache.Len() != 1 {
		t.Fatalf("Len() = %d after two bearer triggers, want 1", cache.Len())
	}
	if _, err := newTrigger(t, cache, baseMeta("unsafeSsl", "true"), nil); err != nil {
		t.Fatal(err)
	}
	if cache.Len() != 2 {
		t.Fatalf("Len() = %d after an unsafeSsl trigger, want 2", cache.Len())
	}
}
