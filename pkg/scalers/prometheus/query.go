package prometheus

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// query is one instant query as it is sent: where, what, and with which
// headers and parameters.
type query struct {
	server        *url.URL    // serverAddress
	promQL        string      // the PromQL expression
	header        http.Header // customHeaders and cortexOrgID
	params        url.Values  // queryParameters and namespace
	secretHeaders http.Header // credentials: Authorization, custom auth
	secrets       []string    // redacted from any response quoted in errors
}

// setSecretHeader sets a credential header and remembers its value for
// redaction.
func (q *query) setSecretHeader(name, value string) {
	if q.secretHeaders == nil {
		q.secretHeaders = http.Header{}
	}
	q.secretHeaders.Set(name, value)
	q.secrets = append(q.secrets, value)
	if v, ok := strings.CutPrefix(value, "Basic "); ok {
		q.secrets = append(q.secrets, v)
	} else if v, ok := strings.CutPrefix(value, "Bearer "); ok {
		q.secrets = append(q.secrets, v)
	}
}

// headers returns every header the request carries.
func (q *query) headers() http.Header {
	h := q.header.Clone()
	for k, vals := range q.secretHeaders {
		h[k] = vals
	}
	h.Set("Accept", "application/json")
	return h
}

// headerString renders h in a stable order, for keys.
func headerString(h http.Header) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(h)) {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(strings.Join(h[k], ","))
		b.WriteByte(';')
	}
	return b.String()
}
