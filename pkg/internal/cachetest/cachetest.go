// Package cachetest is what the programs' cache tests and memory
// benchmarks share: filling a real kube-apiserver with many objects,
// syncing one informer over them, decoding objects as an informer does,
// and measuring the live heap kept per object. Only tests import it.
package cachetest

import (
	"context"
	"encoding/json"
	"runtime"
	"sync"
	"testing"
	"unsafe"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"

	"github.com/sluice-dev/sluice/pkg/kubeutil"
)

// parallel is how many creates Populate keeps in flight.
const parallel = 16

// Populate calls create for 0 … n-1, parallel at a time, and fails tb on
// the first error.
func Populate(tb testing.TB, n int, create func(ctx context.Context, i int) error) {
	tb.Helper()
	ctx := context.Background()
	work := make(chan int)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range parallel {
		wg.Go(func() {
			for i := range work {
				if err := create(ctx, i); err != nil {
					errs <- err
				}
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatalf("populate: %v", err)
	}
}

// SyncedStore runs inf, with transform when it is not nil, and returns its
// store once synced; stop ends it.
func SyncedStore(tb testing.TB, inf cache.SharedIndexInformer, transform cache.TransformFunc) (store cache.Store, stop func()) {
	tb.Helper()
	if transform != nil {
		if err := inf.SetTransform(transform); err != nil {
			tb.Fatal(err)
		}
	}
	ch := make(chan struct{})
	done := make(chan struct{})
	go func() { inf.Run(ch); close(done) }()
	if !cache.WaitForCacheSync(ch, inf.HasSynced) {
		tb.Fatal("cache did not sync")
	}
	return inf.GetStore(), func() { close(ch); <-done }
}

// HeapPerObject returns the live heap, in bytes per object, that fill
// leaves behind: it runs a GC before and after fill and divides the growth
// by the count fill returns; what fill returns as keep stays reachable
// until the second reading.
func HeapPerObject(fill func() (keep any, count int)) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	keep, count := fill()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(keep)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(count)
}

// Decoded returns obj as an informer gets it: decoded from JSON, every
// string on the heap of its own.
func Decoded[T any](tb testing.TB, obj *T) *T {
	tb.Helper()
	raw, err := json.Marshal(obj)
	if err != nil {
		tb.Fatal(err)
	}
	out := new(T)
	if err := json.Unmarshal(raw, out); err != nil {
		tb.Fatal(err)
	}
	return out
}

// ExpectShared fails tb unless trim, given two copies of obj decoded from
// JSON as two informer events bring them, leaves each string parts picks
// out of the two results in one copy of its bytes: the strings a cache of
// many such objects holds once. parts maps a name for the error to the
// string it picks.
func ExpectShared[T any](tb testing.TB, trim cache.TransformFunc, obj *T, parts func(*T) map[string]string) {
	tb.Helper()
	a, b := parts(Trimmed(tb, trim, Decoded(tb, obj))), parts(Trimmed(tb, trim, Decoded(tb, obj)))
	for what, s := range a {
		if s == "" || unsafe.StringData(s) != unsafe.StringData(b[what]) {
			tb.Errorf("%s %q: two trimmed copies hold it twice (or it is empty); want one shared copy", what, s)
		}
	}
}

// Transform is one informer transform BenchmarkStore measures; a nil Func
// keeps the object as decoded.
type Transform struct {
	Name string
	Func cache.TransformFunc
}

// BenchmarkStore reports, in a sub-benchmark per transform, the live heap
// per object ("heapB/object") of a store of n objects made by newObj,
// each decoded from JSON as an informer gets it and passed through the
// transform.
func BenchmarkStore[T any](b *testing.B, n int, newObj func(i int) *T, transforms ...Transform) {
	for _, tr := range transforms {
		b.Run(tr.Name, func(b *testing.B) {
			var perObject float64
			for b.Loop() {
				perObject = HeapPerObject(func() (any, int) {
					store := cache.NewStore(cache.MetaNamespaceKeyFunc)
					for i := range n {
						var o any = Decoded(b, newObj(i))
						if tr.Func != nil {
							o, _ = tr.Func(o)
						}
						_ = store.Add(o)
					}
					return store, len(store.List())
				})
			}
			b.ReportMetric(perObject, "heapB/object")
		})
	}
}

// BenchmarkTrim is BenchmarkStore of n objects made by newObj in two
// cases: "managed-fields-stripped", as a cache with
// kubeutil.StripManagedFields holds them, and "trimmed", with trim.
func BenchmarkTrim[T any](b *testing.B, n int, newObj func(i int) *T, trim cache.TransformFunc) {
	BenchmarkStore(b, n, newObj,
		Transform{Name: "managed-fields-stripped", Func: kubeutil.StripManagedFields},
		Transform{Name: "trimmed", Func: trim})
}

// Trimmed returns what trim makes of obj, and fails tb when trim fails or
// returns something else than a T.
func Trimmed[T any](tb testing.TB, trim cache.TransformFunc, obj T) T {
	tb.Helper()
	got, err := trim(obj)
	if err != nil {
		tb.Fatal(err)
	}
	t, ok := got.(T)
	if !ok {
		tb.Fatalf("trimmed %T into %T", obj, got)
	}
	return t
}

// Kept is a part of an object that a trim must keep: its value in the
// trimmed object and in the full one.
type Kept struct {
	What          string
	Trimmed, Full any
}

// ExpectKept fails tb for every part whose trimmed value is not
// semantically equal to the full one.
func ExpectKept(tb testing.TB, parts ...Kept) {
	tb.Helper()
	for _, p := range parts {
		if !equality.Semantic.DeepEqual(p.Trimmed, p.Full) {
			tb.Errorf("%s: trimmed %+v, full %+v", p.What, p.Trimmed, p.Full)
		}
	}
}

// StrippedMeta returns a copy of m without what kubeutil.StripManagedFields
// drops: the managed fields and kubectl's last-applied copy.
func StrippedMeta(m *metav1.ObjectMeta) metav1.ObjectMeta {
	out := *m.DeepCopy()
	out.ManagedFields = nil
	delete(out.Annotations, corev1.LastAppliedConfigAnnotation)
	return out
}

// Informer is one informer cache BenchmarkInformers measures: a fresh
// informer from New, synced with Transform (nil: none).
type Informer struct {
	Name      string
	New       func() cache.SharedIndexInformer
	Transform cache.TransformFunc
}

// BenchmarkInformers reports, in a sub-benchmark per case, the live heap
// per object ("heapB/object") of the case's informer store once synced.
func BenchmarkInformers(b *testing.B, cases ...Informer) {
	for _, c := range cases {
		b.Run(c.Name, func(b *testing.B) {
			var perObject float64
			for b.Loop() {
				var stop func()
				perObject = HeapPerObject(func() (any, int) {
					var store cache.Store
					store, stop = SyncedStore(b, c.New(), c.Transform)
					return store, len(store.List())
				})
				stop()
			}
			b.ReportMetric(perObject, "heapB/object")
		})
	}
}
