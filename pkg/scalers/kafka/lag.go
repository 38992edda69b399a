package kafka

// lagOptions are the parameters that shape the lag arithmetic.
type lagOptions struct {
	threshold         int64 // lagThreshold, > 0
	earliest          bool  // offsetResetPolicy is earliest
	scaleToZero       bool  // scaleToZeroOnInvalidOffset
	allowIdle         bool  // allowIdleConsumers
	limitToLag        bool  // limitToPartitionsWithLag
	excludePersistent bool  // excludePersistentLag
	evenDistribution  bool  // ensureEvenDistributionOfPartitions
}

// topicPartition names one partition.
type topicPartition struct {
	topic     string
	partition int
}

// partitionOffsets are one partition's offsets as read in one poll.
type partitionOffsets struct {
	committed int64 // the group's committed offset; negative when none
	latest    int64 // the log end offset
}

// lagResult is the outcome of one poll's arithmetic.
type lagResult struct {
	// value is the metric: the lag summed over partitions, persistent lag
	// left out when asked, and capped unless idle consumers are allowed.
	value int64
	// activity is the lag the trigger's activity is judged on: summed
	// over partitions, persistent lag included, never capped.
	activity int64
	// committed are the valid committed offsets of this poll, the
	// reference for the next poll's persistent-lag check.
	committed map[topicPartition]int64
}

// computeLag applies KEDA's lag rules to one poll's offsets. prev holds the
// previous poll's committed offsets (used only with excludePersistent).
//
// Per partition: latest − committed, never negative. Without a committed
// offset: 1 under latest, the whole log (latest) under earliest, and 0 for
// both under scaleToZero. With excludePersistent, a partition whose
// committed offset equals the previous poll's counts 0 toward value.
// With evenDistribution, value becomes evenFactor × threshold first.
// Unless allowIdle (or with evenDistribution), value is capped at (partitions, or partitions whose
// value lag is above 0 under limitToLag) × threshold, so that the HPA never
// asks for more consumers than there are partitions to consume.
func computeLag(parts map[topicPartition]partitionOffsets, prev map[topicPartition]int64, o lagOptions) lagResult {
	res := lagResult{committed: make(map[topicPartition]int64, len(parts))}
	var withLag int64
	for tp, off := range parts {
		lag, activity := partitionLag(off, o)
		if off.committed >= 0 {
			res.committed[tp] = off.committed
			if last, ok := prev[tp]; ok && o.excludePersistent && last == off.committed {
				lag = 0
			}
		}
		res.value += lag
		res.activity += activity
		if lag > 0 {
			withLag++
		}
	}
	if !o.allowIdle || o.limitToLag || o.evenDistribution {
		bound := int64(len(parts))
		if o.evenDistribution {
			res.value = evenFactor(res.value, bound, o.threshold) * o.threshold
		}
		if o.limitToLag {
			bound = withLag
		}
		// KEDA compares value/threshold > bound in integer arithmetic,
		// which lets the HPA ask for one replica more than the bound; this
		// comparison does not.
		if res.value > bound*o.threshold {
			res.value = bound * o.threshold
		}
	}
	return res
}

// evenFactor returns the smallest divisor f of partitions with
// f × threshold ≥ lag, or partitions when none is: the replica count that
// gives every consumer the same number of partitions (KEDA's
// ensureEvenDistributionOfPartitions). With no partitions it is 0.
func evenFactor(lag, partitions, threshold int64) int64 {
	for f := int64(1); f <= partitions; f++ {
		if partitions%f == 0 && f*threshold >= lag {
			return f
		}
	}
	return partitions
}

// partitionLag returns a partition's lag toward the value and toward
// activity, before the persistent-lag rule.
func partitionLag(off partitionOffsets, o lagOptions) (int64, int64) {
	if off.committed < 0 {
		var lag int64
		switch {
		case o.scaleToZero:
		case o.earliest:
			lag = max(off.latest, 0)
		default:
			lag = 1
		}
		return lag, lag
	}
	lag := max(off.latest-off.committed, 0)
	return lag, lag
}
