package cli

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sluice-dev/sluice/pkg/appmanifests"
)

// deployOptions are the flags of `sluice deploy`.
type deployOptions struct {
	name            string
	dir             string
	namespace       string
	imageName       string
	registry        string
	noDocker        bool
	pullSecret      string
	minReplicas     int32
	maxReplicas     int32
	pollingInterval int32
	cooldownPeriod  int32
	useConfigMap    bool
	serviceType     string
	promServer      string
	httpTarget      float64
	httpQuery       string
	triggers        []string
	writeConfigs    bool
	configFile      string
	httpScaleToZero bool
	httpFront       string
	httpHosts       []string
	dryRun          bool
	output          string

	// flags reports which flags were given, for the optional numbers.
	flags *pflag.FlagSet
}

// newDeployCommand returns `sluice deploy`.
func newDeployCommand(s Streams, kube *kubeFlags) *cobra.Command {
	o := &deployOptions{}
	cmd := &cobra.Command{
		Use:   "deploy --name NAME [DIR]",
		Short: "Deploy an Azure Functions project with ScaledObjects for its triggers",
		Long: `Reads host.json, */function.json (or functions.metadata) and local.settings.json
in DIR (default ".") and applies, with server-side apply:
  - a Secret (or ConfigMap) NAME with the settings,
  - a Deployment NAME for the non-HTTP functions and a ScaledObject NAME
    with one trigger per function,
  - a Deployment and Service NAME-http for the HTTP functions, and with
    --http-prometheus-server and --http-target a ScaledObject NAME-http
    that scales 1 -> n on a Prometheus request rate, or with
    --http-scale-to-zero one that scales 0 -> n behind sluice-http.
Projects that declare functions in code (Python v2, Node v4) give their
triggers with --trigger.`,
		Example: `  sluice deploy --name orders --registry ghcr.io/me
  sluice deploy --name orders --image-name ghcr.io/me/orders:v1 --max-replicas 10
  sluice deploy --name jobs --image-name me/jobs:1 --trigger azure-queue:queueName=jobs,connectionFromEnv=AzureWebJobsStorage
  sluice deploy --name orders --image-name me/orders:1 --dry-run -o yaml
  sluice deploy --name api --image-name me/api:1 --http-scale-to-zero --http-host api.example.com`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.dir = "."
			if len(args) == 1 {
				o.dir = args[0]
			}
			o.flags = cmd.Flags()
			return runDeploy(cmd.Context(), s, kube, o)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.name, "name", "", "name of the app and of its objects (required; a DNS-1123 label)")
	fs.StringVarP(&o.namespace, "namespace", "n", "", "namespace (default: the kubeconfig context's)")
	fs.StringVar(&o.imageName, "image-name", "", "image to run, as given; nothing is built")
	fs.StringVar(&o.registry, "registry", "", "build REGISTRY/NAME:latest with docker and push it")
	fs.BoolVar(&o.noDocker, "no-docker", false, "with --registry, neither build nor push: use the image as already pushed")
	fs.StringVar(&o.pullSecret, "pull-secret", "", "Secret to pull the image with (imagePullSecrets)")
	fs.Int32Var(&o.minReplicas, "min-replicas", 0, "minReplicaCount, and the worker Deployment's replicas (default: 0)")
	fs.Int32Var(&o.maxReplicas, "max-replicas", 0, "maxReplicaCount (default: the server's, 100)")
	fs.Int32Var(&o.pollingInterval, "polling-interval", 0, "pollingInterval in seconds (default: the server's, 30)")
	fs.Int32Var(&o.cooldownPeriod, "cooldown-period", 0, "cooldownPeriod in seconds (default: the server's, 300)")
	fs.BoolVar(&o.useConfigMap, "use-config-map", false, "store the settings in a ConfigMap instead of a Secret")
	fs.StringVar(&o.serviceType, "service-type", "ClusterIP", "type of the HTTP Service: ClusterIP, NodePort or LoadBalancer")
	fs.StringVar(&o.promServer, "http-prometheus-server", "", "Prometheus URL to scale the HTTP functions on their request rate")
	fs.Float64Var(&o.httpTarget, "http-target", 0, "requests per second per replica of the HTTP functions (with --http-scale-to-zero: requests in flight per replica, default 100)")
	fs.BoolVar(&o.httpScaleToZero, "http-scale-to-zero", false, "route the HTTP functions through sluice-http, which holds requests while they wake from zero")
	fs.StringVar(&o.httpFront, "http-front", "", "sluice-http's metrics address (default "+appmanifests.DefaultHTTPFront+")")
	fs.StringArrayVar(&o.httpHosts, "http-host", nil, "request host sluice-http routes to the app (repeatable; default: any host)")
	fs.StringVar(&o.httpQuery, "http-prometheus-query", "", "PromQL request-rate query (default: rate of http_requests_total for the Service)")
	fs.StringArrayVar(&o.triggers, "trigger", nil, "add a trigger, type:key=value,... (repeatable)")
	fs.BoolVar(&o.writeConfigs, "write-configs", false, "write the manifests (to --config-file or standard output) and stop")
	fs.StringVar(&o.configFile, "config-file", "", "file --write-configs writes to")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print the manifests instead of building and applying")
	fs.StringVarP(&o.output, "output", "o", appmanifests.FormatYAML, "manifest format: yaml or json")
	_ = cmd.MarkFlagRequired("name") // the flag exists: cannot fail
	return cmd
}

// int32Flag returns a pointer to v when the flag name was given, else nil.
func (o *deployOptions) int32Flag(name string, v int32) *int32 {
	if o.flags == nil || !o.flags.Changed(name) {
		return nil
	}
	return &v
}
