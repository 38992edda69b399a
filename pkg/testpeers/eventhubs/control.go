package eventhubs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// SetHub creates or replaces the event hub name with the partitions.
func (p *Peer) SetHub(ctx context.Context, name string, partitions []Partition) error {
	if partitions == nil {
		partitions = []Partition{}
	}
	_, err := p.call(ctx, map[string]any{"op": "hub", "name": name, "partitions": partitions,
		"createdAt": time.Now().UnixMilli()})
	return err
}

// SetPartition sets an existing partition's first and last sequence
// numbers, as events arriving or ageing out would.
func (p *Peer) SetPartition(ctx context.Context, hub string, part Partition) error {
	_, err := p.call(ctx, map[string]any{"op": "partition", "hub": hub, "partition": part.ID,
		"begin": part.Begin, "last": part.Last})
	return err
}

// DeleteHub removes the event hub name; reads of it then get 404.
func (p *Peer) DeleteHub(ctx context.Context, name string) error {
	_, err := p.call(ctx, map[string]any{"op": "delete", "name": name})
	return err
}

// Counts returns the requests answered so far.
func (p *Peer) Counts(ctx context.Context) (Counts, error) {
	res, err := p.call(ctx, map[string]any{"op": "counts"})
	if err != nil {
		return Counts{}, err
	}
	return res.Counts, nil
}

// reply is the peer's answer to a control request.
type reply struct {
	ID     int    `json:"id"`
	OK     bool   `json:"ok"`
	Error  string `json:"error"`
	Counts Counts `json:"counts"`
}

// call sends one control request and waits for its reply.
func (p *Peer) call(ctx context.Context, req map[string]any) (*reply, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.nextID++
	req["id"] = p.nextID
	b, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("encode peer request: %w", err)
	}
	if _, err := p.stdin.Write(append(b, '\n')); err != nil {
		return nil, fmt.Errorf("send peer request: %w", err)
	}
	for {
		line, err := p.next(ctx)
		if err != nil {
			return nil, fmt.Errorf("peer %s: %w", req["op"], err)
		}
		var r reply
		if err := json.Unmarshal(line, &r); err != nil {
			return nil, fmt.Errorf("peer said %q: %w", line, err)
		}
		if r.ID != p.nextID {
			continue // a reply to a request whose caller gave up
		}
		if r.Error != "" {
			return nil, fmt.Errorf("peer %s: %w", req["op"], errors.New(r.Error))
		}
		return &r, nil
	}
}
