package azureeventhub

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestHubCacheClosesIdleClients(t *testing.T) {
	now := time.Unix(1000, 0)
	c := newHubCache(2, time.Minute, func() time.Time { return now })
	conn := func(hub string) *hubConn {
		return &hubConn{key: hub, conn: "Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=k;SharedAccessKey=" + testHubKey + ";UseDevelopmentEmulator=true", hub: hub}
	}
	use := func(hub string) {
		t.Helper()
		now = now.Add(time.Second) // distinct use times: LRU order is defined
		if err := c.use(conn(hub), func(hubAPI) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	use("a")
	use("a")
	if c.Len() != 1 {
		t.Fatalf("len = %d, want one client shared", c.Len())
	}
	use("b")
	use("c") // over size: the least recently used idle client goes
	if c.Len() != 2 {
		t.Fatalf("len = %d, want 2", c.Len())
	}
	if c.c.Contains("a") {
		t.Fatal("a kept, want it evicted as least recently used")
	}
	now = now.Add(2 * time.Minute)
	use("d") // b and c idle for longer than a minute: closed
	if c.Len() != 1 {
		t.Fatalf("len = %d after idle time, want only d", c.Len())
	}
	// A client in use is never closed under its user.
	err := c.use(conn("e"), func(hubAPI) error {
		now = now.Add(time.Hour)
		use("f")
		if !c.c.Contains("e") {
			return errors.New("e closed while in use")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRedact(t *testing.T) {
	err := redact("op", errors.New("bad key "+testHubKey), []string{testHubKey})
	if strings.Contains(err.Error(), testHubKey) || !strings.HasPrefix(err.Error(), "op: bad key [redacted]") {
		t.Fatalf("err = %v", err)
	}
	if err := redact("op", context.DeadlineExceeded, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
}
