// Package httpfront is the HTTP front of scale-to-zero HTTP apps: a reverse
// proxy that routes requests by host and path to an app's Service, holds
// requests for an app with no ready backend in a bounded queue per app
// while it asks the activator to wake the app, forwards them once a
// backend accepts connections, and answers 503 with Retry-After and a
// reason when the queue is full or the app does not wake in time.
//
// It measures each app's requests (concurrency: in flight plus held, and
// rate) and serves them as JSON on /apps/<namespace>/<scaledobject> for
// the metrics-api trigger, so that the HPA scales 1 → n with nothing else
// installed.
//
// Waking is evidence, not a write of replicas: the front stamps the
// annotation sluice.dev/http-wake on the ScaledObject (at once on a cold
// request, and at most every TouchEvery while requests flow); the activator,
// the only writer of replicas, treats a fresh stamp as activity.
package httpfront
