package scalers

import (
	"strconv"
	"strings"
)

// MetricName returns the external metric name of the trigger at index with
// the given type-specific suffix, exactly as KEDA names it:
// "s<index>-<suffix>" with every '/', '.', ':', '%', '(' and ')' of the
// suffix turned into '-'. Case, '_' and every other character are kept, so
// a topic "Orders_EU" gives "s0-kafka-Orders_EU" in both, and HPAs and
// dashboards written against KEDA carry over.
//
// The result is always a valid metric name for the external metrics API:
// kube-apiserver (HPA validation) and client-go accept any path segment
// name that is not "." or ".." and holds no '/' or '%', and the "s<index>-"
// prefix with those characters replaced guarantees both.
func MetricName(index int, suffix string) string {
	var b strings.Builder
	b.Grow(len(suffix) + 4)
	b.WriteByte('s')
	b.WriteString(strconv.Itoa(index))
	b.WriteByte('-')
	for i := range len(suffix) {
		switch c := suffix[i]; c {
		case '/', '.', ':', '%', '(', ')': // KEDA's NormalizeString
			b.WriteByte('-')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
