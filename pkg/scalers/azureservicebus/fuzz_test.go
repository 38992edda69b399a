package azureservicebus

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// FuzzParse feeds arbitrary metadata and connection strings to the
// constructor: it must return a trigger or an error, never panic, and
// never quote the connection string's key in an error.
func FuzzParse(f *testing.F) {
	f.Add("jobs", "", "", "5", "false", "sum", testConn)
	f.Add("", "events", "billing", "10", "true", "avg", emulator)
	f.Add("jobs-(", "", "", "x", "true", "max", "Endpoint=sb://;SharedAccessKey=")
	f.Add("a/b", "t", "s/x", "-1", "1", "", "Endpoint=sb://h:1/;SharedAccessSignature=SharedAccessSignature sr=a&sig=b")
	cache := NewClientCache(nil)
	f.Fuzz(func(t *testing.T, queue, topic, sub, count, regex, op, conn string) {
		meta := map[string]string{"queueName": queue, "topicName": topic, "subscriptionName": sub,
			"messageCount": count, "useRegex": regex, "operation": op}
		tr, err := New(cache)(scalers.Config{Type: Type, Metadata: meta, AuthParams: map[string]string{"connection": conn}})
		if err != nil {
			if c, perr := parseConnection(conn); perr == nil && len(c.Key) >= 8 && strings.Contains(err.Error(), c.Key) {
				t.Fatalf("error quotes the key: %v", err)
			}
			return
		}
		if tr.Source == nil || tr.Target <= 0 || strings.Contains(tr.Key, conn) && len(conn) > 8 {
			t.Fatalf("trigger %+v", tr)
		}
	})
}
