package cli

import (
	"fmt"
	"io"

	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/sluice-dev/sluice/pkg/install"
)

// kubeFlags locate the cluster the way kubectl does: KUBECONFIG or
// ~/.kube/config, --kubeconfig, --context.
type kubeFlags struct {
	kubeconfig string
	context    string
}

// addFlags binds the flags to fs.
func (k *kubeFlags) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&k.kubeconfig, "kubeconfig", "", "path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
	fs.StringVar(&k.context, "context", "", "kubeconfig context to use (default: the current context)")
}

// clientConfig returns the merged client configuration.
func (k *kubeFlags) clientConfig() clientcmd.ClientConfig {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = k.kubeconfig
	overrides := &clientcmd.ConfigOverrides{CurrentContext: k.context}
	return clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides)
}

// restConfig returns the configuration to reach the cluster.
func (k *kubeFlags) restConfig() (*rest.Config, error) {
	cfg, err := k.clientConfig().ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("load kubeconfig: %w", err)
	}
	return cfg, nil
}

// installer returns the installer of the cluster, writing progress to out.
func (k *kubeFlags) installer(out io.Writer) (*install.Installer, error) {
	cfg, err := k.restConfig()
	if err != nil {
		return nil, err
	}
	return install.NewInstaller(cfg, out)
}

// namespace returns flag when set, else the context's namespace, else
// "default" (also when there is no kubeconfig at all, so that manifests
// can be written without one).
func (k *kubeFlags) namespace(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	ns, _, err := k.clientConfig().Namespace()
	if clientcmd.IsEmptyConfig(err) {
		return "default", nil
	}
	if err != nil {
		return "", fmt.Errorf("load kubeconfig: %w", err)
	}
	return ns, nil
}
