package rabbitmq

import (
	"math"
	"strconv"
	"time"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// setMode settles mode and value as KEDA does: neither given means
// QueueLength with 20; the deprecated queueLength means QueueLength with
// it; otherwise both are needed.
func (t *target) setMode(cfg scalers.Config, p *params) error {
	if p.ActivationValue < 0 {
		return scalers.ParamErrorf(cfg, "activationValue", "want a number of at least 0, got %v", p.ActivationValue)
	}
	switch {
	case p.QueueLength != 0 && (p.Mode != "" || p.Value != 0):
		return scalers.ParamErrorf(cfg, "queueLength", "deprecated and not allowed together with mode or value; use mode and value")
	case p.QueueLength != 0:
		t.mode, t.value = ModeQueueLength, p.QueueLength
	case p.Mode == "" && p.Value == 0:
		t.mode, t.value = ModeQueueLength, defaultQueueLength
	case p.Mode == "":
		return scalers.ParamErrorf(cfg, "mode", "%w: value is set, so mode must be too (QueueLength, MessageRate, DeliverGetRate, PublishedToDeliveredRatio or ExpectedQueueConsumptionTime)", scalers.ErrMissingParam)
	case p.Value == 0:
		return scalers.ParamErrorf(cfg, "value", "%w: mode is set, so value must be too", scalers.ErrMissingParam)
	default:
		t.mode, t.value = p.Mode, p.Value
	}
	if t.value <= 0 {
		param := "value"
		if p.QueueLength != 0 {
			param = "queueLength"
		}
		return scalers.ParamErrorf(cfg, param, "want a number greater than 0, got %v", t.value)
	}
	return nil
}

// setTimeout reads timeout as KEDA does: a Go duration ("5s") or a number
// of milliseconds. Unset, HTTP polls take at most 3 seconds.
func (t *target) setTimeout(cfg scalers.Config, raw string) error {
	if raw == "" {
		if t.protocol == protoHTTP {
			t.timeout = defaultHTTPTimeout
		}
		return nil
	}
	d, err := time.ParseDuration(raw)
	if err != nil {
		ms, perr := strconv.ParseInt(raw, 10, 64)
		if perr != nil || ms > math.MaxInt64/int64(time.Millisecond) {
			return scalers.ParamErrorf(cfg, "timeout", "want a number of milliseconds or a duration such as 5s, got %q", raw)
		}
		d = time.Duration(ms) * time.Millisecond
	}
	if d <= 0 {
		return scalers.ParamErrorf(cfg, "timeout", "want a duration greater than 0, got %q", raw)
	}
	t.timeout = d
	return nil
}

// checkHTTPOnly rejects what only the management API can answer on an
// AMQP trigger, and checks pageSize.
func (t *target) checkHTTPOnly(cfg scalers.Config, p *params) error {
	if p.PageSize < 1 || p.PageSize > maxPageSize {
		return scalers.ParamErrorf(cfg, "pageSize", "want a number from 1 to %d, got %d", maxPageSize, p.PageSize)
	}
	if t.protocol == protoHTTP {
		return nil
	}
	switch {
	case t.mode != ModeQueueLength:
		return scalers.ParamErrorf(cfg, "mode", "%s needs the management API: use an http:// or https:// host", t.mode)
	case p.UseRegex:
		return scalers.ParamErrorf(cfg, "useRegex", "needs the management API: use an http:// or https:// host")
	case p.ExcludeUnacknowledged:
		return scalers.ParamErrorf(cfg, "excludeUnacknowledged", "needs the management API (AMQP counts ready messages only): use an http:// or https:// host")
	}
	return nil
}

// stats are what one poll reads about a queue, or about the queues a regex
// matches taken together.
type stats struct {
	messages    float64 // ready and unacknowledged
	ready       float64
	publishRate float64
	deliverRate float64
}

// busy stands in for an infinite activity: publishing with nothing
// delivered. It is finite so that it survives any encoding.
const busy = math.MaxFloat64

// evaluate returns the value to serve and the value activity is judged on,
// with KEDA's arithmetic per mode.
func (t *target) evaluate(s stats) (value, activity float64) {
	msgs := s.messages
	if t.excludeUnacked {
		msgs = s.ready
	}
	pub, del := s.publishRate, s.deliverRate
	switch t.mode {
	case ModeMessageRate:
		// Active on either the rate or a backlog.
		return pub, math.Max(pub, msgs)
	case ModeDeliverGetRate:
		return del, del
	case ModePublishedToDeliveredRatio:
		switch {
		case pub > 0 && del == 0:
			return t.activation, busy
		case pub > 0:
			return pub / del, pub / del
		}
		return 0, 0
	case ModeExpectedQueueConsumptionTime:
		if del == 0 {
			// KEDA stays active here even with nothing queued or published,
			// so an idle queue never scales to zero; Sluice is active only
			// when there is work.
			if msgs > 0 || pub > 0 {
				return t.activation, busy
			}
			return t.activation, 0
		}
		eta := (pub-del)/del + msgs/del
		return eta, eta
	default:
		return msgs, msgs
	}
}

// combine folds the stats of the queues a regex matched with operation.
// No queue gives zeros, as KEDA. avg is a real average; KEDA truncates the
// message counts to integers.
func combine(operation string, qs []stats) stats {
	var out stats
	if len(qs) == 0 {
		return out
	}
	for _, q := range qs {
		if operation == "max" {
			out.messages = math.Max(out.messages, q.messages)
			out.ready = math.Max(out.ready, q.ready)
			out.publishRate = math.Max(out.publishRate, q.publishRate)
			out.deliverRate = math.Max(out.deliverRate, q.deliverRate)
			continue
		}
		out.messages += q.messages
		out.ready += q.ready
		out.publishRate += q.publishRate
		out.deliverRate += q.deliverRate
	}
	if operation == "avg" {
		n := float64(len(qs))
		out.messages, out.ready, out.publishRate, out.deliverRate = out.messages/n, out.ready/n, out.publishRate/n, out.deliverRate/n
	}
	return out
}
