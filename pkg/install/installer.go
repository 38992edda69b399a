package install

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/sluice-dev/sluice/pkg/certs"
)

// Installer installs and removes Sluice in one cluster.
type Installer struct {
	// Client reaches the cluster.
	Client dynamic.Interface
	// Out receives one line per step.
	Out io.Writer
	// Now is the clock certificates are checked and issued against.
	Now func() time.Time
}

// NewInstaller returns an Installer for cfg writing progress to out.
func NewInstaller(cfg *rest.Config, out io.Writer) (*Installer, error) {
	c, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("create client: %w", err)
	}
	return &Installer{Client: c, Out: out, Now: time.Now}, nil
}

// Plan returns the objects to apply for o. It fails with a
// *ForeignAPIServiceError when the external metrics APIService is not
// ours, unless force. It reuses the certificate in the existing TLS Secret
// when that passes TLS.Check, and leaves out a namespace that exists but
// was not created by install (so that remove never deletes it).
func (in *Installer) Plan(ctx context.Context, o Options, force bool) ([]*unstructured.Unstructured, error) {
	o = o.withDefaults()
	apisvc, err := in.Client.Resource(apiServiceGVR()).Get(ctx, APIServiceName, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
	case err != nil:
		return nil, fmt.Errorf("get APIService %s: %w", APIServiceName, err)
	default:
		err := Foreign(apisvc)
		var foreign *ForeignAPIServiceError
		if errors.As(err, &foreign) && force {
			fmt.Fprintf(in.Out, "taking over APIService %s from %s (service %s): --force\n", APIServiceName, foreign.Owner, foreign.Service)
		} else if err != nil {
			return nil, err
		}
	}
	tls, err := in.tls(ctx, o.Namespace)
	if err != nil {
		return nil, err
	}
	objs, err := Bundle(o, tls)
	if err != nil {
		return nil, err
	}
	ns, err := in.Client.Resource(resourceOf("Namespace")).Get(ctx, o.Namespace, metav1.GetOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("get namespace %s: %w", o.Namespace, err)
	}
	if err == nil && !Selector().Matches(labels.Set(ns.GetLabels())) {
		objs = withoutKind(objs, "Namespace")
	}
	return objs, nil
}

// tls returns the certificate of the existing Secret when it is still
// good, else a new one, and says which on Out.
func (in *Installer) tls(ctx context.Context, ns string) (*TLS, error) {
	now := in.Now()
	s, err := in.Client.Resource(resourceOf("Secret")).Namespace(ns).Get(ctx, TLSSecretName, metav1.GetOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("get secret %s/%s: %w", ns, TLSSecretName, err)
	}
	if err == nil {
		var secret corev1.Secret
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(s.Object, &secret); err != nil {
			return nil, fmt.Errorf("read secret %s/%s: %w", ns, TLSSecretName, err)
		}
		t := TLSFromSecret(secret.Data)
		next, why, err := certs.Renew(t, TLSPolicy(ns), now)
		if err != nil {
			return nil, fmt.Errorf("renew the certificate in secret %s/%s: %w", ns, TLSSecretName, err)
		}
		if next == nil {
			fmt.Fprintf(in.Out, "keeping the certificate in secret %s/%s\n", ns, TLSSecretName)
			return t, nil
		}
		fmt.Fprintf(in.Out, "replacing the certificate in secret %s/%s: %s\n", ns, TLSSecretName, why)
		// Install writes the Secret and the caBundle together, so a CA
		// rotation's second step (the certificate) need not wait.
		if again, _, err := certs.Renew(next, TLSPolicy(ns), now); err == nil && again != nil {
			next = again
		}
		return next, nil
	}
	return NewTLS(ns, now)
}

// Apply server-side applies objs in order with FieldManager, forcing
// conflicts, and writes one line per object to Out.
func (in *Installer) Apply(ctx context.Context, objs []*unstructured.Unstructured) error {
	force := true
	for _, u := range objs {
		k, _, err := kindOf(u)
		if err != nil {
			return err
		}
		data, err := json.Marshal(u.Object)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", u.GetKind(), u.GetName(), err)
		}
		r := in.Client.Resource(k.gvr)
		var ri dynamic.ResourceInterface = r
		if k.namespaced {
			ri = r.Namespace(u.GetNamespace())
		}
		_, err = ri.Patch(ctx, u.GetName(), types.ApplyPatchType, data, metav1.PatchOptions{FieldManager: FieldManager, Force: &force})
		if err != nil {
			return fmt.Errorf("apply %s %s: %w", u.GetKind(), qualified(u), err)
		}
		fmt.Fprintf(in.Out, "%s/%s applied\n", k.gvr.Resource, qualified(u))
	}
	return nil
}

// qualified returns "<namespace>/<name>", or the name of a cluster-scoped
// object.
func qualified(u *unstructured.Unstructured) string {
	if u.GetNamespace() == "" {
		return u.GetName()
	}
	return u.GetNamespace() + "/" + u.GetName()
}

// withoutKind returns objs without the objects of kind.
func withoutKind(objs []*unstructured.Unstructured, kind string) []*unstructured.Unstructured {
	out := objs[:0:0]
	for _, u := range objs {
		if u.GetKind() != kind {
			out = append(out, u)
		}
	}
	return out
}
