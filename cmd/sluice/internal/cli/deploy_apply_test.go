package cli

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fakeAPIServer answers server-side apply PATCHes by echoing the body and
// records "METHOD path?query" of every request.
type fakeAPIServer struct {
	mu       sync.Mutex
	requests []string
}

func (f *fakeAPIServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery+" "+r.Header.Get("Content-Type"))
	f.mu.Unlock()
	if r.Method != http.MethodPatch {
		http.Error(w, "unexpected", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// writeKubeconfig writes a kubeconfig with contexts "main" (namespace
// ctx-ns, current) and "other" (namespace other-ns) for server.
func writeKubeconfig(t *testing.T, server string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	cfg := `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: ` + server + `
users:
- name: u
  user:
    token: t
contexts:
- name: main
  context: {cluster: c, user: u, namespace: ctx-ns}
- name: other
  context: {cluster: c, user: u, namespace: other-ns}
current-context: main
`
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// serveAPI isolates the test (see isolate) and points KUBECONFIG at api,
// served on loopback until the test ends.
func serveAPI(t *testing.T, api http.Handler) {
	t.Helper()
	isolate(t)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	t.Setenv("KUBECONFIG", writeKubeconfig(t, srv.URL))
}

// standInDocker puts a docker program on PATH that appends its arguments
// to the returned log file and exits with code.
func standInDocker(t *testing.T, code string) string {
	t.Helper()
	dir := t.TempDir()
	log := filepath.Join(dir, "docker.log")
	script := "#!/bin/sh\necho \"$@\" >> " + log + "\necho \"docker says $1\"\nexit " + code + "\n"
	if err := os.WriteFile(filepath.Join(dir, "docker"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	return log
}

func TestDeployBuildsAndApplies(t *testing.T) {
	api := &fakeAPIServer{}
	serveAPI(t, api)
	log := standInDocker(t, "0")
	dir := queueProject(t)

	r := run(t, "deploy", dir, "--name", "app", "--registry", "reg.example/team")
	if r.err != nil {
		t.Fatalf("deploy: %v\n%s", r.err, r.errOut)
	}
	calls, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	want := "build -t reg.example/team/app:latest " + dir + "\npush reg.example/team/app:latest\n"
	if string(calls) != want {
		t.Errorf("docker calls:\n%s\nwant:\n%s", calls, want)
	}
	if !strings.Contains(r.out, "docker says build") || !strings.Contains(r.out, "docker says push") {
		t.Errorf("docker output not streamed: %q", r.out)
	}
	if len(api.requests) != 5 {
		t.Fatalf("requests = %q, want 5 applies", api.requests)
	}
	for _, req := range api.requests {
		if !strings.HasPrefix(req, "PATCH ") || !strings.Contains(req, "/namespaces/ctx-ns/") ||
			!strings.Contains(req, "fieldManager=sluice") || !strings.Contains(req, "force=true") ||
			!strings.HasSuffix(req, "application/apply-patch+yaml") {
			t.Errorf("request %q is not a forced server-side apply by sluice in ctx-ns", req)
		}
	}
	if !strings.Contains(api.requests[0], "/api/v1/namespaces/ctx-ns/secrets/app") ||
		!strings.Contains(api.requests[2], "/apis/keda.sh/v1alpha1/namespaces/ctx-ns/scaledobjects/app") {
		t.Errorf("unexpected order or paths: %q", api.requests)
	}
	if strings.Contains(r.out+r.errOut, "topsecret") {
		t.Error("a setting's value was printed")
	}
}

func TestDeployContextNamespace(t *testing.T) {
	isolate(t)
	t.Setenv("KUBECONFIG", writeKubeconfig(t, "https://127.0.0.1:1"))
	dir := queueProject(t)
	r := run(t, "deploy", dir, "--name", "app", "--image-name", "i", "--dry-run", "--context", "other")
	if r.err != nil || !strings.Contains(r.out, "namespace: other-ns") {
		t.Errorf("err %v out %s", r.err, r.out)
	}
}

func TestDeployDockerFailure(t *testing.T) {
	api := &fakeAPIServer{}
	serveAPI(t, api)
	log := standInDocker(t, "3")
	r := run(t, "deploy", queueProject(t), "--name", "app", "--registry", "reg")
	if r.err == nil || !strings.Contains(r.err.Error(), "docker build: exit status 3") {
		t.Fatalf("err = %v", r.err)
	}
	if calls, _ := os.ReadFile(log); strings.Count(string(calls), "\n") != 1 {
		t.Errorf("docker calls after a failed build: %q", calls)
	}
	if len(api.requests) != 0 {
		t.Errorf("applied after a failed build: %q", api.requests)
	}
}

// TestDeployNoDocker builds nothing with --no-docker, with an image built
// from --registry earlier or, as func kubernetes deploy users write, one
// named with --image-name and used as given.
func TestDeployNoDocker(t *testing.T) {
	tests := []struct {
		name  string
		image []string
	}{
		{"registry", []string{"--registry", "reg"}},
		{"image name", []string{"--image-name", "example.invalid/app:1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := &fakeAPIServer{}
			serveAPI(t, api)
			log := standInDocker(t, "0")
			args := append([]string{"deploy", queueProject(t), "--name", "app", "--no-docker"}, tt.image...)
			r := run(t, args...)
			if r.err != nil || len(api.requests) != 5 {
				t.Fatalf("err %v requests %q", r.err, api.requests)
			}
			if _, err := os.Stat(log); !os.IsNotExist(err) {
				t.Error("docker ran with --no-docker")
			}
		})
	}
}
