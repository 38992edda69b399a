//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/sluice-dev/sluice/pkg/boundaddrs"
	"github.com/sluice-dev/sluice/pkg/install"
	"github.com/sluice-dev/sluice/pkg/testenv"
)

// cliResult is what one run of the sluice program wrote and how it ended.
type cliResult struct {
	out, errOut string
	err         error
}

// sluiceCLI runs binDir/sluice with args against cp and returns its
// output; a non-zero exit is in err.
func sluiceCLI(t *testing.T, cp *testenv.ControlPlane, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, "sluice"), append([]string{"--kubeconfig=" + cp.Kubeconfig}, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.Env = append(os.Environ(), "KUBECONFIG=")
	err := cmd.Run()
	t.Logf("sluice %v: %v\nstdout:\n%s\nstderr:\n%s", args, err, out.String(), errOut.String())
	return cliResult{out: out.String(), errOut: errOut.String(), err: err}
}

// startInstalledAdapter runs sluice-adapter as a process with the
// certificate install stored in the Secret of ns, and points install's
// APIService at it the TESTENV.md way: the Service sluice-adapter becomes
// an ExternalName for localhost on the adapter's port, so kube-apiserver
// still verifies the name sluice-adapter.<ns>.svc against install's CA.
func startInstalledAdapter(t *testing.T, cp *testenv.ControlPlane, ns string) *testenv.Process {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	secret, err := cp.Client.CoreV1().Secrets(ns).Get(ctx, install.TLSSecretName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{install.KeyCert, install.KeyKey} {
		if err := os.WriteFile(filepath.Join(dir, key), secret.Data[key], 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p, addrs := startProgram(t, dir, "sluice-adapter", []string{
		"--kubeconfig=" + cp.Kubeconfig,
		"--authentication-kubeconfig=" + cp.Kubeconfig,
		"--authorization-kubeconfig=" + cp.Kubeconfig,
		"--bind-address=127.0.0.1",
		"--secure-port=0",
		"--tls-cert-file=" + filepath.Join(dir, install.KeyCert),
		"--tls-private-key-file=" + filepath.Join(dir, install.KeyKey),
		"--namespace=" + ns,
		"--log-level=debug",
	}, boundaddrs.Secure)
	port := addrs[boundaddrs.Secure].Port
	// A ClusterIP Service cannot become an ExternalName in place; the new
	// one carries the install labels, as the one it replaces did.
	svcs := cp.Client.CoreV1().Services(ns)
	if err := svcs.Delete(ctx, install.AdapterName, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = svcs.Create(ctx, &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: install.AdapterName, Namespace: ns, Labels: map[string]string{install.LabelManagedBy: "sluice", install.LabelPartOf: install.PartOf}},
		Spec: corev1.ServiceSpec{
			Type:         corev1.ServiceTypeExternalName,
			ExternalName: "localhost",
			Ports:        []corev1.ServicePort{{Name: "https", Port: int32(port)}},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dyn := newClient(t, cp, dynamic.NewForConfig)
	patch := fmt.Sprintf(`{"spec":{"service":{"port":%d}}}`, port)
	_, err = dyn.Resource(apiServicesGVR()).Patch(ctx, install.APIServiceName, types.MergePatchType, []byte(patch), metav1.PatchOptions{FieldManager: "e2e"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}
