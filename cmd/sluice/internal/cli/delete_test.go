package cli

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// listServer serves one Deployment "app" in every list and accepts
// deletes, recording the requests.
type listServer struct {
	mu       sync.Mutex
	requests []string
}

func (s *listServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	q, _ := url.QueryUnescape(r.URL.RawQuery)
	s.requests = append(s.requests, r.Method+" "+r.URL.Path+"?"+q)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/deployments"):
		_, _ = w.Write([]byte(`{"apiVersion":"apps/v1","kind":"DeploymentList","metadata":{},"items":[{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"app","namespace":"ctx-ns"}}]}`))
	case r.Method == http.MethodGet:
		_, _ = w.Write([]byte(`{"apiVersion":"v1","kind":"List","metadata":{},"items":[]}`))
	case r.Method == http.MethodDelete:
		_, _ = w.Write([]byte(`{"apiVersion":"v1","kind":"Status","status":"Success"}`))
	default:
		http.Error(w, "unexpected", http.StatusMethodNotAllowed)
	}
}

func TestDelete(t *testing.T) {
	api := &listServer{}
	serveAPI(t, api)

	r := run(t, "delete", "--name", "app")
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.out != "deployments/app deleted\n" {
		t.Errorf("out = %q", r.out)
	}
	var lists, deletes int
	for _, req := range api.requests {
		switch {
		case strings.HasPrefix(req, "GET "):
			lists++
			if !strings.Contains(req, "/namespaces/ctx-ns/") || !strings.Contains(req, "app.kubernetes.io/managed-by=sluice,sluice.dev/app=app") {
				t.Errorf("list %q does not select the app's objects in ctx-ns", req)
			}
		case strings.HasPrefix(req, "DELETE "):
			deletes++
			if !strings.HasSuffix(req, "/apis/apps/v1/namespaces/ctx-ns/deployments/app?") {
				t.Errorf("unexpected delete %q", req)
			}
		}
	}
	if lists != 5 || deletes != 1 {
		t.Errorf("requests = %q, want 5 lists and 1 delete", api.requests)
	}
	if r := run(t, "delete", "--name", "Bad_Name"); r.err == nil || !strings.Contains(r.err.Error(), "--name") {
		t.Errorf("err = %v", r.err)
	}
}
