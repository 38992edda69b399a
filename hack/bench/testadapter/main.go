// Command testadapter is the floor of hack/bench's metrics scenario:
// custom-metrics-apiserver's own test provider (a fixed in-memory list of
// external metrics) served by the same apiserver library as sluice-adapter.
//
// It differs from the module's test-adapter command in one way only: it
// does not open the fixed port :8080 (on every interface) for posting fake
// values, which the benchmark never does and which would make two runs on
// one machine, or anything else holding that port, fail.
package main

import (
	"context"
	"os"

	"k8s.io/component-base/logs"
	"k8s.io/component-base/metrics/legacyregistry"
	"k8s.io/klog/v2"
	"sigs.k8s.io/custom-metrics-apiserver/pkg/apiserver/metrics"
	basecmd "sigs.k8s.io/custom-metrics-apiserver/pkg/cmd"
	fakeprov "sigs.k8s.io/custom-metrics-apiserver/test-adapter/provider"
)

func main() {
	logs.InitLogs()
	defer logs.FlushLogs()

	cmd := &basecmd.AdapterBase{Name: "test-adapter"}
	logs.AddFlags(cmd.Flags())
	if err := cmd.Flags().Parse(os.Args); err != nil {
		klog.Fatalf("parse flags: %v", err)
	}
	client, err := cmd.DynamicClient()
	if err != nil {
		klog.Fatalf("build dynamic client: %v", err)
	}
	mapper, err := cmd.RESTMapper()
	if err != nil {
		klog.Fatalf("build REST mapper: %v", err)
	}
	prov, _ := fakeprov.NewFakeProvider(client, mapper) // the web service posts fake values: not served
	cmd.WithCustomMetrics(prov)
	cmd.WithExternalMetrics(prov)
	if err := metrics.RegisterMetrics(legacyregistry.Register); err != nil {
		klog.Fatalf("register metrics: %v", err)
	}
	if err := cmd.Run(context.Background()); err != nil {
		klog.Fatalf("run test adapter: %v", err)
	}
}
