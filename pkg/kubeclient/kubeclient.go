// Package kubeclient is the kube-apiserver client settings every Sluice
// program shares: the --kubeconfig, --kube-api-qps and --kube-api-burst
// flags, their validation, and the rest.Config built from them; and what
// the programs watch (Watch: --watch-namespace, --resync-period).
package kubeclient

import (
	"fmt"

	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Options are the client settings. The zero value is not valid: start from
// NewOptions.
type Options struct {
	// Kubeconfig is a kubeconfig path; empty means the in-cluster config.
	Kubeconfig string
	// QPS and Burst are the client-side rate limit. A negative QPS turns
	// the client-side limiter off and leaves flow control to the server's
	// API priority and fairness (the default); 0 is refused, since
	// client-go would read it as its own 5 QPS.
	QPS   float32
	Burst int
}

// NewOptions returns the defaults: no client-side limiter, and burst for
// when a user sets a positive QPS.
func NewOptions(burst int) Options {
	return Options{QPS: -1, Burst: burst}
}

// AddFlags binds o to fs; use says what the program does with the client,
// for the --kubeconfig help.
func (o *Options) AddFlags(fs *pflag.FlagSet, use string) {
	fs.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "kubeconfig for "+use+"; in-cluster config when empty")
	fs.Float32Var(&o.QPS, "kube-api-qps", o.QPS, "client-side queries per second to kube-apiserver; negative turns the client-side limiter off and relies on the server's API priority and fairness")
	fs.IntVar(&o.Burst, "kube-api-burst", o.Burst, "client-side burst of queries to kube-apiserver, when --kube-api-qps is positive")
}

// Validate returns every problem with o, each naming its flag.
func (o *Options) Validate() []error {
	var errs []error
	if o.QPS == 0 {
		errs = append(errs, fmt.Errorf("--kube-api-qps: must be positive, or negative to turn the client-side limiter off, got %v", o.QPS))
	}
	if o.QPS > 0 && o.Burst < 1 {
		errs = append(errs, fmt.Errorf("--kube-api-burst: must be greater than 0 when --kube-api-qps is positive, got %d", o.Burst))
	}
	return errs
}

// Config loads the kubeconfig (or the in-cluster config) and applies the
// rate limit and userAgent.
func (o *Options) Config(userAgent string) (*rest.Config, error) {
	var cfg *rest.Config
	var err error
	if o.Kubeconfig != "" {
		cfg, err = clientcmd.BuildConfigFromFlags("", o.Kubeconfig)
	} else {
		cfg, err = rest.InClusterConfig()
	}
	if err != nil {
		return nil, fmt.Errorf("load kubeconfig: %w", err)
	}
	cfg.QPS, cfg.Burst = o.QPS, o.Burst
	cfg.UserAgent = userAgent
	return cfg, nil
}

// BuiltinTypes returns a copy of cfg for clients of Kubernetes' built-in
// types only (kubernetes.Interface: HPAs, Events, Secrets, Leases, …; and
// the /scale client, whose autoscaling/v1 Scale is built in for custom
// resources too): it sends and asks for protobuf, which costs
// kube-apiserver and the client far less to encode and decode than JSON,
// and still accepts JSON. Clients of custom resources themselves (the
// keda.sh clientset, dynamic) must keep cfg: custom resources have no
// protobuf encoding.
func BuiltinTypes(cfg *rest.Config) *rest.Config {
	c := rest.CopyConfig(cfg)
	c.ContentType = runtime.ContentTypeProtobuf
	c.AcceptContentTypes = runtime.ContentTypeProtobuf + "," + runtime.ContentTypeJSON
	return c
}
