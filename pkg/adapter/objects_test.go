package adapter

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	kubefake "k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/metadata"
	metadatafake "k8s.io/client-go/metadata/fake"
	core "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"

	"github.com/sluice-dev/sluice/pkg/poll"
)

// TestObjectWatches: a referenced Secret is fetched once and then served
// from its copy while its resourceVersion holds; a change is reported and
// the next read fetches the new version; a Secret that does not exist is
// answered from the watch.
func TestObjectWatches(t *testing.T) {
	ctx := context.Background()
	secret := func(rv, token string) *corev1.Secret {
		return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "creds", Namespace: "ns", ResourceVersion: rv}, Data: map[string][]byte{"token": []byte(token)}}
	}
	meta := func(rv string) *metav1.PartialObjectMetadata {
		return &metav1.PartialObjectMetadata{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
			ObjectMeta: metav1.ObjectMeta{Name: "creds", Namespace: "ns", ResourceVersion: rv}}
	}
	kube := kubefake.NewClientset(secret("1", "old"))
	var gets atomic.Int32
	kube.PrependReactor("get", "secrets", func(core.Action) (bool, runtime.Object, error) {
		gets.Add(1)
		return false, nil, nil
	})
	changed := make(chan objRef, 10)
	metaClient := fakeMetadata(t, meta("1"))
	o := syncedObjectWatches(t, kube, metaClient, func(r objRef) {
		select {
		case changed <- r:
		default:
		}
	})
	<-changed // the initial add

	for range 3 {
		s, err := o.Secret(ctx, "ns", "creds")
		if err != nil || string(s.Data["token"]) != "old" {
			t.Fatalf("Secret = %v, %v", s, err)
		}
	}
	if n := gets.Load(); n != 1 {
		t.Errorf("%d GETs for three reads of an unchanged Secret, want 1", n)
	}

	if _, err := kube.CoreV1().Secrets("ns").Update(ctx, secret("2", "new"), metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := metaClient.Resource(secretsGVR).Namespace("ns").(metadatafake.MetadataClient).UpdateFake(meta("2"), metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-changed:
		if r != (objRef{kindSecret, "ns", "creds"}) {
			t.Errorf("changed %+v", r)
		}
	case <-time.After(time.Minute):
		t.Fatal("the change was not reported")
	}
	err := wait.PollUntilContextTimeout(ctx, 10*time.Millisecond, time.Minute, true, func(context.Context) (bool, error) {
		s, err := o.Secret(ctx, "ns", "creds")
		return err == nil && string(s.Data["token"]) == "new", nil
	})
	if err != nil {
		t.Error("the new version was never read")
	}
	if _, err := o.Secret(ctx, "ns", "missing"); !apierrors.IsNotFound(err) {
		t.Errorf("missing Secret: %v, want NotFound", err)
	}
}

func TestDepIndex(t *testing.T) {
	d := newDepIndex()
	a, b := poll.Key{Namespace: "ns", Name: "a"}, poll.Key{Namespace: "ns", Name: "b"}
	creds, cm := objRef{kindSecret, "ns", "creds"}, objRef{kindConfigMap, "ns", "cfg"}
	d.set(a, []objRef{creds, cm})
	d.set(b, []objRef{creds})
	if got := d.usersOf(creds); len(got) != 2 {
		t.Errorf("users of creds = %v, want a and b", got)
	}
	d.set(a, []objRef{cm})
	if got := d.usersOf(creds); len(got) != 1 || got[0] != b {
		t.Errorf("users of creds = %v, want b only", got)
	}
	d.set(b, nil)
	if got := d.usersOf(creds); len(got) != 0 {
		t.Errorf("users of creds = %v, want none", got)
	}
}

// BenchmarkCachedSecretRead is a resolution's read of a referenced Secret
// that has not changed since the last one: a lister lookup and a map hit,
// no request.
func BenchmarkCachedSecretRead(b *testing.B) {
	ctx := context.Background()
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "creds", Namespace: "ns", ResourceVersion: "1"}, Data: map[string][]byte{"token": []byte("t")}}
	m := &metav1.PartialObjectMetadata{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: "creds", Namespace: "ns", ResourceVersion: "1"}}
	o := syncedObjectWatches(b, kubefake.NewClientset(s), fakeMetadata(b, m), func(objRef) {})
	if _, err := o.Secret(ctx, "ns", "creds"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := o.Secret(ctx, "ns", "creds"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTargetHandler: a scale target is reported when its spec changes (a
// new generation: the pod template may hold another environment), appears
// or goes away; a status update (same generation) is not a change.
func TestTargetHandler(t *testing.T) {
	dep := func(gen int64, rv string) *metav1.PartialObjectMetadata {
		return &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns", Generation: gen, ResourceVersion: rv}}
	}
	tests := []struct {
		name string
		fire func(h cache.ResourceEventHandlerFuncs)
		want int
	}{
		{"status update", func(h cache.ResourceEventHandlerFuncs) { h.OnUpdate(dep(1, "1"), dep(1, "2")) }, 0},
		{"new pod template", func(h cache.ResourceEventHandlerFuncs) { h.OnUpdate(dep(1, "1"), dep(2, "2")) }, 1},
		{"created", func(h cache.ResourceEventHandlerFuncs) { h.OnAdd(dep(1, "1"), false) }, 1},
		{"deleted, seen late", func(h cache.ResourceEventHandlerFuncs) {
			h.OnDelete(cache.DeletedFinalStateUnknown{Key: "ns/web", Obj: dep(1, "1")})
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []objRef
			tt.fire(targetHandler("Deployment", func(r objRef) { got = append(got, r) }))
			if len(got) != tt.want {
				t.Fatalf("reported %v, want %d", got, tt.want)
			}
			for _, r := range got {
				if r != (objRef{"Deployment", "ns", "web"}) {
					t.Errorf("reported %+v", r)
				}
			}
		})
	}
}

// fakeMetadata returns a fake metadata client holding objs.
func fakeMetadata(tb testing.TB, objs ...runtime.Object) *metadatafake.FakeMetadataClient {
	tb.Helper()
	scheme := runtime.NewScheme()
	if err := metav1.AddMetaToScheme(scheme); err != nil {
		tb.Fatal(err)
	}
	return metadatafake.NewSimpleMetadataClient(scheme, objs...)
}

// syncedObjectWatches returns object watches of namespace ns over kube and
// meta, started and synced, and shut down when the test ends.
func syncedObjectWatches(tb testing.TB, kube kubernetes.Interface, meta metadata.Interface, onChange func(objRef)) *objectWatches {
	tb.Helper()
	o, err := newObjectWatches(kube, meta, []string{"ns"}, "sluice-system", time.Hour, onChange)
	if err != nil {
		tb.Fatal(err)
	}
	startSynced(tb, &o.informerSet)
	return o
}
