package app

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/clock"

	"github.com/sluice-dev/sluice/pkg/certs"
)

// Reasons of the Events a certRenewer records on the APIService.
const (
	ReasonRenewed       = "CertificateRenewed"
	ReasonRenewalFailed = "CertificateRenewalFailed"
	ReasonExpiresSoon   = "CertificateExpiresSoon"
)

var apiServicesGVR = schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}

// certRenewer keeps the serving certificate in a Secret, and the caBundle of
// the APIService that trusts it, renewed in the cluster. Run it on one
// replica (the elected one); every replica serves the renewed certificate
// once the kubelet updates the mounted Secret, because the apiserver
// library reloads --tls-cert-file and --tls-private-key-file on change.
type certRenewer struct {
	Kube kubernetes.Interface
	Dyn  dynamic.Interface
	// Namespace and Secret name the Secret (tls.crt, tls.key, ca.crt,
	// ca.key); APIService is the APIService whose caBundle is ca.crt.
	Namespace, Secret, APIService string
	// Policy renews; its Names are ignored: a renewed certificate keeps the
	// names of the current one.
	Policy certs.Policy
	// Interval is the time between checks.
	Interval time.Duration
	// FieldManager owns what the renewer applies.
	FieldManager string
	Recorder     record.EventRecorder
	Clock        clock.WithTicker
	Log          *zap.Logger
}

// Run checks at once and then every Interval until ctx is done; a failed
// check is retried at the next one (and recorded as a Warning Event).
func (r *certRenewer) Run(ctx context.Context) {
	t := r.Clock.NewTicker(r.Interval)
	defer t.Stop()
	for {
		if err := r.Check(ctx); err != nil && ctx.Err() == nil {
			r.Log.Warn("certificate renewal failed", zap.Error(err))
			r.event(corev1.EventTypeWarning, ReasonRenewalFailed, "renewing the serving certificate in Secret %s/%s failed: %v", r.Namespace, r.Secret, err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C():
		}
	}
}

// Check renews the material when it is due, and puts the Secret's CA
// bundle in the APIService's caBundle when it is not there. A Secret that
// does not exist, or whose CA Sluice did not generate, is left alone (an
// Event warns when its certificate is about to expire).
func (r *certRenewer) Check(ctx context.Context) error {
	s, err := r.Kube.CoreV1().Secrets(r.Namespace).Get(ctx, r.Secret, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		r.Log.Debug("no certificate secret: nothing to renew", zap.String("secret", r.Namespace+"/"+r.Secret))
		return nil
	}
	if err != nil {
		return fmt.Errorf("get secret: %w", err)
	}
	cur := certs.FromSecret(s.Data)
	now := r.Clock.Now()
	if ca, err := certs.LeafOf(cur.CA); err != nil || !strings.HasPrefix(ca.Subject.CommonName, certs.SluiceCAPrefix) {
		r.warnIfExpiring(cur, now, "it was not issued by Sluice: renew it where it was issued")
		return nil
	}
	next, why, err := certs.Renew(cur, r.Policy, now)
	if err != nil {
		return err
	}
	if next == nil {
		return r.ensureCABundle(ctx, cur.CA)
	}
	// The APIService trusts the new bundle (which still holds the old CA)
	// before any replica can serve a certificate of the new CA.
	if err := r.ensureCABundle(ctx, next.CA); err != nil {
		return err
	}
	apply := corev1ac.Secret(r.Secret, r.Namespace).WithType(corev1.SecretTypeTLS).WithData(next.Data())
	if _, err := r.Kube.CoreV1().Secrets(r.Namespace).Apply(ctx, apply, metav1.ApplyOptions{FieldManager: r.FieldManager, Force: true}); err != nil {
		return fmt.Errorf("apply secret: %w", err)
	}
	leaf, _ := next.Leaf()
	r.Log.Info("certificate material renewed", zap.String("reason", why), zap.Time("servingNotAfter", leaf.NotAfter))
	r.event(corev1.EventTypeNormal, ReasonRenewed, "renewed the material in Secret %s/%s (%s); the serving certificate is valid until %s",
		r.Namespace, r.Secret, why, leaf.NotAfter.UTC().Format(time.RFC3339))
	return nil
}

// ensureCABundle applies bundle as the APIService's caBundle unless it is
// there already.
func (r *certRenewer) ensureCABundle(ctx context.Context, bundle []byte) error {
	want := base64.StdEncoding.EncodeToString(bundle)
	api, err := r.Dyn.Resource(apiServicesGVR).Get(ctx, r.APIService, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("get apiservice: %w", err)
	}
	if got, _, _ := unstructured.NestedString(api.Object, "spec", "caBundle"); got == want {
		return nil
	}
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiregistration.k8s.io/v1",
		"kind":       "APIService",
		"metadata":   map[string]any{"name": r.APIService},
		"spec":       map[string]any{"caBundle": want},
	}}
	if _, err := r.Dyn.Resource(apiServicesGVR).Apply(ctx, r.APIService, u, metav1.ApplyOptions{FieldManager: r.FieldManager, Force: true}); err != nil {
		return fmt.Errorf("apply apiservice caBundle: %w", err)
	}
	return nil
}

// warnIfExpiring records an Event when cur's certificate expires within
// the policy's RenewBefore.
func (r *certRenewer) warnIfExpiring(cur *certs.Bundle, now time.Time, why string) {
	leaf, err := cur.Leaf()
	if err != nil || leaf.NotAfter.Sub(now) >= r.Policy.RenewBefore {
		return
	}
	r.event(corev1.EventTypeWarning, ReasonExpiresSoon, "the serving certificate in Secret %s/%s expires at %s and is not renewed: %s",
		r.Namespace, r.Secret, leaf.NotAfter.UTC().Format(time.RFC3339), why)
}

// event records an Event on the APIService.
func (r *certRenewer) event(typ, reason, format string, args ...any) {
	ref := &corev1.ObjectReference{APIVersion: "apiregistration.k8s.io/v1", Kind: "APIService", Name: r.APIService}
	r.Recorder.Eventf(ref, typ, reason, format, args...)
}
