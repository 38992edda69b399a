package main

import "testing"

func TestRunRejectsBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"help", []string{"--help"}, 0},
		{"version", []string{"--version"}, 0},
		{"unknown flag", []string{"--nope"}, 2},
		{"invalid value", []string{"--max-held-requests=0"}, 2},
		{"bad address", []string{"--proxy-bind-address=nowhere"}, 2},
		{"unreachable cluster", []string{"--kubeconfig=/nonexistent", "--metrics-bind-address=127.0.0.1:0", "--proxy-bind-address=127.0.0.1:0"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := run(tt.args); got != tt.want {
				t.Errorf("run(%q) = %d, want %d", tt.args, got, tt.want)
			}
		})
	}
}
