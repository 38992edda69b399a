package rabbitmq

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindSbin(t *testing.T) {
	empty := t.TempDir()
	t.Setenv(SbinEnv, empty)
	if _, err := FindSbin(); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), empty) {
		t.Fatalf("empty %s: %v, want ErrNotFound naming the dir", SbinEnv, err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rabbitmq-server"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(SbinEnv, dir)
	if got, err := FindSbin(); err != nil || got != dir {
		t.Fatalf("%s=%s: %q, %v", SbinEnv, dir, got, err)
	}
}

func TestURLs(t *testing.T) {
	b := &Broker{AMQPPort: 5672, ManagementPort: 15672, Password: "p@ss"}
	tests := []struct{ got, want string }{
		{b.AMQPURL("/"), "amqp://sluice:p%40ss@127.0.0.1:5672/%2F"},
		{b.AMQPURL(""), "amqp://sluice:p%40ss@127.0.0.1:5672/"},
		{b.ManagementURL("a b"), "http://sluice:p%40ss@127.0.0.1:15672/a%20b"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %s, want %s", tt.got, tt.want)
		}
		if _, err := url.Parse(tt.got); err != nil {
			t.Errorf("%s: %v", tt.got, err)
		}
	}
}
