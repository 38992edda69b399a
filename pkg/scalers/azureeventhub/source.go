package azureeventhub

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// parallelReads bounds the partition property reads and checkpoint
// downloads one poll has in flight.
const parallelReads = 8

// source polls one event hub's lag for one consumer group.
type source struct {
	hubs      *HubCache
	hub       *hubConn
	store     checkpointStore
	layout    layout
	threshold int64
	stale     int64
	logger    *zap.Logger
	// noContainer remembers that the checkpoint container was missing at
	// the last poll, so that the change is logged once.
	noContainer atomic.Bool
}

var _ scalers.ActivitySource = (*source)(nil)

// Poll implements scalers.Source: the capped lag (see PollActivity).
func (s *source) Poll(ctx context.Context) (float64, error) {
	v, _, err := s.PollActivity(ctx)
	return v, err
}

// PollActivity implements scalers.ActivitySource. The value is the sum over
// partitions of the unprocessed events, capped at partitions times
// unprocessedEventThreshold; activity is the uncapped sum, as KEDA judges
// it. Checkpoints are read before partition properties, so that a
// checkpoint can only be behind the sequence numbers it is compared with,
// unless it belongs to another life of the partition.
func (s *source) PollActivity(ctx context.Context) (value, activity float64, err error) {
	var total int64
	var partitions int
	err = s.hubs.use(s.hub, func(h hubAPI) error {
		ids, err := h.PartitionIDs(ctx)
		if err != nil {
			return err
		}
		cps, err := s.checkpoints(ctx, ids)
		if err != nil {
			return err
		}
		parts := make([]partition, len(ids))
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(parallelReads)
		for i, id := range ids {
			g.Go(func() error {
				p, err := h.Partition(gctx, id)
				parts[i] = p
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		lags := make([]int64, len(ids))
		for i, p := range parts {
			lags[i] = unprocessed(p, cps[ids[i]], s.stale)
		}
		total, partitions = sum(lags), len(ids)
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return float64(capped(total, partitions, s.threshold)), float64(total), nil
}

// checkpoints returns the checkpoint of each partition that has one.
func (s *source) checkpoints(ctx context.Context, ids []string) (map[string]checkpoint, error) {
	cps, found, err := s.readCheckpoints(ctx, ids)
	if err != nil {
		return nil, err
	}
	s.containerMissing(!found)
	return cps, nil
}

// readCheckpoints reads the checkpoints; found is false when the container
// does not exist.
func (s *source) readCheckpoints(ctx context.Context, ids []string) (cps map[string]checkpoint, found bool, err error) {
	cps = make(map[string]checkpoint, len(ids))
	for _, prefix := range s.layout.prefixes {
		blobs, found, err := s.store.ListMetadata(ctx, s.layout.container, prefix)
		if err != nil || !found {
			return cps, found, err
		}
		for name, md := range blobs {
			id := strings.TrimPrefix(name, prefix)
			if _, done := cps[id]; done || strings.Contains(id, "/") {
				continue
			}
			cp, err := decodeMetadata(md)
			if err != nil {
				return nil, true, fmt.Errorf("checkpoint %s/%s: %w", s.layout.container, name, err)
			}
			cps[id] = cp
		}
	}
	if s.layout.kind == jsonNone {
		return cps, true, nil
	}
	missing, found, err := s.jsonCandidates(ctx, ids, cps)
	if err != nil || !found {
		return cps, found, err
	}
	got := make([]checkpoint, len(missing))
	var noContainer atomic.Bool
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallelReads)
	for i, id := range missing {
		g.Go(func() error {
			name := s.layout.jsonPrefix + id
			body, err := s.store.Download(gctx, s.layout.container, name)
			switch {
			case errors.Is(err, errContainerNotFound):
				noContainer.Store(true)
				return nil
			case errors.Is(err, errBlobNotFound):
				return nil
			case err != nil:
				return err
			}
			cp, err := decodeJSON(s.layout.kind, body)
			if err != nil {
				return fmt.Errorf("checkpoint %s/%s: %w", s.layout.container, name, err)
			}
			got[i] = cp
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, true, err
	}
	for i, id := range missing {
		if got[i].Found {
			cps[id] = got[i]
		}
	}
	return cps, !noContainer.Load(), nil
}

// jsonCandidates returns the partitions whose JSON checkpoint blob is worth
// downloading: those without a checkpoint yet and, when the layout's JSON
// blobs share a prefix, only those whose blob a listing of it shows, so
// that partitions without a checkpoint cost no request each. found is
// false when the container does not exist.
func (s *source) jsonCandidates(ctx context.Context, ids []string, cps map[string]checkpoint) ([]string, bool, error) {
	missing := make([]string, 0, len(ids))
	for _, id := range ids {
		if _, ok := cps[id]; !ok {
			missing = append(missing, id)
		}
	}
	if s.layout.jsonPrefix == "" || len(missing) <= 1 {
		return missing, true, nil
	}
	blobs, found, err := s.store.ListMetadata(ctx, s.layout.container, s.layout.jsonPrefix)
	if err != nil || !found {
		return nil, found, err
	}
	present := missing[:0]
	for _, id := range missing {
		if _, ok := blobs[s.layout.jsonPrefix+id]; ok {
			present = append(present, id)
		}
	}
	return present, true, nil
}

// containerMissing logs when the checkpoint container goes missing: every
// partition then counts as without checkpoint, as KEDA does, which is
// right for an app that never ran and wrong for a misspelt blobContainer.
func (s *source) containerMissing(missing bool) {
	if s.noContainer.Swap(missing) != missing && missing {
		s.logger.Info("checkpoint container not found; counting every retained event as unprocessed",
			zap.String("container", s.layout.container))
	}
}
