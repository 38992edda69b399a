package scalertest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TokenServer starts an OAuth 2.0 token endpoint (RFC 6749 section 4.4,
// client credentials) for the HTTP trigger types' tests, closed when t
// ends. It grants token, a bearer token, to the client id with secret
// when the request's form also holds each value of form, and answers 401
// to any other request.
func TokenServer(t testing.TB, id, secret, token string, form map[string]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotID, gotSecret, _ := r.BasicAuth()
		ok := r.FormValue("grant_type") == "client_credentials" && gotID == id && gotSecret == secret
		for k, v := range form {
			ok = ok && r.FormValue(k) == v
		}
		if !ok {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": token, "token_type": "Bearer", "expires_in": 3600})
	}))
	t.Cleanup(srv.Close)
	return srv
}
