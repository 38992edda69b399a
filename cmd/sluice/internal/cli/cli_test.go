package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/pkg/helpvoice"
	"github.com/sluice-dev/sluice/pkg/testenv"
)

// result is what a command run wrote and returned.
type result struct {
	out, errOut string
	err         error
}

// run runs sluice with args in a clean environment: no kubeconfig unless
// the test sets KUBECONFIG.
func run(t *testing.T, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := NewRootCommand(Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return result{out: out.String(), errOut: errOut.String(), err: err}
}

// isolate points HOME and KUBECONFIG at an empty directory.
func isolate(t *testing.T) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("KUBECONFIG", filepath.Join(home, "no-kubeconfig"))
}

// queueProject is a project with a queue function, a timer function and
// an HTTP function.
func queueProject(t *testing.T) string {
	return testenv.WriteFiles(t, map[string]string{
		"host.json":           `{"version":"2.0"}`,
		"local.settings.json": `{"IsEncrypted":false,"Values":{"FUNCTIONS_WORKER_RUNTIME":"node","AzureWebJobsStorage":"AccountKey=topsecret"}}`,
		"Work/function.json":  `{"bindings":[{"type":"queueTrigger","direction":"in","name":"m","queueName":"work"}]}`,
		"Tick/function.json":  `{"bindings":[{"type":"timerTrigger","direction":"in","name":"t","schedule":"0 * * * * *"}]}`,
		"Web/function.json":   `{"bindings":[{"type":"httpTrigger","direction":"in","name":"req"}]}`,
	})
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		r := run(t, args...)
		if r.err != nil || !strings.HasPrefix(r.out, "sluice dev (commit") {
			t.Errorf("%v: out %q err %v", args, r.out, r.err)
		}
	}
}

func TestDeployDryRun(t *testing.T) {
	isolate(t)
	dir := queueProject(t)
	r := run(t, "deploy", dir, "--name", "app", "--image-name", "img:1", "--dry-run", "--max-replicas", "5")
	if r.err != nil {
		t.Fatal(r.err)
	}
	for _, want := range []string{"kind: ScaledObject", "namespace: default", "maxReplicaCount: 5", "name: app-http", "queueName: work"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.out)
		}
	}
	for _, unwanted := range []string{"pollingInterval", "minReplicaCount", "cooldownPeriod"} {
		if strings.Contains(r.out, unwanted) {
			t.Errorf("output has %s though no flag set it", unwanted)
		}
	}
	if !strings.Contains(r.errOut, `warning: function "Tick", binding "t"`) {
		t.Errorf("stderr lacks the timer warning: %q", r.errOut)
	}
	j := run(t, "deploy", dir, "--name", "app", "--image-name", "img:1", "--dry-run", "-o", "json", "-n", "team")
	if j.err != nil || !strings.Contains(j.out, `"kind": "List"`) || !strings.Contains(j.out, `"namespace": "team"`) {
		t.Errorf("json: err %v out %s", j.err, j.out)
	}
}

func TestDeployWriteConfigs(t *testing.T) {
	isolate(t)
	dir := queueProject(t)
	file := filepath.Join(t.TempDir(), "app.yaml")
	r := run(t, "deploy", dir, "--name", "app", "--image-name", "img:1", "--write-configs", "--config-file", file, "--use-config-map")
	if r.err != nil {
		t.Fatal(r.err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "kind: ConfigMap") || r.out != "" {
		t.Errorf("file:\n%s\nstdout: %q", data, r.out)
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode().Perm())
	}
}

func TestDeployErrors(t *testing.T) {
	isolate(t)
	dir := queueProject(t)
	noFns := testenv.WriteFiles(t, map[string]string{"host.json": `{"version":"2.0"}`, "function_app.py": ""})
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no name", []string{"deploy", dir, "--image-name", "i"}, `required flag(s) "name"`},
		{"bad name", []string{"deploy", dir, "--name", "Bad_Name", "--image-name", "i", "--dry-run"}, `--name "Bad_Name"`},
		{"no image", []string{"deploy", dir, "--name", "a", "--dry-run"}, "an image is required"},
		{"both images", []string{"deploy", dir, "--name", "a", "--image-name", "i", "--registry", "r"}, "give one, not both"},
		{"bad output", []string{"deploy", dir, "--name", "a", "--image-name", "i", "-o", "xml"}, `-o "xml"`},
		{"bad trigger", []string{"deploy", dir, "--name", "a", "--image-name", "i", "--trigger", "kafka"}, "--trigger"},
		{"no functions", []string{"deploy", noFns, "--name", "a", "--image-name", "i", "--dry-run"}, "--trigger type:key=value"},
		{"config file alone", []string{"deploy", dir, "--name", "a", "--image-name", "i", "--config-file", "x"}, "needs --write-configs"},
		{"bad numbers", []string{"deploy", dir, "--name", "a", "--image-name", "i", "--dry-run", "--min-replicas", "-1", "--polling-interval", "0"},
			"--min-replicas: must not be negative; --polling-interval"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.args...)
			if r.err == nil || !strings.Contains(OneLine(r.err), tt.want) {
				t.Fatalf("error = %v, want one containing %q", r.err, tt.want)
			}
			if strings.Contains(r.out+r.errOut, "topsecret") {
				t.Error("a setting's value was printed")
			}
		})
	}
	r := run(t, "deploy", noFns, "--name", "a", "--image-name", "i", "--dry-run", "--trigger", "azure-queue:queueName=q,connectionFromEnv=C")
	if r.err != nil || !strings.Contains(r.out, "type: azure-queue") {
		t.Errorf("--trigger on a project without function.json: err %v out %s", r.err, r.out)
	}
}

func TestOneLine(t *testing.T) {
	if got := OneLine(&multiErr{}); got != "a; b" {
		t.Errorf("OneLine = %q", got)
	}
}

type multiErr struct{}

func (*multiErr) Error() string { return "a\nb\n" }

// TestFlagHelpVoice: the help of every flag of every command in the voice
// all three programs share (pkg/helpvoice).
func TestFlagHelpVoice(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, p := range helpvoice.Check(c.LocalFlags()) {
			if !strings.HasPrefix(p, "--help:") {
				t.Errorf("%s: %s", c.CommandPath(), p)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(NewRootCommand(Streams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}))
}
