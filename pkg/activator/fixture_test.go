package activator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	kubeinformers "k8s.io/client-go/informers"
	kubefake "k8s.io/client-go/kubernetes/fake"
	scalefake "k8s.io/client-go/scale/fake"
	core "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/record"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/sluice-dev/sluice/pkg/activity"
	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	sluicefake "github.com/sluice-dev/sluice/pkg/client/clientset/versioned/fake"
	sluiceinformers "github.com/sluice-dev/sluice/pkg/client/informers/externalversions"
)

// t0 is "now" in every test.
var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

const ns = "default"

// fakeMetrics is the MetricsChecker of the tests: err is returned for every
// metric, else value (0 when empty) observed at observed (t0 when zero),
// and each call is recorded.
type fakeMetrics struct {
	mu       sync.Mutex
	err      error
	value    string
	observed time.Time
	calls    []string
}

func (m *fakeMetrics) ReadExternalMetric(_ context.Context, _, name string, sel labels.Selector) (activity.Reading, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, name+"{"+sel.String()+"}")
	if m.err != nil {
		return activity.Reading{}, m.err
	}
	r := activity.Reading{Value: resource.MustParse("0"), Timestamp: t0}
	if m.value != "" {
		r.Value = resource.MustParse(m.value)
	}
	if !m.observed.IsZero() {
		r.Timestamp = m.observed
	}
	return r, nil
}

// kindsWithScale is the ScaleKindResolver of the tests: every resource
// but gadgets has /scale.
type kindsWithScale struct{}

func (kindsWithScale) ScaleForResource(gvr schema.GroupVersionResource) (schema.GroupVersionKind, error) {
	if gvr.Resource == "gadgets" {
		return schema.GroupVersionKind{}, errors.New("no scale")
	}
	return autoscalingv1.SchemeGroupVersion.WithKind("Scale"), nil
}

// testMapper knows Deployments, StatefulSets and two custom kinds: Widget
// (with /scale) and Gadget (without).
func testMapper() meta.RESTMapper {
	m := meta.NewDefaultRESTMapper(nil)
	m.Add(schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, meta.RESTScopeNamespace)
	m.Add(schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "StatefulSet"}, meta.RESTScopeNamespace)
	m.Add(schema.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Widget"}, meta.RESTScopeNamespace)
	m.Add(schema.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Gadget"}, meta.RESTScopeNamespace)
	return m
}

// fixture is the sample-controller test fixture: seed objects, run one
// sync, compare the recorded writes.
type fixture struct {
	t        *testing.T
	kube     *kubefake.Clientset
	sluice   *sluicefake.Clientset
	scales   *scalefake.FakeScaleClient
	metrics  *fakeMetrics
	recorder *record.FakeRecorder
	clock    *clocktesting.FakeClock
	// replicas is the spec.replicas of each scale target by resource/name.
	replicas map[string]int32
	objects  []*v1alpha1.ScaledObject
	hpas     []*autoscalingv2.HorizontalPodAutoscaler
	// stats, when set, are the controller's metrics.
	stats *Stats
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{
		t:        t,
		scales:   &scalefake.FakeScaleClient{},
		metrics:  &fakeMetrics{},
		recorder: record.NewFakeRecorder(100),
		clock:    clocktesting.NewFakeClock(t0),
		replicas: map[string]int32{},
	}
	f.scales.AddReactor("get", "*", func(a core.Action) (bool, runtime.Object, error) {
		g := a.(core.GetAction)
		key := g.GetResource().Resource + "/" + g.GetName()
		r, ok := f.replicas[key]
		if !ok {
			return true, nil, apierrors.NewNotFound(g.GetResource().GroupResource(), g.GetName())
		}
		return true, &autoscalingv1.Scale{
			ObjectMeta: metav1.ObjectMeta{Name: g.GetName(), Namespace: g.GetNamespace(), ResourceVersion: "7"},
			Spec:       autoscalingv1.ScaleSpec{Replicas: r},
		}, nil
	})
	f.scales.AddReactor("update", "*", func(a core.Action) (bool, runtime.Object, error) {
		u := a.(core.UpdateAction)
		sc := u.GetObject().(*autoscalingv1.Scale)
		if sc.ResourceVersion != "7" {
			return true, nil, fmt.Errorf("update without the read resourceVersion")
		}
		f.replicas[u.GetResource().Resource+"/"+sc.Name] = sc.Spec.Replicas
		return true, sc, nil
	})
	return f
}

// newController seeds the clientsets and informer caches and builds the
// controller.
func (f *fixture) newController() *Controller {
	var sluiceObjs, kubeObjs []runtime.Object
	for _, so := range f.objects {
		sluiceObjs = append(sluiceObjs, so)
	}
	for _, h := range f.hpas {
		kubeObjs = append(kubeObjs, h)
	}
	f.kube = kubefake.NewClientset(kubeObjs...)
	f.sluice = sluicefake.NewClientset(sluiceObjs...)
	// The fake's field-managed tracker has no schema for CRDs, so apply to
	// ScaledObjects is recorded here and answered with the seeded object.
	f.sluice.PrependReactor("patch", "scaledobjects", func(a core.Action) (bool, runtime.Object, error) {
		for _, so := range f.objects {
			if so.Name == a.(core.PatchAction).GetName() {
				return true, so.DeepCopy(), nil
			}
		}
		return true, nil, apierrors.NewNotFound(v1alpha1.Resource("scaledobjects"), a.(core.PatchAction).GetName())
	})
	ki := kubeinformers.NewSharedInformerFactory(f.kube, 0)
	si := sluiceinformers.NewSharedInformerFactory(f.sluice, 0)
	src := Source{ScaledObjects: si.Keda().V1alpha1().ScaledObjects(), HPAs: ki.Autoscaling().V2().HorizontalPodAutoscalers()}
	for _, so := range f.objects {
		if err := src.ScaledObjects.Informer().GetIndexer().Add(so); err != nil {
			f.t.Fatal(err)
		}
	}
	for _, h := range f.hpas {
		if err := src.HPAs.Informer().GetIndexer().Add(h); err != nil {
			f.t.Fatal(err)
		}
	}
	c, err := New(Config{
		Kube: f.kube, Sluice: f.sluice, Scales: f.scales,
		Resolver: NewMapperResolver(testMapper(), kindsWithScale{}),
		Metrics:  f.metrics, Sources: []Source{src}, Recorder: f.recorder,
		Logger: zap.NewNop(), Clock: f.clock, Stats: f.stats,
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// run syncs the named object once and returns the requeue delay.
func (f *fixture) run(name string) time.Duration {
	f.t.Helper()
	return f.sync(f.newController(), name)
}

// sync syncs the key of the named object (with graceKeySuffix, its grace
// key) once on c and returns the requeue delay; an error fails the test.
func (f *fixture) sync(c *Controller, name string) time.Duration {
	f.t.Helper()
	after, err := c.sync(context.Background(), ns+"/"+name)
	if err != nil {
		f.t.Fatalf("sync: %v", err)
	}
	return after
}

// addSO adds so, the ScaledObject of deployments/web, with the target at
// replicas.
func (f *fixture) addSO(so *v1alpha1.ScaledObject, replicas int32) {
	f.objects = append(f.objects, so)
	f.replicas["deployments/web"] = replicas
}

// runSO adds the ScaledObject "so" with mods, scaling deployments/web at
// replicas, syncs it once and returns the requeue delay.
func (f *fixture) runSO(replicas int32, mods ...soMod) time.Duration {
	f.t.Helper()
	f.addSO(scaledObject("so", mods...), replicas)
	return f.run("so")
}

// expectNotReady fails the test unless one sync of "so" wrote its status
// alone, with Ready False for reason.
func (f *fixture) expectNotReady(reason string) {
	f.t.Helper()
	f.expectWrites("apply scaledobjects/status so")
	expectReady(f.t, f.appliedStatus(), metav1.ConditionFalse, reason)
}

// expectSOWrites fails the test unless one sync of "so" applied its HPA
// and status and then made the scale write scale ("" for none).
func (f *fixture) expectSOWrites(scale string) {
	f.t.Helper()
	want := []string{"apply horizontalpodautoscalers keda-hpa-so", "apply scaledobjects/status so"}
	if scale != "" {
		want = append(want, scale)
	}
	f.expectWrites(want...)
}

// writes lists every mutating action as "verb resource[/sub] name", in
// order: kube first, then sluice, then scale.
func (f *fixture) writes() []string {
	var out []string
	for _, fake := range []*core.Fake{&f.kube.Fake, &f.sluice.Fake, &f.scales.Fake} {
		for _, a := range fake.Actions() {
			if slices.Contains([]string{"get", "list", "watch"}, a.GetVerb()) {
				continue
			}
			res := a.GetResource().Resource
			if a.GetSubresource() != "" {
				res += "/" + a.GetSubresource()
			}
			verb := a.GetVerb()
			name := ""
			switch act := a.(type) {
			case core.PatchAction:
				name = act.GetName()
				if act.GetPatchType() == types.ApplyPatchType {
					verb = "apply"
				}
			case core.DeleteAction:
				name = act.GetName()
			case core.UpdateAction:
				name = act.GetObject().(metav1.Object).GetName()
				if sc, ok := act.GetObject().(*autoscalingv1.Scale); ok {
					name = fmt.Sprintf("%s=%d", name, sc.Spec.Replicas)
				}
			}
			out = append(out, verb+" "+res+" "+name)
		}
	}
	return out
}

// expectWrites fails the test unless writes() equals want.
func (f *fixture) expectWrites(want ...string) {
	f.t.Helper()
	if got := f.writes(); !slices.Equal(got, want) {
		f.t.Errorf("writes:\n got %q\nwant %q", got, want)
	}
}

// appliedHPA decodes the last HPA apply.
func (f *fixture) appliedHPA() *autoscalingv2.HorizontalPodAutoscaler {
	f.t.Helper()
	out := &autoscalingv2.HorizontalPodAutoscaler{}
	f.lastPatch(&f.kube.Fake, "horizontalpodautoscalers", "", out)
	return out
}

// appliedStatus decodes the last status apply.
func (f *fixture) appliedStatus() *v1alpha1.ScaledObjectStatus {
	f.t.Helper()
	out := &v1alpha1.ScaledObject{}
	f.lastPatch(&f.sluice.Fake, "scaledobjects", "status", out)
	return &out.Status
}

func (f *fixture) lastPatch(fake *core.Fake, resource, sub string, into any) {
	f.t.Helper()
	for _, a := range slices.Backward(fake.Actions()) {
		p, ok := a.(core.PatchAction)
		if ok && p.GetResource().Resource == resource && p.GetSubresource() == sub {
			if err := json.Unmarshal(p.GetPatch(), into); err != nil {
				f.t.Fatal(err)
			}
			return
		}
	}
	f.t.Fatalf("no apply of %s/%s", resource, sub)
}

// events drains the recorded events.
func (f *fixture) events() []string {
	var out []string
	for {
		select {
		case e := <-f.recorder.Events:
			out = append(out, e)
		default:
			return out
		}
	}
}
