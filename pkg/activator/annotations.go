package activator

import (
	"fmt"
	"strconv"
	"strings"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// scalingAnnotations is what the annotations that shape scaling (as
// opposed to pausing it altogether) ask for.
type scalingAnnotations struct {
	// pauseIn: no scale-in, neither by the HPA nor to idle.
	pauseIn bool
	// pauseOut: no scale-out, neither by the HPA nor from idle.
	pauseOut bool
	// force: the object counts as active whatever the triggers say.
	force bool
	// excluded are label keys not copied onto the HPA.
	excluded map[string]bool
}

// parseScalingAnnotations reads paused-scale-in, paused-scale-out,
// force-activation and hpa-excluded-labels. KEDA reads a boolean
// annotation that does not parse as true; here it is an
// InvalidAnnotation user error, because a typo should not change scaling.
func parseScalingAnnotations(ann map[string]string) (scalingAnnotations, error) {
	var out scalingAnnotations
	for _, b := range []struct {
		key string
		dst *bool
	}{
		{v1alpha1.AnnotationPausedScaleIn, &out.pauseIn},
		{v1alpha1.AnnotationPausedScaleOut, &out.pauseOut},
		{v1alpha1.AnnotationForceActivation, &out.force},
	} {
		v, ok := ann[b.key]
		if !ok {
			continue
		}
		p, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return scalingAnnotations{}, &userError{ReasonInvalidAnnotation, fmt.Sprintf(
				"annotation %s must be \"true\" or \"false\", got %q", b.key, truncate(v))}
		}
		*b.dst = p
	}
	excluded, err := parseExcludedLabels(ann)
	if err != nil {
		return scalingAnnotations{}, err
	}
	out.excluded = excluded
	return out, nil
}

// parseExcludedLabels reads hpa-excluded-labels: label keys separated by
// commas, spaces around them ignored. An empty value excludes nothing; an
// empty entry or a string that cannot be a label key is a user error, since
// it would never match and the label would reach the HPA silently.
func parseExcludedLabels(ann map[string]string) (map[string]bool, error) {
	v, ok := ann[v1alpha1.AnnotationHPAExcludedLabels]
	if !ok || strings.TrimSpace(v) == "" {
		return nil, nil
	}
	out := map[string]bool{}
	for key := range strings.SplitSeq(v, ",") {
		key = strings.TrimSpace(key)
		if len(validation.IsQualifiedName(key)) > 0 {
			return nil, &userError{ReasonInvalidAnnotation, fmt.Sprintf(
				"annotation %s must be a comma-separated list of label keys ([prefix/]name); %q is not one",
				v1alpha1.AnnotationHPAExcludedLabels, truncate(key))}
		}
		out[key] = true
	}
	return out, nil
}

// truncate shortens a user value quoted in a message.
func truncate(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "…"
}

// withPausedDirections returns the HPA behavior the user asked for with
// the scaleDown (scale-in paused) or scaleUp (scale-out paused) select
// policy set to Disabled, as KEDA does; the user's other rules in that
// direction stay. b is not modified.
func (a scalingAnnotations) withPausedDirections(b *autoscalingv2.HorizontalPodAutoscalerBehavior) *autoscalingv2.HorizontalPodAutoscalerBehavior {
	if !a.pauseIn && !a.pauseOut {
		return b
	}
	out := &autoscalingv2.HorizontalPodAutoscalerBehavior{}
	if b != nil {
		out = b.DeepCopy()
	}
	disabled := autoscalingv2.DisabledPolicySelect
	if a.pauseIn {
		if out.ScaleDown == nil {
			out.ScaleDown = &autoscalingv2.HPAScalingRules{}
		}
		out.ScaleDown.SelectPolicy = &disabled
	}
	if a.pauseOut {
		if out.ScaleUp == nil {
			out.ScaleUp = &autoscalingv2.HPAScalingRules{}
		}
		out.ScaleUp.SelectPolicy = &disabled
	}
	return out
}
