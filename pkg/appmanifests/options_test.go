package appmanifests

import (
	"errors"
	"strings"
	"testing"
)

func TestOptionsValidate(t *testing.T) {
	valid := func() Options { return Options{Name: "app", Image: "img:1"} }
	tests := []struct {
		name   string
		modify func(*Options)
		want   string
	}{
		{"valid", func(*Options) {}, ""},
		{"no name", func(o *Options) { o.Name = "" }, "--name: required"},
		{"bad name", func(o *Options) { o.Name = "My_App" }, `--name "My_App"`},
		{"long name", func(o *Options) { o.Name = strings.Repeat("a", 59) }, "at most 58"},
		{"bad namespace", func(o *Options) { o.Namespace = "A" }, "--namespace"},
		{"no image", func(o *Options) { o.Image = "" }, "an image is required"},
		{"bad pull secret", func(o *Options) { o.PullSecret = "A B" }, "--pull-secret"},
		{"negative min", func(o *Options) { o.MinReplicas = ptr(-1) }, "--min-replicas: must not be negative"},
		{"zero max", func(o *Options) { o.MaxReplicas = ptr(0) }, "--max-replicas: must be at least 1"},
		{"min over max", func(o *Options) { o.MinReplicas, o.MaxReplicas = ptr(3), ptr(2) }, "greater than --max-replicas"},
		{"zero polling", func(o *Options) { o.PollingInterval = ptr(0) }, "--polling-interval"},
		{"negative cooldown", func(o *Options) { o.CooldownPeriod = ptr(-1) }, "--cooldown-period"},
		{"service type", func(o *Options) { o.ServiceType = "ExternalName" }, "--service-type"},
		{"server without target", func(o *Options) { o.HTTPPrometheusServer = "http://p:9090" }, "give both or neither"},
		{"target without server", func(o *Options) { o.HTTPTarget = 10 }, "give both or neither"},
		{"bad server", func(o *Options) { o.HTTPPrometheusServer, o.HTTPTarget = "p:9090", 1 }, "--http-prometheus-server"},
		{"negative target", func(o *Options) { o.HTTPPrometheusServer, o.HTTPTarget = "http://p", -1 }, "--http-target"},
		{"scale to zero", func(o *Options) { o.HTTPScaleToZero, o.Namespace, o.HTTPTarget = true, "ns", 5 }, ""},
		{"scale to zero and prometheus", func(o *Options) {
			o.HTTPScaleToZero, o.Namespace, o.HTTPPrometheusServer, o.HTTPTarget = true, "ns", "http://p", 1
		}, "not both"},
		{"scale to zero without namespace", func(o *Options) { o.HTTPScaleToZero = true }, "needs a namespace"},
		{"bad front", func(o *Options) { o.HTTPScaleToZero, o.Namespace, o.HTTPFront = true, "ns", "http://f/apps" }, "--http-front"},
		{"bad host", func(o *Options) { o.HTTPScaleToZero, o.Namespace, o.HTTPHosts = true, "ns", []string{"a b"} }, "--http-host"},
		{"host without scale to zero", func(o *Options) { o.HTTPHosts = []string{"a.example.com"} }, "need --http-scale-to-zero"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := valid()
			tt.modify(&o)
			err := errors.Join(o.Validate()...)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate = %v, want an error containing %q", err, tt.want)
			}
		})
	}
	if errs := (Options{}).Validate(); len(errs) != 2 {
		t.Errorf("Validate of empty options = %v, want every problem (2)", errs)
	}
}
