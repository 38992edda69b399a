package kubeutil

import "testing"

func TestForNamespace(t *testing.T) {
	tests := []struct {
		name        string
		byNamespace map[string]string
		ns, want    string
	}{
		{"its own", map[string]string{"a": "lister a", "": "lister all"}, "a", "lister a"},
		{"every namespace's", map[string]string{"": "lister all"}, "b", "lister all"},
		{"not watched", map[string]string{"a": "lister a"}, "b", ""},
		{"none", nil, "a", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ForNamespace(tt.byNamespace, tt.ns); got != tt.want {
				t.Errorf("ForNamespace(%v, %q) = %q, want %q", tt.byNamespace, tt.ns, got, tt.want)
			}
		})
	}
}
