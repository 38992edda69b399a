package cli

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// docker runs the docker CLI found on PATH, streaming its output.
type docker struct {
	out, errOut io.Writer
}

// buildAndPush builds image from dir and pushes it.
func (d docker) buildAndPush(ctx context.Context, dir, image string) error {
	if err := d.run(ctx, "build", "-t", image, dir); err != nil {
		return err
	}
	return d.run(ctx, "push", image)
}

// run runs docker with args and fails when it exits non-zero.
func (d docker) run(ctx context.Context, args ...string) error {
	fmt.Fprintf(d.errOut, "+ docker %s\n", strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Stdout, cmd.Stderr = d.out, d.errOut
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("docker %s: %w", args[0], err)
	}
	return nil
}
