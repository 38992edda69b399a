package main

import (
	"context"
	"encoding/json"
	"fmt"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// takenIn is what taking one ScaledObject in left behind, without times
// and identities: its status, its HPA, and the status fields each field
// manager owns. The floor is only a floor while its writers leave every
// object as Sluice's programs do, so the scenario compares the two and
// fails when the floor's hand-written bodies drift from Sluice's.
type takenIn struct {
	Status    v1alpha1.ScaledObjectStatus               `json:"status"`
	HPALabels map[string]string                         `json:"hpaLabels"`
	HPAOwners []metav1.OwnerReference                   `json:"hpaOwners"`
	HPASpec   autoscalingv2.HorizontalPodAutoscalerSpec `json:"hpaSpec"`
	// StatusFields holds, by field manager, the status fields it owns
	// (managedFields' fieldsV1).
	StatusFields map[string]string `json:"statusFields"`
}

// readTakenIn reads what taking the ScaledObject name in left behind.
func (e *env) readTakenIn(ctx context.Context, name string) (*takenIn, error) {
	so, err := e.keda.KedaV1alpha1().ScaledObjects(benchNamespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("read ScaledObject %s: %w", name, err)
	}
	hpa, err := e.kube.AutoscalingV2().HorizontalPodAutoscalers(benchNamespace).Get(ctx, so.HPAName(), metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("read the HPA of %s: %w", name, err)
	}
	t := &takenIn{Status: *so.Status.DeepCopy(), HPALabels: hpa.Labels, HPAOwners: hpa.OwnerReferences,
		HPASpec: hpa.Spec, StatusFields: map[string]string{}}
	for i := range t.Status.Conditions {
		t.Status.Conditions[i].LastTransitionTime = nil
	}
	t.Status.LastActiveTime = nil
	for i := range t.HPAOwners {
		t.HPAOwners[i].UID = ""
	}
	for _, m := range so.ManagedFields {
		if m.Subresource == "status" && m.FieldsV1 != nil {
			t.StatusFields[m.Manager] = m.FieldsV1.GetRawString()
		}
	}
	return t, nil
}

// sameTakeIn returns an error naming what differs between Sluice's take-in
// (want) and the floor's (got); with oneWriter the floor writes every
// status field with one manager, so who owns which is not compared.
func sameTakeIn(want, got *takenIn, oneWriter bool) error {
	w, g := *want, *got
	if oneWriter {
		w.StatusFields, g.StatusFields = nil, nil
	}
	if equality.Semantic.DeepEqual(w, g) {
		return nil
	}
	wj, _ := json.Marshal(w)
	gj, _ := json.Marshal(g)
	return fmt.Errorf("the floor's writers left an object unlike Sluice's: update hack/bench/takeinfloor.go\nSluice: %s\nfloor:  %s", wj, gj)
}
