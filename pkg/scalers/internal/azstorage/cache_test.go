package azstorage

import (
	"errors"
	"strconv"
	"sync"
	"testing"
)

func TestCache(t *testing.T) {
	c := NewCache[*int](2)
	built := 0
	get := func(key string) *int {
		v, err := c.Get(key, func() (*int, error) { built++; n := built; return &n, nil })
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	a := get("a")
	if get("a") != a || built != 1 {
		t.Fatal("second Get(a) built again")
	}
	get("b")
	get("a")
	get("c") // evicts b
	if c.Len() != 2 || get("a") != a {
		t.Fatal("a evicted, want b")
	}
	if _, err := c.Get("bad", func() (*int, error) { return nil, errors.New("no") }); err == nil || c.Len() != 2 {
		t.Fatal("a failed build was cached or its error lost")
	}
	if NewCache[int](0).size != DefaultCacheSize {
		t.Fatal("NewCache(0) is not DefaultCacheSize")
	}
}

func TestCacheConcurrent(t *testing.T) {
	c := NewCache[int](4)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				_, _ = c.Get(strconv.Itoa((i+j)%8), func() (int, error) { return j, nil })
			}
		}()
	}
	wg.Wait()
	if c.Len() > 4 {
		t.Fatalf("Len() = %d, want at most 4", c.Len())
	}
}
