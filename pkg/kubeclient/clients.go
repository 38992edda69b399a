package kubeclient

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/record"

	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned"
	sluicescheme "github.com/sluice-dev/sluice/pkg/client/clientset/versioned/scheme"
)

// Clients are the clients every Sluice program builds from its options:
// the rest.Config (for the program's other clients), the Kubernetes
// clientset (over protobuf, see BuiltinTypes) and Sluice's keda.sh/v1alpha1
// clientset.
type Clients struct {
	Config *rest.Config
	Kube   *kubernetes.Clientset
	Sluice *versioned.Clientset
}

// Clients loads the config (see Config) and builds both clientsets from
// it, identifying as userAgent.
func (o *Options) Clients(userAgent string) (Clients, error) {
	cfg, err := o.Config(userAgent)
	if err != nil {
		return Clients{}, err
	}
	kube, err := kubernetes.NewForConfig(BuiltinTypes(cfg))
	if err != nil {
		return Clients{}, fmt.Errorf("create kube client: %w", err)
	}
	sluice, err := versioned.NewForConfig(cfg)
	if err != nil {
		return Clients{}, fmt.Errorf("create sluice client: %w", err)
	}
	return Clients{Config: cfg, Kube: kube, Sluice: sluice}, nil
}

// NewRecorder returns a recorder of Events on built-in and keda.sh
// objects, from component, sent through kube until stop is called or ctx
// is done. stop flushes nothing; it ends the broadcaster's goroutines.
func NewRecorder(ctx context.Context, kube kubernetes.Interface, component string) (rec record.EventRecorder, stop func(), err error) {
	scheme := runtime.NewScheme()
	if err := errors.Join(clientgoscheme.AddToScheme(scheme), sluicescheme.AddToScheme(scheme)); err != nil {
		return nil, nil, fmt.Errorf("build event scheme: %w", err)
	}
	b := record.NewBroadcaster(record.WithContext(ctx))
	b.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: kube.CoreV1().Events("")})
	return b.NewRecorder(scheme, corev1.EventSource{Component: component}), b.Shutdown, nil
}

// Factory is an informer factory: client-go's, or a generated clientset's.
type Factory interface {
	Start(stop <-chan struct{})
	Shutdown()
}

// StartFactories starts every factory until stop is closed, and returns
// the function that shuts them all down, waiting for their goroutines:
// call it after closing stop.
func StartFactories(stop <-chan struct{}, factories []Factory) (shutdown func()) {
	for _, f := range factories {
		f.Start(stop)
	}
	return func() {
		for _, f := range factories {
			f.Shutdown()
		}
	}
}
