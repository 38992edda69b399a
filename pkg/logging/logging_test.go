package logging

import "testing"

func TestNew(t *testing.T) {
	tests := []struct {
		name, format, level string
		wantErr             bool
	}{
		{"json info", FormatJSON, "info", false},
		{"console debug", FormatConsole, "debug", false},
		{"bad format", "xml", "info", true},
		{"bad level", FormatJSON, "loud", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, err := New(tt.format, tt.level)
			if (err != nil) != tt.wantErr {
				t.Fatalf("New(%q, %q) error = %v, want error %v", tt.format, tt.level, err, tt.wantErr)
			}
			if err == nil {
				RouteKlog(log)
			}
			if ValidFormat(tt.format) == (tt.format == "xml") || ValidLevel(tt.level) == (tt.level == "loud") {
				t.Errorf("ValidFormat/ValidLevel disagree with New for %q/%q", tt.format, tt.level)
			}
		})
	}
}
