package cli

import (
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/sluice-dev/sluice/pkg/appmanifests"
)

// deleteOptions are the flags of `sluice delete`.
type deleteOptions struct {
	name      string
	namespace string
}

// newDeleteCommand returns `sluice delete`.
func newDeleteCommand(s Streams, kube *kubeFlags) *cobra.Command {
	o := &deleteOptions{}
	cmd := &cobra.Command{
		Use:   "delete --name NAME",
		Short: "Delete what deploy created for an app",
		Long: "Deletes the ScaledObjects, Services, Deployments, Secrets and ConfigMaps labelled\n" +
			appmanifests.LabelApp + "=NAME and " + appmanifests.LabelManagedBy + "=" + appmanifests.ManagedBy + ", and nothing else.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if msgs := validation.IsDNS1123Label(o.name); len(msgs) > 0 {
				return fmt.Errorf("--name %q: %s", o.name, msgs[0])
			}
			ns, err := kube.namespace(o.namespace)
			if err != nil {
				return err
			}
			cfg, err := kube.restConfig()
			if err != nil {
				return err
			}
			n, err := appmanifests.Delete(cmd.Context(), cfg, ns, o.name, s.Out)
			if err != nil {
				return err
			}
			if n == 0 {
				fmt.Fprintf(s.ErrOut, "no objects of app %q in namespace %q\n", o.name, ns)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&o.name, "name", "", "name the app was deployed with (required)")
	cmd.Flags().StringVarP(&o.namespace, "namespace", "n", "", "namespace (default: the kubeconfig context's)")
	_ = cmd.MarkFlagRequired("name") // the flag exists: cannot fail
	return cmd
}
