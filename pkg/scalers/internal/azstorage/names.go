package azstorage

import (
	"fmt"
	"strings"
)

// CheckName applies Azure's rule for queue and container names: 3 to 63
// lower-case letters, digits and hyphens, starting and ending with a letter
// or digit, without "--". The containers $root, $logs and $web are allowed
// when allowSpecial is set. kind names the resource in the message.
func CheckName(kind, name string, allowSpecial bool) error {
	if allowSpecial && (name == "$root" || name == "$logs" || name == "$web") {
		return nil
	}
	bad := len(name) < 3 || len(name) > 63 || name[0] == '-' || name[len(name)-1] == '-' ||
		strings.Contains(name, "--") ||
		strings.ContainsFunc(name, func(r rune) bool {
			return (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-'
		})
	if bad {
		return fmt.Errorf("want a %s name of 3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit, got %q", kind, name)
	}
	return nil
}
