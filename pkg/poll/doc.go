// Package poll is the poll engine and value store of the external-metrics
// adapter.
//
// An Engine holds one entry per ScaledObject (Set, Delete). Each trigger's
// source is polled every pollingInterval of its object; triggers whose
// scalers.Trigger.Key are equal share one poller, which polls at the shortest
// interval among the objects using it. A new source is polled at once, so a
// new or changed object has its first value within one poll's time; a burst
// of new sources drains through the worker pool, and the polls after the
// first are offset by a random phase in [0, interval) so that sources
// started together do not poll in step. Run owns every goroutine: one scheduler, which keeps
// the sources in a heap by next poll time behind a single timer, and a fixed
// pool of workers that run the polls; there is no goroutine per source.
//
// Readers (State) get an immutable per-object snapshot without allocating;
// snapshots are rebuilt when a poll of one of the object's sources completes
// or when the object is reconfigured. Changes reports an object's key when
// the state a status writer cares about changes, and only then.
//
// A trigger's value is fresh while its last poll succeeded and is younger
// than Options.StaleAfterIntervals of its object's intervals; the provider
// serves only fresh values, the object's fallback, or an error.
//
// # How one value flows
//
// One mutex, Engine.mu, guards the engine; each stage writes its own part:
//
//  1. Configure (set.go): Set and Delete subscribe objects to sources, one
//     source per scalers.Trigger.Key, and drop (close.go) those no object
//     uses any more.
//  2. Schedule (scheduler.go): the scheduler goroutine keeps each source's
//     schedule (interval, phase, next poll) in a heap and hands due polls
//     to the workers.
//  3. Poll (source.go: work, execute): a worker calls the scalers.Source
//     outside the lock, bounded by PollTimeout.
//  4. Store (source.go: record): the outcome becomes the source's result
//     (value, activity, failures, last success).
//  5. Derive (snapshot.go: rebuildLocked): every object using the source
//     gets a new immutable ObjectState from its spec, its sources' results
//     and the time; a change a status writer cares about is reported on
//     Changes (notify.go). State and the provider read that snapshot.
//
// Only MetricNames' sorted list is cached outside the lock (an atomic
// pointer rebuilt after Set or Delete changed the names).
//
// Metrics (names and labels are a contract): sluice_scaler_metrics_value,
// sluice_scaler_active (0/1), sluice_scaler_errors_total and
// sluice_scaler_poll_duration_seconds, labelled namespace, scaledObject,
// trigger (the trigger type) and metric (the full metric name), deleted with
// their trigger; sluice_poll_sources (distinct sources after
// de-duplication) and sluice_scaledobjects.
package poll
