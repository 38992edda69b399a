// Package helpvoice is the one voice of flag help across sluice-adapter,
// sluice-activator and sluice, the voice most of their flags already used:
// a lower-case phrase (names such as ScaledObjects or JSON keep their
// case), clauses joined with ";", and no full stop. Each program's tests
// check their own flags with Check.
package helpvoice

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/spf13/pflag"
)

// Check returns one problem per flag of fs whose help is out of voice:
// empty, a capitalised first word that is not a name (a capital letter
// followed by a lower-case one, as in "Path"), or sentences ending in a
// full stop.
func Check(fs *pflag.FlagSet) []string {
	var problems []string
	fs.VisitAll(func(f *pflag.Flag) {
		if err := usage(f.Usage); err != nil {
			problems = append(problems, fmt.Sprintf("--%s: %v: %q", f.Name, err, f.Usage))
		}
	})
	return problems
}

// usage checks one help text.
func usage(u string) error {
	if strings.TrimSpace(u) == "" {
		return fmt.Errorf("no help")
	}
	if plain := strings.ReplaceAll(u, "...", ""); strings.HasSuffix(plain, ".") || strings.Contains(plain, ". ") {
		return fmt.Errorf("full stop: join clauses with ';'")
	}
	r := []rune(u)
	if len(r) > 1 && unicode.IsUpper(r[0]) && unicode.IsLower(r[1]) && !isName(u) {
		return fmt.Errorf("capitalised: start lower-case")
	}
	return nil
}

// names are the capitalised words a help text may start with.
var names = []string{"ScaledObject", "Secret", "ConfigMap", "Prometheus", "PromQL", "APIService", "Lease", "HPA"}

// isName reports whether u starts with one of names.
func isName(u string) bool {
	for _, n := range names {
		if strings.HasPrefix(u, n) {
			return true
		}
	}
	return false
}
