package install

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
)

// labelsOf returns u's labels as a set.
func labelsOf(u *unstructured.Unstructured) labels.Set { return labels.Set(u.GetLabels()) }
