package httpclient

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
)

func TestClientCache(t *testing.T) {
	c := NewCache(2)
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
	d := NewCache(0)
	for i := range DefaultCacheSize + 1 {
		d.Client(strconv.Itoa(i), func() *http.Client { return &http.Client{} })
	}
	if d.Len() != DefaultCacheSize {
		t.Fatalf("NewCache(0) holds %d clients, want DefaultCacheSize", d.Len())
	}
}

func TestClientCacheConcurrent(t *testing.T) {
	c := NewCache(4)
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
