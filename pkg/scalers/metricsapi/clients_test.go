package metricsapi

import (
	"testing"
)

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
