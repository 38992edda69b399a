package main

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// requestCounts is kube-apiserver's apiserver_request_total summed by
// "VERB resource[/subresource]", for resource requests only.
type requestCounts map[string]float64

// apiRequests reads kube-apiserver's /metrics with the admin client.
func (e *env) apiRequests(ctx context.Context) (requestCounts, error) {
	raw, err := e.cp.Client.Discovery().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return nil, fmt.Errorf("get kube-apiserver metrics: %w", err)
	}
	return parseRequestCounts(raw)
}

// parseRequestCounts sums apiserver_request_total in the exposition text
// raw by verb and resource; requests without a resource (/metrics,
// /healthz, discovery) are left out.
func parseRequestCounts(raw []byte) (requestCounts, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("parse kube-apiserver metrics: %w", err)
	}
	out := requestCounts{}
	fam := fams["apiserver_request_total"]
	if fam == nil {
		return out, nil
	}
	for _, m := range fam.GetMetric() {
		l := map[string]string{}
		for _, lp := range m.GetLabel() {
			l[lp.GetName()] = lp.GetValue()
		}
		if l["resource"] == "" {
			continue
		}
		key := l["verb"] + " " + l["resource"]
		if s := l["subresource"]; s != "" {
			key += "/" + s
		}
		out[key] += m.GetCounter().GetValue()
	}
	return out, nil
}

// since returns the requests counted after before was taken, leaving out
// the ones named in own (the benchmark's own requests, say its creates).
func (c requestCounts) since(before requestCounts, own requestCounts) requestCounts {
	out := requestCounts{}
	for k, v := range c {
		if d := v - before[k] - own[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

// total is the sum over every key.
func (c requestCounts) total() float64 {
	var t float64
	for _, v := range c {
		t += v
	}
	return t
}

// addRequestRows reports the requests in c per object, one row per verb and
// resource with at least one request per hundred objects, and their total,
// each row named prefix + ", " + what.
func (r *report) addRequestRows(prefix string, c requestCounts, objects int) {
	n := float64(objects)
	keys := make([]string, 0, len(c))
	for k, v := range c {
		if v*100 >= n {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(c[b], c[a]), strings.Compare(a, b))
	})
	r.add(prefix+", all", c.total()/n, "")
	for _, k := range keys {
		r.add(prefix+", "+k, c[k]/n, "")
	}
}
