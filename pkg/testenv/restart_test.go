//go:build integration

package testenv

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
)

// TestRestartAPIServer stops kube-apiserver while a client watches, holds
// its port while it is down, and starts it again: the start retries until
// the port is free, the address, kubeconfig and data stay, the admin
// client works, and the informer's watch re-establishes by itself.
func TestRestartAPIServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	taken := make(chan struct{}, 100)
	cp := New(t, Options{Logf: func(format string, args ...any) {
		t.Logf(format, args...)
		if strings.Contains(fmt.Sprintf(format, args...), "is taken") {
			taken <- struct{}{}
		}
	}})
	host, logs := cp.Host, len(cp.Logs())
	configMaps := cp.Client.CoreV1().ConfigMaps(metav1.NamespaceDefault)
	create := func(name string) {
		t.Helper()
		if _, err := configMaps.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
			t.Fatalf("create ConfigMap %s: %v", name, err)
		}
	}
	create("before")

	factory := informers.NewSharedInformerFactoryWithOptions(cp.Client, 0, informers.WithNamespace(metav1.NamespaceDefault))
	informer := factory.Core().V1().ConfigMaps().Informer()
	seen := make(chan string, 100)
	if _, err := informer.AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: func(obj any) {
		seen <- obj.(*corev1.ConfigMap).Name
	}}); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer func() { close(stop); factory.Shutdown() }()
	factory.Start(stop)
	factory.WaitForCacheSync(stop)

	port := cp.apiserver.port
	cp.StopAPIServer()
	if _, err := configMaps.Get(ctx, "before", metav1.GetOptions{}); err == nil {
		t.Fatal("kube-apiserver answers after StopAPIServer")
	}
	// Another process takes the port while the server is down.
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatalf("take the stopped server's port: %v", err)
	}
	defer func() { _ = ln.Close() }()

	// A restart ended while the port is taken fails after retrying, and
	// leaves nothing running.
	short, cancelShort := context.WithCancel(ctx)
	failed := make(chan error, 1)
	go func() { failed <- cp.StartAPIServer(short) }()
	select {
	case <-taken:
	case err := <-failed:
		t.Fatalf("StartAPIServer returned %v while its port was taken", err)
	}
	cancelShort()
	if err := <-failed; !errors.Is(err, context.Canceled) {
		t.Fatalf("StartAPIServer ended while its port was taken: %v, want context canceled", err)
	}
	if !cp.procs[cp.apiserver.proc].Exited() {
		t.Fatal("a kube-apiserver runs after a failed restart")
	}
	for len(taken) > 0 {
		<-taken
	}

	// A restart that outlasts the squatter succeeds.
	started := make(chan error, 1)
	go func() { started <- cp.StartAPIServer(ctx) }()
	select {
	case <-taken:
	case err := <-started:
		t.Fatalf("StartAPIServer returned %v while its port was taken", err)
	}
	_ = ln.Close()
	if err := <-started; err != nil {
		t.Fatalf("StartAPIServer: %v", err)
	}

	if cp.Host != host {
		t.Errorf("Host = %s after the restart, want %s", cp.Host, host)
	}
	if got := len(cp.Logs()); got <= logs {
		t.Errorf("Logs lists %d files after the restart, want the restarts' logs beside the first %d", got, logs)
	}
	if _, err := configMaps.Get(ctx, "before", metav1.GetOptions{}); err != nil {
		t.Errorf("ConfigMap created before the restart: %v", err)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", cp.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fresh.CoreV1().ConfigMaps(metav1.NamespaceDefault).Get(ctx, "before", metav1.GetOptions{}); err != nil {
		t.Errorf("a client from the kubeconfig written before the restart: %v", err)
	}
	create("after")
	err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 2*time.Minute, true, func(context.Context) (bool, error) {
		for {
			select {
			case name := <-seen:
				if name == "after" {
					return true, nil
				}
			default:
				return false, nil
			}
		}
	})
	if err != nil {
		t.Fatalf("the informer's watch did not see an object created after the restart: %v", err)
	}

	// RestartAPIServer is the same in one call.
	if err := cp.RestartAPIServer(ctx, time.Second); err != nil {
		t.Fatalf("RestartAPIServer: %v", err)
	}
	if _, err := configMaps.Get(ctx, "after", metav1.GetOptions{}); err != nil {
		t.Errorf("after RestartAPIServer: %v", err)
	}
}
