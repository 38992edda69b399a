package activator

import (
	"sync"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/resourceversion"
)

// writeLog remembers, per key, the last value this controller wrote and
// the resourceVersion the write returned, only until the informer has
// caught up with that write. In a burst the cache lags behind the
// controller's own writes: a reconcile started by another event (the
// adapter's status, the HPA's creation) would otherwise find its own
// status or HPA missing from the cache and write it again, one more apply
// for kube-apiserver each time. The log answers "what did I last write"
// only while the cache is provably older than the write (resourceVersions
// of one resource compare as integers); from the write's own watch event
// on, the cache is the truth again and the entry is gone, so an edit by
// anyone else after that is seen and put back as before.
type writeLog[T any] struct {
	mu      sync.Mutex
	entries map[string]written[T]
}

// written is one remembered write: of the ScaledObject with uid, which the
// API server stored at rv. While the write is in flight rv is empty; its
// watch event may arrive before its answer, and echoed records that it
// did.
type written[T any] struct {
	uid      types.UID
	rv       string
	val      T
	inFlight bool
	echoed   bool
}

func newWriteLog[T any]() *writeLog[T] {
	return &writeLog[T]{entries: map[string]written[T]{}}
}

// begin remembers val as being written for key on behalf of the object
// with uid; record or forget must follow once the write returns.
func (l *writeLog[T]) begin(key string, uid types.UID, val T) {
	l.mu.Lock()
	l.entries[key] = written[T]{uid: uid, val: val, inFlight: true}
	l.mu.Unlock()
}

// record remembers val as written for key at rv, on behalf of the object
// with uid. A write the server answered without a well-formed
// resourceVersion is not remembered, nor one whose echo already arrived
// while it was in flight (the cache holds it).
func (l *writeLog[T]) record(key string, uid types.UID, rv string, val T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, err := resourceversion.CompareResourceVersion(rv, rv)
	if w := l.entries[key]; err != nil || (w.inFlight && w.echoed) {
		delete(l.entries, key)
		return
	}
	l.entries[key] = written[T]{uid: uid, rv: rv, val: val}
}

// inFlightEcho reports whether an event for key is the echo of the write
// in flight for it, by same(the value being written); it marks the write
// as seen.
func (l *writeLog[T]) inFlightEcho(key string, same func(T) bool) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	w, ok := l.entries[key]
	if !ok || !w.inFlight || !same(w.val) {
		return false
	}
	w.echoed = true
	l.entries[key] = w
	return true
}

// pending returns the value last written for key when the cache, at
// cachedRV ("" when the cache does not hold the object at all), has not
// seen that write yet and the write was for uid. Otherwise it drops what
// it knew about key (the cache has caught up, or the object is another
// one now) and returns false.
func (l *writeLog[T]) pending(key string, uid types.UID, cachedRV string) (T, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w, ok := l.entries[key]
	var zero T
	if !ok || w.inFlight {
		return zero, false
	}
	if w.uid == uid && (cachedRV == "" || older(cachedRV, w.rv)) {
		return w.val, true
	}
	delete(l.entries, key)
	return zero, false
}

// caughtUp drops key's entry once the cache holds key at rv, when rv is at
// or past the remembered write; it reports whether rv is exactly that
// write, that is, whether the event carrying rv is the echo of it.
func (l *writeLog[T]) caughtUp(key, rv string) (echo bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w, ok := l.entries[key]
	if !ok || w.inFlight || older(rv, w.rv) {
		return false
	}
	delete(l.entries, key)
	return rv == w.rv
}

// forget drops key's entry.
func (l *writeLog[T]) forget(key string) {
	l.mu.Lock()
	delete(l.entries, key)
	l.mu.Unlock()
}

// len is the number of writes not yet seen by the cache.
func (l *writeLog[T]) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}

// older reports whether resourceVersion a is older than b; false when
// either is not a well-formed resourceVersion, so that the cache wins.
func older(a, b string) bool {
	c, err := resourceversion.CompareResourceVersion(a, b)
	return err == nil && c < 0
}
