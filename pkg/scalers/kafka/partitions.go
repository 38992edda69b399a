package kafka

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// maxPartitionID bounds partition ids and range sizes in partitionLimitation,
// so that a typo such as 0-2000000000 cannot allocate gigabytes.
const maxPartitionID = 1 << 16

// parsePartitionLimitation parses a comma list of partition ids and
// inclusive ranges, such as "1,2,10-12", into sorted, distinct ids. Blank
// elements are ignored; an empty list yields nil.
func parsePartitionLimitation(s string) ([]int, error) {
	var ids []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		first, err := partitionID(lo)
		if err != nil {
			return nil, fmt.Errorf("element %q: %w", part, err)
		}
		last := first
		if isRange {
			if last, err = partitionID(hi); err != nil {
				return nil, fmt.Errorf("element %q: %w", part, err)
			}
			if last < first {
				return nil, fmt.Errorf("element %q: range end is below its start", part)
			}
		}
		for id := first; id <= last; id++ {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// partitionID parses one partition id.
func partitionID(s string) (int, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	switch {
	case err != nil || strings.HasPrefix(s, "+"):
		return 0, fmt.Errorf("want a partition id or a range such as 3-5, got %q", s)
	case n < 0:
		return 0, errors.New("partition ids are not negative")
	case n >= maxPartitionID:
		return 0, fmt.Errorf("partition id %d is above %d", n, maxPartitionID-1)
	}
	return n, nil
}
