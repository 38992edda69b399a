package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/pkg/install"
)

// removeOptions are the flags of `sluice remove`.
type removeOptions struct {
	namespace string
	force     bool
	dryRun    bool
}

// newRemoveCommand returns `sluice remove`.
func newRemoveCommand(s Streams, kube *kubeFlags) *cobra.Command {
	o := &removeOptions{}
	cmd := &cobra.Command{
		Use:   "remove",
		Short: "Remove what install created",
		Long: `Deletes the objects labelled ` + install.LabelManagedBy + `=sluice and
` + install.LabelPartOf + `=` + install.PartOf + ` that install created for the namespace: the
APIService first, then the Deployments, Services, Secret and RBAC, the
namespace when install created it, and the CRDs last. Apps deployed with
"sluice deploy" are not touched. While any ScaledObject exists nothing is
deleted (they would go with the CRDs) unless --force.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, err := kube.installer(s.Out)
			if err != nil {
				return err
			}
			n, err := in.Remove(cmd.Context(), install.RemoveOptions{Namespace: o.namespace, Force: o.force, DryRun: o.dryRun})
			if err != nil {
				return err
			}
			if n == 0 {
				fmt.Fprintf(s.ErrOut, "nothing installed for namespace %q\n", o.namespace)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&o.namespace, "namespace", "n", install.DefaultNamespace, "namespace install ran with")
	fs.BoolVar(&o.force, "force", false, "delete the CRDs, and so every ScaledObject, even while ScaledObjects exist")
	fs.BoolVar(&o.dryRun, "dry-run", false, "list what would be deleted and delete nothing")
	return cmd
}
