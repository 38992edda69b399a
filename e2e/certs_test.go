//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"

	"github.com/sluice-dev/sluice/pkg/boundaddrs"
	"github.com/sluice-dev/sluice/pkg/certs"
	"github.com/sluice-dev/sluice/pkg/install"
	"github.com/sluice-dev/sluice/pkg/testenv"
)

// TestCertRenewalInCluster: the Secret holds material of an install from
// before renewal existed (no CA key) whose serving certificate expires in
// two hours. Nobody re-runs install: the elected adapter publishes a new
// CA next to the old one in the APIService's caBundle, then a certificate
// it signs; the test writes the Secret into the adapter's certificate
// files as the kubelet does, and the adapter serves the new certificate
// without a restart. An HPA-style read through the aggregator every 50ms
// never fails across the swap.
func TestCertRenewalInCluster(t *testing.T) {
	ctx := context.Background()
	ns := namespace(t)
	dir := t.TempDir()
	p := certs.DefaultPolicy(certs.SluiceCAPrefix+ns, []string{testenv.AnyAPIServiceHost("")})
	p.ServingLifetime = 2 * time.Hour
	orig, err := certs.New(p, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	orig.CAKey = nil
	origLeaf, err := orig.Leaf()
	if err != nil {
		t.Fatal(err)
	}
	vol := &secretVolume{dir: filepath.Join(dir, "tls")}
	if err := vol.write(orig.Data()); err != nil {
		t.Fatal(err)
	}
	_, addrs := startProgram(t, dir, "sluice-adapter", adapterArgs(filepath.Join(vol.dir, certs.KeyCert), filepath.Join(vol.dir, certs.KeyKey),
		"--namespace="+ns,
		"--watch-namespace="+ns,
		"--leader-elect-lease-name=certs-"+ns,
		// Between the two steps of a CA rotation kube-apiserver picks up the
		// new caBundle; in a cluster an hour passes, here a few seconds.
		"--serving-cert-check-interval=3s",
	), boundaddrs.Secure)
	port := addrs[boundaddrs.Secure].Port
	registerAdapter(t, port, orig.CA)
	src := newValueServer(t, 42)
	if _, err := kedaClient(t).KedaV1alpha1().ScaledObjects(ns).Create(ctx, metricsAPIObject(ns, "web", src.URL), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	const metric = "s0-metric-api-value"
	eventually(t, phase, "the metric served through kube-apiserver", func() error {
		_, err := externalMetric(ctx, t, ns, metric, "web")
		return err
	})

	reads := startReader(t, ns, metric, "web")
	vol.syncSecret(t, ns, install.TLSSecretName)
	_, err = cluster.Client.CoreV1().Secrets(ns).Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: install.TLSSecretName, Namespace: ns},
		Type:       corev1.SecretTypeTLS,
		Data:       orig.Data(),
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	created := time.Now()

	var renewed *certs.Bundle
	eventually(t, phase, "a new CA and a certificate it signs in the Secret", func() error {
		s, err := cluster.Client.CoreV1().Secrets(ns).Get(ctx, install.TLSSecretName, metav1.GetOptions{})
		if err != nil {
			return err
		}
		b := certs.FromSecret(s.Data)
		if bytes.Equal(b.Cert, orig.Cert) || len(b.CAKey) == 0 {
			return fmt.Errorf("not renewed yet")
		}
		if err := b.Check(p.Names, time.Now(), p.RenewBefore); err != nil {
			return err
		}
		if n := bytes.Count(b.CA, []byte("BEGIN CERTIFICATE")); n != 2 {
			return fmt.Errorf("bundle holds %d CAs, want the old and the new", n)
		}
		renewed = b
		return nil
	})
	inSecret := time.Since(created)
	eventually(t, phase, "the APIService trusts the Secret's bundle", func() error {
		api, err := dynamicClient(t).Resource(apiServicesGVR()).Get(ctx, "v1beta1.external.metrics.k8s.io", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if got, _, _ := unstructured.NestedString(api.Object, "spec", "caBundle"); got != base64.StdEncoding.EncodeToString(renewed.CA) {
			return fmt.Errorf("caBundle is not the Secret's ca.crt")
		}
		return nil
	})
	newLeaf, err := renewed.Leaf()
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, phase, "the adapter serves the new certificate", func() error {
		got, err := servedCertificate(port, renewed.CA)
		if err != nil {
			return err
		}
		if !got.Equal(newLeaf) {
			return fmt.Errorf("serves serial %s, want %s", got.SerialNumber, newLeaf.SerialNumber)
		}
		return nil
	})
	served := time.Since(created)
	eventually(t, phase, "the expiry gauge shows the new certificate", func() error {
		v, err := gauge(addrs[boundaddrs.Metrics].String(), "sluice_adapter_serving_certificate_expiry_timestamp_seconds")
		if err != nil {
			return err
		}
		if int64(v) != newLeaf.NotAfter.Unix() {
			return fmt.Errorf("gauge %v, want %d (old certificate: %d)", v, newLeaf.NotAfter.Unix(), origLeaf.NotAfter.Unix())
		}
		return nil
	})
	// Reads go on across and after the swap.
	after := reads.ok.Load()
	eventually(t, phase, "20 more reads after the swap", func() error {
		if n := reads.ok.Load() - after; n < 20 {
			return fmt.Errorf("%d reads", n)
		}
		return nil
	})
	reads.stop()
	if n := reads.failed.Load(); n != 0 {
		t.Errorf("%d of %d reads through kube-apiserver failed across the renewal: %v", n, n+reads.ok.Load(), reads.errs)
	}
	eventually(t, phase, "Event CertificateRenewed on the APIService", func() error {
		evs, err := cluster.Client.CoreV1().Events(metav1.NamespaceDefault).List(ctx, metav1.ListOptions{
			FieldSelector: fields.Set{"involvedObject.name": "v1beta1.external.metrics.k8s.io", "reason": "CertificateRenewed"}.String(),
		})
		if err != nil {
			return err
		}
		for _, e := range evs.Items {
			if strings.Contains(e.Message, ns+"/") {
				return nil
			}
		}
		return fmt.Errorf("%d CertificateRenewed events, none for %s", len(evs.Items), ns)
	})
	t.Logf("FIGURE certificate renewal: renewed in the Secret %.1fs after it appeared, served %.1fs after; %d reads through kube-apiserver, %d failed; %d volume writes",
		inSecret.Seconds(), served.Seconds(), reads.ok.Load(), reads.failed.Load(), vol.writes.Load())
}

// gauge scrapes one gauge from a program's /metrics at addr.
func gauge(addr, name string) (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, fams, err := scrapeAddr(ctx, addr)
	if err != nil {
		return 0, err
	}
	series := fams[name].GetMetric()
	if len(series) != 1 || series[0].GetGauge() == nil {
		return 0, fmt.Errorf("%s: %d series, want one gauge", name, len(series))
	}
	return series[0].GetGauge().GetValue(), nil
}
