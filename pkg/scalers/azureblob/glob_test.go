package azureblob

import (
	"strings"
	"testing"
)

func TestCompileGlob(t *testing.T) {
	tests := []struct {
		pattern string
		match   []string
		nomatch []string
	}{
		{"*.csv", []string{"a.csv", "d/e/f.csv", ".csv"}, []string{"a.csv.bak", "a.CSV"}},
		{"in/**", []string{"in/", "in/a/b"}, []string{"input"}},
		{"?.txt", []string{"a.txt", "é.txt"}, []string{"ab.txt", ".txt"}},
		{"[ab]-[0-9]", []string{"a-1", "b-9"}, []string{"c-1", "a-x"}},
		{"[!ab]*", []string{"c", "cat"}, []string{"a", "bat", ""}},
		{"{jpg,png}/*", []string{"jpg/1", "png/2"}, []string{"gif/1"}},
		{"{a,b{c,d}}", []string{"a", "bc", "bd"}, []string{"b", "ab"}},
		{"a,b", []string{"a,b"}, []string{"a"}},
		{`\*\?\[x\]`, []string{"*?[x]"}, []string{"a?[x]"}},
		{`[a\-z]`, []string{"a", "-", "z"}, []string{"b"}},
		{"[a-]", []string{"a", "-"}, []string{"b"}},
		{"x}", []string{"x}"}, nil},
		{"(.+)$^|", []string{"(.+)$^|"}, []string{"(a)"}},
		{"line*", []string{"line\nbreak"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			re, err := compileGlob(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.match {
				if !re.MatchString(s) {
					t.Errorf("%q does not match %q", tt.pattern, s)
				}
			}
			for _, s := range tt.nomatch {
				if re.MatchString(s) {
					t.Errorf("%q matches %q", tt.pattern, s)
				}
			}
		})
	}
	for pattern, want := range map[string]string{
		"a[bc": "unclosed [", "a[": "unclosed [", `a[\`: "unclosed [", "[]": "empty [ ]", "[!]": "empty [ ]",
		"[z-a]": "reversed range", "{a,b": "unclosed {", `a\`: "ends with a backslash",
	} {
		if _, err := compileGlob(pattern); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("compileGlob(%q) = %v, want %q", pattern, err, want)
		}
	}
}

func FuzzCompileGlob(f *testing.F) {
	for _, s := range []string{"*.csv", "{a,b{c,d}}", "[!a-z]?", `\*`, "[", "{", "[a-]"} {
		f.Add(s, "a.csv")
	}
	f.Fuzz(func(t *testing.T, pattern, name string) {
		re, err := compileGlob(pattern)
		if err != nil {
			return
		}
		re.MatchString(name)
		// A pattern without special characters matches exactly itself.
		if !strings.ContainsAny(pattern, `*?[]{},\`) && !re.MatchString(pattern) {
			t.Fatalf("literal %q does not match itself", pattern)
		}
	})
}
