package main

import "testing"

func TestParseRequestCounts(t *testing.T) {
	raw := []byte(`# HELP apiserver_request_total Counter of apiserver requests.
# TYPE apiserver_request_total counter
apiserver_request_total{code="201",component="apiserver",dry_run="",group="keda.sh",resource="scaledobjects",scope="resource",subresource="status",verb="APPLY",version="v1alpha1"} 7
apiserver_request_total{code="409",component="apiserver",dry_run="",group="keda.sh",resource="scaledobjects",scope="resource",subresource="status",verb="APPLY",version="v1alpha1"} 1
apiserver_request_total{code="200",component="apiserver",dry_run="",group="apps",resource="deployments",scope="resource",subresource="scale",verb="GET",version="v1"} 3
apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="",scope="",subresource="/metrics",verb="GET",version=""} 9
`)
	got, err := parseRequestCounts(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := requestCounts{"APPLY scaledobjects/status": 8, "GET deployments/scale": 3}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	before := requestCounts{"APPLY scaledobjects/status": 2}
	own := requestCounts{"GET deployments/scale": 3}
	d := got.since(before, own)
	if len(d) != 1 || d["APPLY scaledobjects/status"] != 6 || d.total() != 6 {
		t.Errorf("since = %v, want only APPLY scaledobjects/status 6", d)
	}
}
