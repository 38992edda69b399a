package rabbitmq

import "testing"

func TestEvaluate(t *testing.T) {
	s := func(msgs, ready, pub, del float64) stats {
		return stats{messages: msgs, ready: ready, publishRate: pub, deliverRate: del}
	}
	tests := []struct {
		name       string
		t          target
		in         stats
		value, act float64
	}{
		{"length", target{mode: ModeQueueLength}, s(10, 4, 1, 1), 10, 10},
		{"length ready only", target{mode: ModeQueueLength, excludeUnacked: true}, s(10, 4, 1, 1), 4, 4},
		{"rate", target{mode: ModeMessageRate}, s(10, 4, 2.5, 1), 2.5, 10},
		{"rate idle", target{mode: ModeMessageRate}, s(0, 0, 0, 0), 0, 0},
		{"deliver", target{mode: ModeDeliverGetRate}, s(10, 4, 2.5, 1.5), 1.5, 1.5},
		{"ratio", target{mode: ModePublishedToDeliveredRatio}, s(0, 0, 3, 2), 1.5, 1.5},
		{"ratio nothing delivered", target{mode: ModePublishedToDeliveredRatio, activation: 0.7}, s(0, 0, 3, 0), 0.7, busy},
		{"ratio idle", target{mode: ModePublishedToDeliveredRatio}, s(5, 5, 0, 0), 0, 0},
		{"eta", target{mode: ModeExpectedQueueConsumptionTime}, s(20, 20, 3, 2), 10.5, 10.5},
		{"eta backlog, no consumer", target{mode: ModeExpectedQueueConsumptionTime, activation: 2}, s(20, 20, 0, 0), 2, busy},
		{"eta idle", target{mode: ModeExpectedQueueConsumptionTime, activation: 2}, s(0, 0, 0, 0), 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, a := tt.t.evaluate(tt.in)
			if v != tt.value || a != tt.act {
				t.Fatalf("evaluate = %v, %v; want %v, %v", v, a, tt.value, tt.act)
			}
		})
	}
}

func TestCombine(t *testing.T) {
	qs := []stats{{messages: 1, ready: 1, publishRate: 1, deliverRate: 4}, {messages: 2, ready: 0, publishRate: 3, deliverRate: 0}}
	tests := []struct {
		op   string
		in   []stats
		want stats
	}{
		{"sum", qs, stats{messages: 3, ready: 1, publishRate: 4, deliverRate: 4}},
		{"max", qs, stats{messages: 2, ready: 1, publishRate: 3, deliverRate: 4}},
		{"avg", qs, stats{messages: 1.5, ready: 0.5, publishRate: 2, deliverRate: 2}},
		{"avg", nil, stats{}},
	}
	for _, tt := range tests {
		if got := combine(tt.op, tt.in); got != tt.want {
			t.Errorf("%s(%v) = %+v, want %+v", tt.op, tt.in, got, tt.want)
		}
	}
}
