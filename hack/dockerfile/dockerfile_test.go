// Package dockerfile checks the repository's Dockerfile without a Docker
// engine: it parses it with BuildKit's own parser and checks that every
// stage a COPY --from names exists, that every path copied from the build
// context exists, and that the images build the programs under cmd/.
package dockerfile

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

const root = "../.."

func TestDockerfile(t *testing.T) {
	f, err := os.Open(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	ast, err := parser.Parse(f)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	stages, _, err := instructions.Parse(ast.AST, nil)
	if err != nil {
		t.Fatalf("instructions: %v", err)
	}
	names := map[string]bool{}
	var targets []string
	for i, s := range stages {
		for _, cmd := range s.Commands {
			switch c := cmd.(type) {
			case *instructions.CopyCommand:
				checkCopy(t, s.Name, c, names)
			case *instructions.RunCommand:
				checkRun(t, s.Name, c)
			}
		}
		names[s.Name] = true
		names[strconv.Itoa(i)] = true
		targets = append(targets, s.Name)
	}
	for _, want := range []string{"adapter", "activator", "http"} {
		if !slices.Contains(targets, want) {
			t.Errorf("no stage %q to build with --target %s; stages: %v", want, want, targets)
		}
	}
	last := stages[len(stages)-1]
	if !strings.Contains(last.BaseName, "distroless") && last.BaseName != "scratch" {
		t.Errorf("final image is based on %q, want distroless or scratch", last.BaseName)
	}
	for _, s := range stages[1:] {
		if user := userOf(s); user == "" || user == "0" || strings.HasPrefix(user, "root") {
			t.Errorf("stage %s runs as %q, want a non-root user", s.Name, user)
		}
	}
}

// checkCopy checks that a COPY --from names an earlier stage, and that a
// COPY from the build context names paths that exist.
func checkCopy(t *testing.T, stage string, c *instructions.CopyCommand, earlier map[string]bool) {
	t.Helper()
	if c.From != "" {
		if !earlier[c.From] {
			t.Errorf("stage %s: COPY --from=%s names no earlier stage", stage, c.From)
		}
		return
	}
	for _, src := range c.SourcePaths {
		if _, err := os.Stat(filepath.Join(root, src)); err != nil {
			t.Errorf("stage %s: COPY %s: %v", stage, src, err)
		}
	}
}

// checkRun checks that a go build names packages that exist.
func checkRun(t *testing.T, stage string, c *instructions.RunCommand) {
	t.Helper()
	line := strings.Join(c.CmdLine, " ")
	if !strings.Contains(line, "go build") {
		return
	}
	if !strings.Contains(line, "-trimpath") || !strings.Contains(line, "pkg/version.Version=") {
		t.Errorf("stage %s: go build without -trimpath or a version stamp: %s", stage, line)
	}
	for _, field := range strings.Fields(line) {
		if strings.HasPrefix(field, "./cmd/") {
			if _, err := os.Stat(filepath.Join(root, field)); err != nil {
				t.Errorf("stage %s: builds %s: %v", stage, field, err)
			}
		}
	}
}

func userOf(s instructions.Stage) string {
	user := ""
	for _, cmd := range s.Commands {
		if u, ok := cmd.(*instructions.UserCommand); ok {
			user = u.User
		}
	}
	return user
}
