package boundaddrs

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteRead(t *testing.T) {
	tests := []struct {
		name  string
		addrs map[string]net.Addr
		want  map[string]string
	}{
		{"none", map[string]net.Addr{}, map[string]string{}},
		{"two", map[string]net.Addr{
			Metrics: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40123},
			Secure:  &net.TCPAddr{IP: net.IPv6loopback, Port: 443},
		}, map[string]string{Metrics: "127.0.0.1:40123", Secure: "[::1]:443"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "bound.json")
			if err := Write(path, tt.addrs); err != nil {
				t.Fatal(err)
			}
			got, err := Read(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Read = %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("Read[%q] = %q, want %q", k, got[k], v)
				}
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 {
				t.Errorf("dir holds %d entries, want only the file (no temporary left)", len(entries))
			}
		})
	}
}

func TestWriteReplaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bound.json")
	for _, port := range []int{1, 2} {
		if err := Write(path, map[string]net.Addr{Metrics: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port}}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Read(path)
	if err != nil || got[Metrics] != "127.0.0.1:2" {
		t.Errorf("Read = %v, %v, want the second write", got, err)
	}
}

func TestWriteEmptyPathWritesNothing(t *testing.T) {
	if err := Write("", map[string]net.Addr{Metrics: &net.TCPAddr{}}); err != nil {
		t.Errorf("Write(\"\") = %v", err)
	}
}

func TestWriteFails(t *testing.T) {
	err := Write(filepath.Join(t.TempDir(), "missing", "bound.json"), nil)
	if err == nil {
		t.Fatal("Write into a missing directory succeeded")
	}
}

func TestReadMissingAndBroken(t *testing.T) {
	dir := t.TempDir()
	if _, err := Read(filepath.Join(dir, "none")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read(missing) = %v, want fs.ErrNotExist", err)
	}
	broken := filepath.Join(dir, "broken")
	if err := os.WriteFile(broken, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(broken); err == nil {
		t.Error("Read(broken) succeeded")
	}
}
