//go:build e2e

package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"

	corev1 "k8s.io/api/core/v1"
)

// secretVolume plays the kubelet for a Secret volume: it writes the keys
// of a Secret into dir the way the kubelet's atomic writer does (a
// timestamped directory, the ..data symlink swapped by a rename, one
// symlink per key into ..data, the old directory removed), so a program
// watching its files sees what it sees in a pod.
type secretVolume struct {
	dir    string
	writes atomic.Int64
}

// write replaces the volume's content with data.
func (v *secretVolume) write(data map[string][]byte) error {
	if err := os.MkdirAll(v.dir, 0o700); err != nil {
		return err
	}
	old, _ := os.Readlink(filepath.Join(v.dir, "..data"))
	ts := "..sync_" + strconv.FormatInt(time.Now().UnixNano(), 10)
	if err := os.Mkdir(filepath.Join(v.dir, ts), 0o700); err != nil {
		return err
	}
	for k, b := range data {
		if err := os.WriteFile(filepath.Join(v.dir, ts, k), b, 0o600); err != nil {
			return err
		}
	}
	tmp := filepath.Join(v.dir, "..data_tmp")
	_ = os.Remove(tmp)
	if err := os.Symlink(ts, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(v.dir, "..data")); err != nil {
		return err
	}
	for k := range data {
		link := filepath.Join(v.dir, k)
		if _, err := os.Lstat(link); err == nil {
			continue
		}
		if err := os.Symlink(filepath.Join("..data", k), link); err != nil {
			return err
		}
	}
	if old != "" {
		if err := os.RemoveAll(filepath.Join(v.dir, old)); err != nil {
			return err
		}
	}
	v.writes.Add(1)
	return nil
}

// syncSecret writes the Secret ns/name into v whenever it changes, until
// the test ends, as the kubelet does for a mounted Secret.
func (v *secretVolume) syncSecret(t *testing.T, ns, name string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	secrets := cluster.Client.CoreV1().Secrets(ns)
	wg.Go(func() {
		for ctx.Err() == nil {
			w, err := secrets.Watch(ctx, metav1.ListOptions{FieldSelector: fields.OneTermEqualSelector("metadata.name", name).String()})
			if err != nil {
				select {
				case <-ctx.Done():
				case <-time.After(100 * time.Millisecond): // retry pace
				}
				continue
			}
			for e := range w.ResultChan() {
				s, ok := e.Object.(*corev1.Secret)
				if !ok || (e.Type != watch.Added && e.Type != watch.Modified) {
					continue
				}
				if err := v.write(s.Data); err != nil {
					t.Errorf("write secret volume: %v", err)
				}
			}
			w.Stop()
		}
	})
}

// reader reads one external metric through kube-apiserver, as the HPA
// does, every 50ms until stopped, and counts what happened.
type reader struct {
	ok, failed atomic.Int64
	mu         sync.Mutex
	errs       []string
	stop       func()
}

// startReader starts reading metric of object in ns.
func startReader(t *testing.T, ns, metric, object string) *reader {
	t.Helper()
	r := &reader{}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	r.stop = func() { cancel(); wg.Wait() }
	t.Cleanup(r.stop)
	wg.Go(func() {
		wait.NonSlidingUntilWithContext(ctx, func(ctx context.Context) {
			if _, err := externalMetric(ctx, t, ns, metric, object); err != nil {
				if ctx.Err() != nil {
					return
				}
				r.failed.Add(1)
				r.mu.Lock()
				if len(r.errs) < 5 {
					r.errs = append(r.errs, err.Error())
				}
				r.mu.Unlock()
			} else {
				r.ok.Add(1)
			}
		}, 50*time.Millisecond)
	})
	return r
}

// servedCertificate dials the adapter on 127.0.0.1:port as kube-apiserver
// does (verifying against bundle, for a name of the APIService's Service)
// and returns the certificate it serves.
func servedCertificate(port int, bundle []byte) (*x509.Certificate, error) {
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(bundle) {
		return nil, fmt.Errorf("no CA in the bundle")
	}
	d := &tls.Dialer{NetDialer: &net.Dialer{Timeout: 10 * time.Second}, Config: &tls.Config{RootCAs: roots, ServerName: "apiservice.default.svc", MinVersion: tls.VersionTLS12}}
	conn, err := d.DialContext(context.Background(), "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	defer func() { _ = conn.Close() }()
	return conn.(*tls.Conn).ConnectionState().PeerCertificates[0], nil
}
