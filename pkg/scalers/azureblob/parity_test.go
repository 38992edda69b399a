package azureblob

import (
	"context"
	"strings"
	"testing"

	"github.com/gobwas/glob"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/scalertest"
)

// kedaDocs is KEDA's page for this trigger; rows cite its sections.
const kedaDocs = "https://keda.sh/docs/latest/scalers/azure-storage-blob/"

const parityConn = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + scalertest.StorageKey + ";EndpointSuffix=core.windows.net"

// TestParityConfig holds what KEDA does with an azure-blob trigger's
// parameters (per its docs, section cited per row) next to what Sluice
// does. WantErr is "" when both accept the input.
func TestParityConfig(t *testing.T) {
	tests := []scalertest.ConfigRow{
		{Name: "inline connection string", KEDA: "accepted (#trigger-specification: connection)", Meta: map[string]string{"connection": parityConn}, Warning: "written in plain metadata"},
		{Name: "auth wins over env and metadata", KEDA: "order authParams, resolvedEnv, triggerMetadata", Meta: map[string]string{"connection": "junk", "connectionFromEnv": "C"},
			Auth: map[string]string{"connection": parityConn}, Env: map[string]string{"C": "junk"}},
		{Name: "env wins over metadata", KEDA: "order authParams, resolvedEnv, triggerMetadata", Meta: map[string]string{"connection": "junk", "connectionFromEnv": "C"}, Env: map[string]string{"C": parityConn + "\n"}},
		{Name: "globPattern with leading slash", KEDA: "stripped (#trigger-specification: globPattern)", Meta: map[string]string{"globPattern": "/in/*.csv"}, Auth: map[string]string{"connection": parityConn}},
		{Name: "globPattern invalid", KEDA: "error", Meta: map[string]string{"globPattern": "[a"}, Auth: map[string]string{"connection": parityConn}, WantErr: `parameter "globPattern"`},
		{Name: "globPattern that makes the library panic", KEDA: "KEDA's matcher panics; Sluice refuses it", Meta: map[string]string{"globPattern": "0{"}, Auth: map[string]string{"connection": parityConn}, WantErr: `parameter "globPattern": malformed pattern`},
		{Name: "blobCount 0", KEDA: "error: must be positive", Meta: map[string]string{"blobCount": "0"}, Auth: map[string]string{"connection": parityConn}, WantErr: `parameter "blobCount"`},
		{Name: "recursive not a bool", KEDA: "error", Meta: map[string]string{"recursive": "yes"}, Auth: map[string]string{"connection": parityConn}, WantErr: `parameter "recursive"`},
		{Name: "unknown key", KEDA: "ignored (logged when KEDA_CHECK_UNEXPECTED_SCALERS_PARAMS)", Meta: map[string]string{"blobPrefx": "x"}, Auth: map[string]string{"connection": parityConn}, Warning: `"blobPrefx" is not a parameter`},
	}
	for _, row := range tests {
		row.Meta["blobContainerName"] = "files"
	}
	scalertest.ParityConfig(t, Type, New(nil), kedaDocs, tests, func(t *testing.T, _ scalertest.ConfigRow, tr *scalers.Trigger) {
		if !strings.HasPrefix(tr.Key, "azure-blob https://acct.blob.core.windows.net ") {
			t.Errorf("key %q: the connection string was not the one KEDA's order picks", tr.Key)
		}
		if strings.Contains(tr.Warning, scalertest.StorageKey) {
			t.Fatalf("warning reveals the key")
		}
	})
}

// TestParityGlob holds KEDA's glob semantics (github.com/gobwas/glob
// without separators, a leading "/" stripped) for the names a flat
// listing returns.
func TestParityGlob(t *testing.T) {
	tests := []struct {
		pattern string
		match   []string
		nomatch []string
	}{
		{"*.csv", []string{"a.csv", "d/e/f.csv"}, []string{"a.csv.bak", "a.CSV"}},
		{"/in/*.json", []string{"in/a.json", "in/x/b.json"}, []string{"/in/a.json", "out/a.json"}},
		{"in/**", []string{"in/", "in/a/b"}, []string{"input"}},
		// gobwas/glob's optimised form of this pattern compares lengths in
		// bytes, so a two-byte character does not match ?: KEDA does the
		// same, and so does Sluice by using the same library.
		{"?.txt", []string{"a.txt"}, []string{"ab.txt", "é.txt"}},
		{"[ab]-[0-9]", []string{"a-1", "b-9"}, []string{"c-1"}},
		{"[!ab]*", []string{"c", "cat"}, []string{"a", "bat"}},
		{"{jpg,png}/*", []string{"jpg/1", "png/2"}, []string{"gif/1"}},
		{`\*`, []string{"*"}, []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			g, err := compileGlob(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.match {
				if !mustMatch(t, g, s) {
					t.Errorf("%q does not match %q", tt.pattern, s)
				}
			}
			for _, s := range tt.nomatch {
				if mustMatch(t, g, s) {
					t.Errorf("%q matches %q", tt.pattern, s)
				}
			}
		})
	}
}

func FuzzCompileGlob(f *testing.F) {
	for _, s := range []string{"*.csv", "{a,b{c,d}}", "[!a-z]?", `\*`, "[", "{", "[a-]", "/x/*"} {
		f.Add(s, "a.csv")
	}
	f.Fuzz(func(t *testing.T, pattern, name string) {
		g, err := compileGlob(pattern)
		if err != nil {
			return
		}
		_, _ = g.match(name)
		// A pattern of letters, digits, '.' and '_' matches exactly itself.
		// (The library has quirks outside printable ASCII, KEDA's too.)
		literal := pattern != "" && !strings.ContainsFunc(pattern, func(r rune) bool {
			return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '.' && r != '_'
		})
		if ok, _ := g.match(pattern); literal && !ok {
			t.Fatalf("literal %q does not match itself", pattern)
		}
	})
}

func BenchmarkGlobMatch(b *testing.B) {
	g, err := compileGlob("in/{2024,2025}/*/[0-9]*.json")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_, _ = g.match("in/2025/orders/123-abc.json")
	}
}

func mustMatch(t *testing.T, g *matcher, s string) bool {
	t.Helper()
	ok, err := g.match(s)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestPollSurvivesLibraryPanic checks that a pattern which makes the glob
// library panic at match time fails the poll instead of the process.
func TestPollSurvivesLibraryPanic(t *testing.T) {
	g, err := glob.Compile("0{")
	if err != nil {
		t.Skipf("library no longer compiles the pattern: %v", err)
	}
	src := &source{container: &fakeContainer{pages: [][]string{{"0"}}}, listing: listing{glob: &matcher{pattern: "0{", g: g}}}
	if _, err := src.Poll(context.Background()); err == nil || !strings.Contains(err.Error(), "cannot be matched") {
		t.Fatalf("Poll() error = %v, want the malformed-pattern error", err)
	}
}
