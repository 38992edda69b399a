package main

import (
	"testing"
	"time"
)

func TestTimelineCheck(t *testing.T) {
	tests := []struct {
		name     string
		replicas []int
		wantErr  bool
	}{
		{"full story", []int{0, 1, 5, 10, 1, 0}, false},
		{"peak of two", []int{0, 1, 2, 1, 0}, false},
		{"never scaled", []int{0}, true},
		{"straight to n", []int{0, 4, 1, 0}, true},
		{"never above one", []int{0, 1, 0}, true},
		{"stuck at one", []int{0, 1, 5, 1}, true},
		{"n to zero", []int{0, 1, 5, 0}, true},
		{"started above zero", []int{1, 5, 1, 0}, true},
		{"empty", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := timeline{started: true, firstEnqueue: 0}
			for i, r := range tt.replicas {
				tl.events = append(tl.events, event{at: time.Duration(i+1) * time.Second, replicas: r})
			}
			if err := tl.check(); (err != nil) != tt.wantErr {
				t.Fatalf("check(%s) = %v, want error %v", tl.sequence(), err, tt.wantErr)
			}
		})
	}
}

func TestMilestones(t *testing.T) {
	tl := timeline{firstEnqueue: time.Second}
	for i, r := range []int{0, 1, 5, 10, 5, 1, 0} {
		tl.events = append(tl.events, event{at: time.Duration(i) * time.Second, replicas: r})
	}
	ms := tl.milestones()
	want := milestones{one: time.Second, peak: 3 * time.Second, backToOne: 5 * time.Second, zero: 6 * time.Second, peakReplicas: 10}
	if ms != want {
		t.Fatalf("milestones = %+v, want %+v", ms, want)
	}
}
