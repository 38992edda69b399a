package activator

import (
	"errors"
	"testing"

	autoscalingv2 "k8s.io/api/autoscaling/v2"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// FuzzParsePause: any annotation values give a state or a user error, and
// held replicas are never negative.
func FuzzParsePause(f *testing.F) {
	for _, s := range [][2]string{{"true", ""}, {"", "3"}, {"false", "-1"}, {"yes", "2147483648"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, paused, replicas string) {
		ann := map[string]string{}
		if paused != "" {
			ann[v1alpha1.AnnotationPaused] = paused
		}
		if replicas != "" {
			ann[v1alpha1.AnnotationPausedReplicas] = replicas
		}
		st, err := parsePause(ann)
		if err != nil {
			if ue := (*userError)(nil); !errors.As(err, &ue) {
				t.Fatalf("non-user error %v", err)
			}
			return
		}
		if st.replicas != nil && (*st.replicas < 0 || !st.paused) {
			t.Fatalf("state %+v", st)
		}
	})
}

// FuzzDesiredMetrics: any trigger metadata and adapter target give metrics
// or a user error, never a panic.
func FuzzDesiredMetrics(f *testing.F) {
	f.Add("cpu", "Utilization", "50", "", "5")
	f.Add("memory", "AverageValue", "1Gi", "app", "5")
	f.Add("kafka", "Value", "", "", "1.5k")
	f.Add("kafka", "", "", "", "NaN")
	f.Fuzz(func(t *testing.T, typ, metricType, value, container, target string) {
		so := scaledObject("so", withMin(1), func(so *v1alpha1.ScaledObject) {
			so.Spec.Triggers = []v1alpha1.ScaleTriggers{{
				Type: typ, MetricType: autoscalingv2.MetricTargetType(metricType),
				Metadata: map[string]string{"value": value, "containerName": container},
			}}
			so.Status.Triggers[0].Target = target
		})
		ms, err := desiredMetrics(so)
		if err != nil {
			if ue := (*userError)(nil); !errors.As(err, &ue) {
				t.Fatalf("non-user error %v", err)
			}
			return
		}
		if len(ms.specs) != 1 || len(ms.external)+len(ms.resource) != 1 {
			t.Fatalf("metrics %+v", ms)
		}
	})
}
