package install

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// WaitOptions tune WaitAvailable.
type WaitOptions struct {
	// Timeout bounds the wait.
	Timeout time.Duration
	// Interval between reads; 500ms when zero.
	Interval time.Duration
	// Progress receives the state while waiting: one line rewritten in
	// place when Terminal, else one line when waiting starts.
	Progress io.Writer
	// Terminal says that Progress is a terminal.
	Terminal bool
	// Namespace of the components, named in the timeout error's hint;
	// DefaultNamespace when empty.
	Namespace string
}

// WaitAvailable waits until the APIService reports Available=True. On
// timeout its error gives the last reason and message of the condition:
// what is missing.
func (in *Installer) WaitAvailable(ctx context.Context, o WaitOptions) error {
	if o.Interval <= 0 {
		o.Interval = 500 * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	start := time.Now()
	if !o.Terminal {
		fmt.Fprintf(o.Progress, "waiting up to %s for APIService %s to become available\n", o.Timeout, APIServiceName)
	}
	last := "no status yet"
	t := time.NewTicker(o.Interval)
	defer t.Stop()
	for {
		obj, err := in.Client.Resource(apiServiceGVR()).Get(ctx, APIServiceName, metav1.GetOptions{})
		switch {
		case err == nil:
			ok, why := availability(obj)
			if ok {
				if o.Terminal {
					fmt.Fprint(o.Progress, "\r\033[K")
				}
				fmt.Fprintf(o.Progress, "APIService %s is available\n", APIServiceName)
				return nil
			}
			last = why
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
		default:
			last = err.Error()
		}
		if o.Terminal {
			fmt.Fprintf(o.Progress, "\r\033[Kwaiting for APIService %s (%s): %s", APIServiceName, time.Since(start).Truncate(time.Second), last)
		}
		select {
		case <-ctx.Done():
			if o.Terminal {
				fmt.Fprintln(o.Progress)
			}
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				ns := o.Namespace
				if ns == "" {
					ns = DefaultNamespace
				}
				return fmt.Errorf("APIService %s not available after %s: %s (check the pods of deployment %s/%s)", APIServiceName, o.Timeout, last, ns, AdapterName)
			}
			return ctx.Err()
		case <-t.C:
		}
	}
}

// availability returns whether the APIService's Available condition is
// True, and otherwise its reason and message.
func availability(obj *unstructured.Unstructured) (bool, string) {
	conds, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if !ok || m["type"] != "Available" {
			continue
		}
		if m["status"] == "True" {
			return true, ""
		}
		reason, _ := m["reason"].(string)
		msg, _ := m["message"].(string)
		return false, reason + ": " + msg
	}
	return false, "no Available condition yet"
}
