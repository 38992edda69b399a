package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

func TestInitRuntimes(t *testing.T) {
	tests := []struct {
		runtime string
		base    string
	}{
		{"node", "mcr.microsoft.com/azure-functions/node:4"},
		{"python", "mcr.microsoft.com/azure-functions/python:4"},
		{"dotnet", "mcr.microsoft.com/azure-functions/dotnet:4"},
		{"dotnet-isolated", "mcr.microsoft.com/azure-functions/dotnet-isolated:4"},
		{"powershell", "mcr.microsoft.com/azure-functions/powershell:4"},
		{"java", "mcr.microsoft.com/azure-functions/java:4"},
		{"custom", "mcr.microsoft.com/azure-functions/dotnet:4"},
	}
	for _, tt := range tests {
		t.Run(tt.runtime, func(t *testing.T) {
			dir := testenv.WriteFiles(t, map[string]string{
				"local.settings.json": `{"IsEncrypted":false,"Values":{"FUNCTIONS_WORKER_RUNTIME":"` + tt.runtime + `"}}`,
			})
			r := run(t, "init", "--docker-only", dir)
			if r.err != nil {
				t.Fatal(r.err)
			}
			df := read(t, filepath.Join(dir, "Dockerfile"))
			for _, want := range []string{"FROM " + tt.base, "AzureWebJobsScriptRoot=/home/site/wwwroot",
				"AzureFunctionsJobHost__Logging__Console__IsEnabled=true", "/home/site/wwwroot"} {
				if !strings.Contains(df, want) {
					t.Errorf("Dockerfile lacks %q:\n%s", want, df)
				}
			}
			if ig := read(t, filepath.Join(dir, ".dockerignore")); !strings.Contains(ig, "local.settings.json\n") {
				t.Errorf(".dockerignore does not exclude local.settings.json:\n%s", ig)
			}
		})
	}
}

func TestInitNoOverwrite(t *testing.T) {
	for _, existing := range []string{"Dockerfile", ".dockerignore"} {
		t.Run(existing, func(t *testing.T) {
			dir := testenv.WriteFiles(t, map[string]string{existing: "mine\n"})
			r := run(t, "init", "--docker-only", "--worker-runtime", "node", dir)
			if r.err == nil || !strings.Contains(r.err.Error(), "already exists; use --force") {
				t.Fatalf("err = %v", r.err)
			}
			if got := read(t, filepath.Join(dir, existing)); got != "mine\n" {
				t.Errorf("%s overwritten: %q", existing, got)
			}
			for _, other := range []string{"Dockerfile", ".dockerignore"} {
				if other == existing {
					continue
				}
				if _, err := os.Stat(filepath.Join(dir, other)); !os.IsNotExist(err) {
					t.Errorf("%s written though init failed", other)
				}
			}
			if r := run(t, "init", "--docker-only", "--worker-runtime", "node", "--force", dir); r.err != nil {
				t.Fatal(r.err)
			}
			if got := read(t, filepath.Join(dir, existing)); got == "mine\n" {
				t.Errorf("%s not overwritten with --force", existing)
			}
		})
	}
}

func TestInitErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		args  []string
		want  string
	}{
		{"no --docker-only", nil, []string{"--worker-runtime", "node"}, "only --docker-only is supported"},
		{"no settings", nil, []string{"--docker-only"}, "local.settings.json not found"},
		{"no runtime", map[string]string{"local.settings.json": `{"Values":{}}`}, []string{"--docker-only"}, "FUNCTIONS_WORKER_RUNTIME: not set"},
		{"encrypted", map[string]string{"local.settings.json": `{"IsEncrypted":true}`}, []string{"--docker-only"}, "encrypted settings are not supported"},
		{"unknown runtime", nil, []string{"--docker-only", "--worker-runtime", "cobol"}, `worker runtime "cobol" is not supported`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := testenv.WriteFiles(t, tt.files)
			r := run(t, append([]string{"init", dir}, tt.args...)...)
			if r.err == nil || !strings.Contains(r.err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", r.err, tt.want)
			}
		})
	}
}

// read returns the contents of path.
func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
