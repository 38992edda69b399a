package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/pkg/functions"
)

// initOptions are the flags of `sluice init`.
type initOptions struct {
	dir           string
	dockerOnly    bool
	force         bool
	workerRuntime string
}

// newInitCommand returns `sluice init`.
func newInitCommand(s Streams) *cobra.Command {
	o := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init --docker-only [DIR]",
		Short: "Write a Dockerfile and .dockerignore for an Azure Functions project",
		Long: "Writes a Dockerfile for the project's FUNCTIONS_WORKER_RUNTIME (from local.settings.json,\n" +
			"or --worker-runtime) and a .dockerignore that keeps local.settings.json out of the image.\n" +
			"Supported runtimes: " + strings.Join(runtimes(), ", ") + ".",
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			o.dir = "."
			if len(args) == 1 {
				o.dir = args[0]
			}
			return o.run(s)
		},
	}
	flags := cmd.Flags()
	flags.BoolVar(&o.dockerOnly, "docker-only", false, "write only the Docker files (required: sluice does not create projects)")
	flags.BoolVar(&o.force, "force", false, "overwrite an existing Dockerfile or .dockerignore")
	flags.StringVar(&o.workerRuntime, "worker-runtime", "", "worker runtime (default: FUNCTIONS_WORKER_RUNTIME in local.settings.json)")
	return cmd
}

// run writes the Dockerfile and .dockerignore, or neither.
func (o *initOptions) run(s Streams) error {
	if !o.dockerOnly {
		return errors.New("init: only --docker-only is supported; create projects with `func init`")
	}
	runtime, err := o.runtime()
	if err != nil {
		return err
	}
	dockerfile, ok := dockerfiles()[runtime]
	if !ok {
		return fmt.Errorf("worker runtime %q is not supported: want one of %s", runtime, strings.Join(runtimes(), ", "))
	}
	files := []struct{ name, content string }{
		{"Dockerfile", dockerfile},
		{".dockerignore", dockerignore(runtime)},
	}
	if !o.force {
		for _, f := range files {
			_, err := os.Stat(filepath.Join(o.dir, f.name))
			if err == nil {
				return fmt.Errorf("%s already exists; use --force to overwrite it", filepath.Join(o.dir, f.name))
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("check %s: %w", f.name, err)
			}
		}
	}
	for _, f := range files {
		path := filepath.Join(o.dir, f.name)
		if err := os.WriteFile(path, []byte(f.content), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", f.name, err)
		}
		fmt.Fprintf(s.Out, "wrote %s\n", path)
	}
	return nil
}

// runtime returns --worker-runtime or FUNCTIONS_WORKER_RUNTIME.
func (o *initOptions) runtime() (string, error) {
	if o.workerRuntime != "" {
		return strings.ToLower(o.workerRuntime), nil
	}
	data, err := os.ReadFile(filepath.Join(o.dir, functions.SettingsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%s not found in %s: give --worker-runtime", functions.SettingsFile, o.dir)
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", functions.SettingsFile, err)
	}
	settings, err := functions.ParseSettings(data)
	if err != nil {
		return "", err
	}
	rt := settings.WorkerRuntime()
	if rt == "" {
		return "", fmt.Errorf("%s: Values.FUNCTIONS_WORKER_RUNTIME: not set; set it or give --worker-runtime", functions.SettingsFile)
	}
	return strings.ToLower(rt), nil
}
