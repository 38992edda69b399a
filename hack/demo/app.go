package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// deployApp creates the namespace, copies the example project to a
// temporary directory, points its AzureWebJobsStorage at the demo's
// Azurite and runs `sluice deploy` on the copy, as a user would.
func deployApp(ctx context.Context, o options, info envInfo, out io.Writer) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", info.Kubeconfig)
	if err != nil {
		return fmt.Errorf("load kubeconfig: %w", err)
	}
	kc, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("build client: %w", err)
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: appNamespace}}
	if _, err := kc.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create namespace: %w", err)
	}
	dir, err := os.MkdirTemp("", "sluice-demo-app-")
	if err != nil {
		return fmt.Errorf("create app dir: %w", err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	if err := os.CopyFS(dir, os.DirFS(o.example)); err != nil {
		return fmt.Errorf("copy example: %w", err)
	}
	if err := setStorage(filepath.Join(dir, "local.settings.json"), info.QueueConn); err != nil {
		return err
	}
	args := []string{"deploy", "--no-docker", "--image-name", imageName, "--name", appName, "-n", appNamespace,
		"--polling-interval", "1", "--cooldown-period", strconv.Itoa(cooldownSeconds), "--max-replicas", strconv.Itoa(maxReplicas), dir}
	fmt.Fprintf(out, "$ sluice %s\n", joinArgs(args))
	cmd := exec.CommandContext(ctx, filepath.Join(o.binDir, "sluice"), args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+info.Kubeconfig)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("sluice deploy: %w", err)
	}
	return nil
}

// setStorage rewrites Values.AzureWebJobsStorage of a local.settings.json,
// keeping every other setting.
func setStorage(path, conn string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read settings: %w", err)
	}
	var settings map[string]any
	if err := json.Unmarshal(b, &settings); err != nil {
		return fmt.Errorf("parse %s: %w", filepath.Base(path), err)
	}
	values, _ := settings["Values"].(map[string]any)
	if values == nil {
		values = map[string]any{}
		settings["Values"] = values
	}
	values["AzureWebJobsStorage"] = conn
	b, err = json.MarshalIndent(settings, "", "  ")
	if err != nil {
		return fmt.Errorf("encode settings: %w", err)
	}
	return os.WriteFile(path, append(b, '\n'), fs.FileMode(0o600))
}

// joinArgs renders args for display, with the temporary dir shortened.
func joinArgs(args []string) string {
	s := ""
	for i, a := range args {
		if i == len(args)-1 {
			a = "<copy of examples/queue-worker>"
		}
		if i > 0 {
			s += " "
		}
		s += a
	}
	return s
}
