package scalers

import (
	"strconv"
	"strings"
)

// MetricName returns the external metric name of the trigger at index with
// the given type-specific suffix, following KEDA's scheme:
// "s<index>-<suffix>", lower case, with every character that is not a
// letter, digit or '-' (KEDA names / . : % ( ); Sluice also covers the rest,
// so that a name is always a valid URL path segment) turned into '-'.
func MetricName(index int, suffix string) string {
	var b strings.Builder
	b.Grow(len(suffix) + 4)
	b.WriteByte('s')
	b.WriteString(strconv.Itoa(index))
	b.WriteByte('-')
	for _, r := range strings.ToLower(suffix) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}
