package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
	externalmetrics "k8s.io/metrics/pkg/client/external_metrics"

	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned"
)

// statusOptions are the flags of `sluice status`.
type statusOptions struct {
	namespace     string
	allNamespaces bool
	output        string
}

// newStatusCommand returns `sluice status`.
func newStatusCommand(s Streams, kube *kubeFlags) *cobra.Command {
	o := &statusOptions{}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the ScaledObjects, their targets and their triggers' metrics",
		Long: `Lists the ScaledObjects of a namespace (or of all with -A): the target and its
replicas now, min/max, the Ready and Active conditions, and for each trigger
the metric's current value and target as the external metrics API serves them
to the HPA. When something is not Ready the reason is shown; when the metrics
API fails its error is shown in the trigger's cell. With the table, standard
error also says when the adapter's serving certificate expires.`,
		Example: `  sluice status -n orders
  sluice status -A -o yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runStatus(cmd.Context(), s, kube, o)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&o.namespace, "namespace", "n", "", "namespace (default: the kubeconfig context's)")
	fs.BoolVarP(&o.allNamespaces, "all-namespaces", "A", false, "list the ScaledObjects of every namespace")
	fs.StringVarP(&o.output, "output", "o", "table", "output format: table, yaml or json")
	return cmd
}

// runStatus collects the rows and writes them.
func runStatus(ctx context.Context, s Streams, kube *kubeFlags, o *statusOptions) error {
	if o.output != "table" && o.output != "yaml" && o.output != "json" {
		return fmt.Errorf("-o %q: must be table, yaml or json", o.output)
	}
	if o.allNamespaces && o.namespace != "" {
		return errors.New("--namespace and --all-namespaces: give one, not both")
	}
	ns := metav1.NamespaceAll
	if !o.allNamespaces {
		var err error
		if ns, err = kube.namespace(o.namespace); err != nil {
			return err
		}
	}
	src, err := newStatusSource(kube)
	if err != nil {
		return err
	}
	rows, err := src.rows(ctx, ns)
	if err != nil {
		return err
	}
	if o.output == "table" {
		fmt.Fprintln(s.ErrOut, src.certificateLine(ctx, time.Now()))
	}
	if len(rows) == 0 && o.output == "table" {
		if o.allNamespaces {
			fmt.Fprintln(s.ErrOut, "no ScaledObjects found")
		} else {
			fmt.Fprintf(s.ErrOut, "no ScaledObjects found in namespace %q\n", ns)
		}
		return nil
	}
	return writeStatus(s.Out, rows, o.output, o.allNamespaces, isTerminal(s.Out))
}

// newStatusSource builds the clients status reads with.
func newStatusSource(kube *kubeFlags) (*statusSource, error) {
	cfg, err := kube.restConfig()
	if err != nil {
		return nil, err
	}
	// None of these contacts the cluster: each fails only on a bad config.
	keda, kedaErr := versioned.NewForConfig(cfg)
	dyn, dynErr := dynamic.NewForConfig(cfg)
	disco, discoErr := discovery.NewDiscoveryClientForConfig(cfg)
	metrics, metricsErr := externalmetrics.NewForConfig(cfg)
	if err := errors.Join(kedaErr, dynErr, discoErr, metricsErr); err != nil {
		return nil, fmt.Errorf("create client: %w", err)
	}
	return &statusSource{
		keda:    keda,
		dyn:     dyn,
		mapper:  restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disco)),
		metrics: metrics,
	}, nil
}

// shortError renders err for a table cell: an API status's reason and
// message, cut to 80 characters.
func shortError(err error) string {
	msg := err.Error()
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		st := status.Status()
		msg = string(st.Reason) + ": " + st.Message
	}
	if r := []rune(msg); len(r) > 80 {
		msg = string(r[:77]) + "..."
	}
	return msg
}
