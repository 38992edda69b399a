package azureeventhub

import "math"

// partition is what the trigger reads of one partition from Event Hubs.
type partition struct {
	// ID is the partition's identifier, for example "0".
	ID string
	// Begin is the sequence number of the oldest event still retained.
	Begin int64
	// Last is the sequence number of the newest event; -1 when the
	// partition never held one.
	Last int64
	// Empty is the service's is_partition_empty.
	Empty bool
}

// checkpoint is a consumer group's progress in one partition.
type checkpoint struct {
	// Found is false when no checkpoint exists for the partition.
	Found bool
	// SequenceNumber is the sequence number of the last event processed.
	SequenceNumber int64
}

// unprocessed returns the number of events of p the consumer group has
// not processed, given its checkpoint cp. stale is how far a checkpoint
// may be ahead of the partition's last sequence number and still be taken
// for partition information read a moment too early.
//
// The rules, KEDA's where KEDA is right:
//   - an empty partition has no unprocessed events;
//   - without a checkpoint every retained event is unprocessed:
//     Last-Begin+1 (KEDA returns 0 when Begin equals Last and is not 0,
//     though the partition then holds exactly one event);
//   - a checkpoint at or behind Last leaves Last-checkpoint events, but
//     never more than are retained (KEDA counts events that expired out of
//     retention and can no longer be processed);
//   - a checkpoint ahead of Last by at most stale is stale partition
//     information: 0, as KEDA;
//   - a checkpoint ahead by more cannot belong to this partition's events
//     (the hub was recreated or the checkpoint copied): the partition
//     counts as without a checkpoint. KEDA treats the partition as a ring
//     and returns nearly math.MaxInt64, which scales straight to the
//     maximum.
func unprocessed(p partition, cp checkpoint, stale int64) int64 {
	begin := max(p.Begin, 0)
	if p.Empty || p.Last < 0 || p.Last < begin {
		return 0
	}
	retained := p.Last - begin // no overflow: 0 <= begin <= Last
	if retained < math.MaxInt64 {
		retained++
	}
	if !cp.Found {
		return retained
	}
	if cp.SequenceNumber > p.Last {
		if cp.SequenceNumber-p.Last <= stale {
			return 0
		}
		return retained
	}
	if cp.SequenceNumber < begin-1 {
		return retained
	}
	return p.Last - cp.SequenceNumber
}

// sum adds lags, saturating at math.MaxInt64 instead of wrapping.
func sum(lags []int64) int64 {
	var total int64
	for _, l := range lags {
		if l <= 0 {
			continue
		}
		if total > math.MaxInt64-l {
			return math.MaxInt64
		}
		total += l
	}
	return total
}

// capped limits total to what partitions consumers can share: partitions
// times the per-replica threshold, so that the HPA never asks for more
// replicas than there are partitions. KEDA caps only when
// total/threshold, in integer division, exceeds the partition count, so a
// total just below (partitions+1)*threshold still asks for one replica
// more than there are partitions.
func capped(total int64, partitions int, threshold int64) int64 {
	if partitions <= 0 || threshold <= 0 {
		return total
	}
	limit := int64(math.MaxInt64)
	if threshold <= math.MaxInt64/int64(partitions) {
		limit = int64(partitions) * threshold
	}
	return min(total, limit)
}
