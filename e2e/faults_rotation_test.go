//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// TestFaultRotatedToken: the source's bearer token is rotated and the
// Secret updated. The adapter re-resolves the trigger from the Secret's
// watch and serves fresh values again within one polling interval; neither
// token shows in the adapter's log, Events or status.
func TestFaultRotatedToken(t *testing.T) {
	const interval = 10 // seconds; the bound the rotation must beat
	ctx := context.Background()
	ns := namespace(t)
	oldToken, newToken := "tok-"+strings.Repeat("a", 24), "tok-"+strings.Repeat("b", 24)
	var accepted atomic.Pointer[string]
	accepted.Store(&oldToken)
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+*accepted.Load() {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		v := 7.0 // the new token reads another value, to tell them apart
		if *accepted.Load() == newToken {
			v = 9
		}
		_ = json.NewEncoder(w).Encode(map[string]float64{"value": v})
	}))
	t.Cleanup(src.Close)

	a := startAdapter(t, "--watch-namespace="+ns)
	secrets := cluster.Client.CoreV1().Secrets(ns)
	if _, err := secrets.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "token"}, StringData: map[string]string{"token": oldToken}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	createSecretAuth(t, ns, "bearer", v1alpha1.AuthSecretTargetRef{Parameter: "token", Name: "token", Key: "token"})
	keda := kedaClient(t).KedaV1alpha1()
	so := metricsAPIObject(ns, "rotated", src.URL, func(so *v1alpha1.ScaledObject) {
		so.Spec.PollingInterval = ptr.To[int32](interval)
		so.Spec.Triggers[0].Metadata["authMode"] = "bearer"
		so.Spec.Triggers[0].AuthenticationRef = &v1alpha1.AuthenticationRef{Name: "bearer"}
	})
	if _, err := keda.ScaledObjects(ns).Create(ctx, so, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	served := func(want string) func() error { return servedIs(ctx, t, ns, "s0-metric-api-value", "rotated", want) }
	eventually(t, phase, "served with the first token", served("7"))

	accepted.Store(&newToken) // the source rotates its credential
	rotated := time.Now()
	sec, err := secrets.Get(ctx, "token", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sec.Data = map[string][]byte{"token": []byte(newToken)}
	if _, err := secrets.Update(ctx, sec, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The new credential makes a new source, whose first poll is jittered
	// over one interval; 5s more for the watch event and a loaded machine.
	eventually(t, (interval+5)*time.Second, "served again with the rotated token", served("9"))
	took := time.Since(rotated)
	t.Logf("FIGURE rotated-token: served again %.1fs after the Secret was updated (polling interval %ds)", took.Seconds(), interval)

	got, err := keda.ScaledObjects(ns).Get(ctx, "rotated", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	status, _ := json.Marshal(got.Status)
	events, err := cluster.Client.CoreV1().Events(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eventsText, _ := json.Marshal(events.Items)
	log, err := os.ReadFile(a.LogPath())
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{oldToken, newToken} {
		for where, text := range map[string]string{"status": string(status), "events": string(eventsText), "adapter log": string(log)} {
			if strings.Contains(text, tok) {
				t.Errorf("the %s shows a token", where)
			}
		}
	}
}
