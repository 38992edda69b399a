package activator

import (
	"errors"
	"strings"
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

func TestParseScalingAnnotations(t *testing.T) {
	tests := []struct {
		name    string
		ann     map[string]string
		want    scalingAnnotations
		wantErr string
	}{
		{name: "none"},
		{name: "all true", ann: map[string]string{
			v1alpha1.AnnotationPausedScaleIn: "true", v1alpha1.AnnotationPausedScaleOut: "True",
			v1alpha1.AnnotationForceActivation: " 1 ",
		}, want: scalingAnnotations{pauseIn: true, pauseOut: true, force: true}},
		{name: "false", ann: map[string]string{v1alpha1.AnnotationPausedScaleIn: "false", v1alpha1.AnnotationForceActivation: "0"}},
		{name: "paused-scale-in not a boolean", ann: map[string]string{v1alpha1.AnnotationPausedScaleIn: "yes"},
			wantErr: `annotation autoscaling.keda.sh/paused-scale-in must be "true" or "false", got "yes"`},
		{name: "paused-scale-out empty", ann: map[string]string{v1alpha1.AnnotationPausedScaleOut: ""},
			wantErr: `annotation autoscaling.keda.sh/paused-scale-out must be "true" or "false", got ""`},
		{name: "force-activation not a boolean", ann: map[string]string{v1alpha1.AnnotationForceActivation: "always"},
			wantErr: "autoscaling.keda.sh/force-activation"},
		{name: "excluded labels", ann: map[string]string{v1alpha1.AnnotationHPAExcludedLabels: "team, example.com/cost-center,app"},
			want: scalingAnnotations{excluded: map[string]bool{"team": true, "example.com/cost-center": true, "app": true}}},
		{name: "excluded labels empty", ann: map[string]string{v1alpha1.AnnotationHPAExcludedLabels: " "}},
		{name: "excluded labels empty entry", ann: map[string]string{v1alpha1.AnnotationHPAExcludedLabels: "team,,app"},
			wantErr: `scaledobject.keda.sh/hpa-excluded-labels must be a comma-separated list of label keys ([prefix/]name); "" is not one`},
		{name: "excluded labels not a key", ann: map[string]string{v1alpha1.AnnotationHPAExcludedLabels: "team;app"},
			wantErr: `"team;app" is not one`},
		{name: "long value is cut", ann: map[string]string{v1alpha1.AnnotationForceActivation: strings.Repeat("x", 500)},
			wantErr: strings.Repeat("x", 64) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseScalingAnnotations(tt.ann)
			if tt.wantErr != "" {
				var ue *userError
				if !errors.As(err, &ue) || ue.reason != ReasonInvalidAnnotation || !strings.Contains(ue.message, tt.wantErr) {
					t.Fatalf("err = %v, want InvalidAnnotation containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.pauseIn != tt.want.pauseIn || got.pauseOut != tt.want.pauseOut || got.force != tt.want.force ||
				len(got.excluded) != len(tt.want.excluded) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for k := range tt.want.excluded {
				if !got.excluded[k] {
					t.Errorf("excluded %q missing from %v", k, got.excluded)
				}
			}
		})
	}
}

func TestPausedDirectionsBehavior(t *testing.T) {
	disabled := ptr.To(autoscalingv2.DisabledPolicySelect)
	user := &autoscalingv2.HorizontalPodAutoscalerBehavior{
		ScaleDown: &autoscalingv2.HPAScalingRules{StabilizationWindowSeconds: ptr.To[int32](60)},
		ScaleUp: &autoscalingv2.HPAScalingRules{Policies: []autoscalingv2.HPAScalingPolicy{{
			Type: autoscalingv2.PodsScalingPolicy, Value: 4, PeriodSeconds: 15}}},
	}
	tests := []struct {
		name string
		ann  scalingAnnotations
		in   *autoscalingv2.HorizontalPodAutoscalerBehavior
		want *autoscalingv2.HorizontalPodAutoscalerBehavior
	}{
		{name: "nothing paused, no behavior"},
		{name: "nothing paused keeps the user's", in: user, want: user},
		{name: "scale-in paused, no behavior", ann: scalingAnnotations{pauseIn: true},
			want: &autoscalingv2.HorizontalPodAutoscalerBehavior{ScaleDown: &autoscalingv2.HPAScalingRules{SelectPolicy: disabled}}},
		{name: "scale-out paused, no behavior", ann: scalingAnnotations{pauseOut: true},
			want: &autoscalingv2.HorizontalPodAutoscalerBehavior{ScaleUp: &autoscalingv2.HPAScalingRules{SelectPolicy: disabled}}},
		{name: "scale-in paused keeps the user's rules", ann: scalingAnnotations{pauseIn: true}, in: user,
			want: &autoscalingv2.HorizontalPodAutoscalerBehavior{
				ScaleDown: &autoscalingv2.HPAScalingRules{StabilizationWindowSeconds: ptr.To[int32](60), SelectPolicy: disabled},
				ScaleUp:   user.ScaleUp,
			}},
		{name: "both paused", ann: scalingAnnotations{pauseIn: true, pauseOut: true}, in: user,
			want: &autoscalingv2.HorizontalPodAutoscalerBehavior{
				ScaleDown: &autoscalingv2.HPAScalingRules{StabilizationWindowSeconds: ptr.To[int32](60), SelectPolicy: disabled},
				ScaleUp: &autoscalingv2.HPAScalingRules{SelectPolicy: disabled, Policies: []autoscalingv2.HPAScalingPolicy{{
					Type: autoscalingv2.PodsScalingPolicy, Value: 4, PeriodSeconds: 15}}},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before *autoscalingv2.HorizontalPodAutoscalerBehavior
			if tt.in != nil {
				before = tt.in.DeepCopy()
			}
			got := tt.ann.withPausedDirections(tt.in)
			if !equality.Semantic.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if !equality.Semantic.DeepEqual(before, tt.in) {
				t.Errorf("the user's behavior was modified: %+v", tt.in)
			}
		})
	}
}

func TestHPAAnnotations(t *testing.T) {
	f := newFixture(t)
	f.objects = append(f.objects, scaledObject("so",
		withAnnotation(v1alpha1.AnnotationPausedScaleIn, "true"),
		withAnnotation(v1alpha1.AnnotationHPAExcludedLabels, "team,app.kubernetes.io/managed-by"),
		func(so *v1alpha1.ScaledObject) { so.Labels["team"] = "payments" }))
	f.replicas["deployments/web"] = 2
	f.run("so")
	hpa := f.appliedHPA()
	if _, ok := hpa.Labels["team"]; ok || hpa.Labels["app"] != "web" || hpa.Labels[LabelManagedBy] != ManagedByValue {
		t.Errorf("labels = %v, want app and managed-by without team", hpa.Labels)
	}
	b := hpa.Spec.Behavior
	if b == nil || b.ScaleDown == nil || ptr.Deref(b.ScaleDown.SelectPolicy, "") != autoscalingv2.DisabledPolicySelect || b.ScaleUp != nil {
		t.Errorf("behavior = %+v, want only scaleDown disabled", b)
	}
}

func TestScalingAnnotations(t *testing.T) {
	tests := []struct {
		name      string
		mods      []soMod
		replicas  int32
		wantScale string
		wantEvent string
	}{
		{name: "paused-scale-in holds the floor after cooldown", replicas: 1,
			mods: []soMod{inactiveFor(time.Hour), withAnnotation(v1alpha1.AnnotationPausedScaleIn, "true")}},
		{name: "paused-scale-in false scales down", replicas: 1, wantScale: "update deployments/scale web=0",
			mods: []soMod{inactiveFor(time.Hour), withAnnotation(v1alpha1.AnnotationPausedScaleIn, "false")}},
		{name: "paused-scale-in still activates", replicas: 0, wantScale: "update deployments/scale web=1",
			mods: []soMod{active, withAnnotation(v1alpha1.AnnotationPausedScaleIn, "true")}},
		{name: "paused-scale-out holds 0 while active", replicas: 0,
			mods: []soMod{active, withAnnotation(v1alpha1.AnnotationPausedScaleOut, "true")}},
		{name: "paused-scale-out does not restore minReplicaCount", replicas: 0,
			mods: []soMod{withMin(2), withAnnotation(v1alpha1.AnnotationPausedScaleOut, "true")}},
		{name: "paused-scale-out still scales down", replicas: 1, wantScale: "update deployments/scale web=0",
			mods: []soMod{inactiveFor(time.Hour), withAnnotation(v1alpha1.AnnotationPausedScaleOut, "true")}},
		{name: "force-activation takes 0 to 1 without activity", replicas: 0, wantScale: "update deployments/scale web=1",
			wantEvent: "from 0 to 1: activation is forced by annotation autoscaling.keda.sh/force-activation",
			mods:      []soMod{inactiveFor(time.Hour), withAnnotation(v1alpha1.AnnotationForceActivation, "true")}},
		{name: "force-activation with no Active condition", replicas: 0, wantScale: "update deployments/scale web=1",
			mods: []soMod{withAnnotation(v1alpha1.AnnotationForceActivation, "true")}},
		{name: "force-activation never goes idle", replicas: 1,
			mods: []soMod{inactiveFor(time.Hour), withAnnotation(v1alpha1.AnnotationForceActivation, "true")}},
		{name: "force-activation to minReplicaCount from idle", replicas: 1, wantScale: "update deployments/scale web=3",
			mods: []soMod{withMin(3), func(so *v1alpha1.ScaledObject) { so.Spec.IdleReplicaCount = ptr.To[int32](1) },
				withAnnotation(v1alpha1.AnnotationForceActivation, "true")}},
		{name: "paused-scale-out wins over force-activation", replicas: 0,
			mods: []soMod{withAnnotation(v1alpha1.AnnotationForceActivation, "true"), withAnnotation(v1alpha1.AnnotationPausedScaleOut, "true")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.runSO(tt.replicas, tt.mods...)
			f.expectSOWrites(tt.wantScale)
			if ev := strings.Join(f.events(), "\n"); !strings.Contains(ev, tt.wantEvent) {
				t.Errorf("events = %q, want %q", ev, tt.wantEvent)
			}
		})
	}
}

func TestInvalidScalingAnnotation(t *testing.T) {
	f := newFixture(t)
	so := scaledObject("so", active, withAnnotation(v1alpha1.AnnotationPausedScaleIn, "sometimes"))
	f.objects = append(f.objects, so)
	f.hpas = append(f.hpas, ownedHPAFor(so))
	f.replicas["deployments/web"] = 0
	f.run("so")
	// The HPA in place stays as it is and nothing scales.
	f.expectWrites("apply scaledobjects/status so")
	c := f.appliedStatus().Condition(v1alpha1.ConditionReady)
	if c == nil || c.Status != metav1.ConditionFalse || c.Reason != ReasonInvalidAnnotation ||
		!strings.Contains(c.Message, v1alpha1.AnnotationPausedScaleIn) {
		t.Errorf("Ready = %+v", c)
	}
	if ev := strings.Join(f.events(), "\n"); !strings.Contains(ev, ReasonInvalidAnnotation) {
		t.Errorf("events = %q", ev)
	}
}

// FuzzParseScalingAnnotations: any annotation values give a state or a
// user error, and every excluded key is a valid label key.
func FuzzParseScalingAnnotations(f *testing.F) {
	for _, s := range [][4]string{{"true", "false", "1", "a,b"}, {"yes", "", "T", " , "}, {"", "", "", "x/y/z"}} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, in, out, force, excluded string) {
		ann := map[string]string{}
		for k, v := range map[string]string{
			v1alpha1.AnnotationPausedScaleIn: in, v1alpha1.AnnotationPausedScaleOut: out,
			v1alpha1.AnnotationForceActivation: force, v1alpha1.AnnotationHPAExcludedLabels: excluded,
		} {
			if v != "" {
				ann[k] = v
			}
		}
		st, err := parseScalingAnnotations(ann)
		if err != nil {
			if ue := (*userError)(nil); !errors.As(err, &ue) || len(ue.message) > 400 {
				t.Fatalf("error %v", err)
			}
			return
		}
		for k := range st.excluded {
			if k == "" || strings.ContainsAny(k, ", ") {
				t.Fatalf("excluded key %q", k)
			}
		}
	})
}
