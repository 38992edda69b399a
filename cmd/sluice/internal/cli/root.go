// Package cli builds the sluice command tree. Every command is made by a
// constructor and binds its flags to an options struct; nothing is global.
package cli

import (
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/pkg/version"
)

// Streams are where commands read and write.
type Streams struct {
	// In is standard input.
	In io.Reader
	// Out receives data and progress.
	Out io.Writer
	// ErrOut receives warnings.
	ErrOut io.Writer
}

// NewRootCommand returns the sluice command with all its subcommands.
// Errors are returned, not printed: the caller prints them with OneLine.
func NewRootCommand(s Streams) *cobra.Command {
	kube := &kubeFlags{}
	root := &cobra.Command{
		Use:           "sluice",
		Short:         "Install Sluice and deploy Azure Functions apps that scale on events with it",
		Version:       version.String(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.ErrOut)
	root.SetVersionTemplate("sluice {{.Version}}\n")
	kube.addFlags(root.PersistentFlags())
	root.AddCommand(
		newInstallCommand(s, kube),
		newRemoveCommand(s, kube),
		newStatusCommand(s, kube),
		newDeployCommand(s, kube),
		newDeleteCommand(s, kube),
		newInitCommand(s),
		newVersionCommand(s),
	)
	return root
}

// OneLine renders err as a single line: joined errors are separated by
// "; ".
func OneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
}

// newVersionCommand returns `sluice version`.
func newVersionCommand(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := io.WriteString(s.Out, "sluice "+version.String()+"\n")
			return err
		},
	}
}
