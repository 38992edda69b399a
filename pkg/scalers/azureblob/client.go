package azureblob

import (
	"context"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"

	"github.com/sluice-dev/sluice/pkg/scalers/internal/azstorage"
)

// This file is the only one that touches the azblob SDK.

// containerAPI is the part of one blob container the trigger reads. Errors
// must be sanitized (azstorage.Sanitize).
type containerAPI interface {
	// EachPage lists the blobs whose names start with prefix, flat when
	// delimiter is empty and else one level deep with it, calling fn with
	// each page's blob names (virtual directories excluded).
	EachPage(ctx context.Context, prefix, delimiter string, fn func(names []string)) error
}

// ClientCache shares azblob service clients between triggers that reach
// the same endpoint with the same credential. It is safe for concurrent
// use.
type ClientCache struct {
	c *azstorage.BlobClients
}

// NewClientCache returns a cache of at most size clients, or
// clientcache.DefaultSize when size is not positive.
func NewClientCache(size int) *ClientCache {
	return &ClientCache{c: azstorage.NewBlobClients(size)}
}

// Len returns the number of cached clients.
func (c *ClientCache) Len() int { return c.c.Len() }

// container returns the container name at t, over a cached service client.
func (c *ClientCache) container(t *azstorage.Target, name string) (containerAPI, error) {
	svc, err := c.c.Service(t)
	if err != nil {
		return nil, err
	}
	return &sdkContainer{client: svc.NewContainerClient(name), target: t}, nil
}

// sdkContainer is containerAPI over azblob.
type sdkContainer struct {
	client *container.Client
	target *azstorage.Target
}

func (c *sdkContainer) EachPage(ctx context.Context, prefix, delimiter string, fn func([]string)) error {
	var pre *string
	if prefix != "" {
		pre = &prefix
	}
	if delimiter == "" {
		pager := c.client.NewListBlobsFlatPager(&container.ListBlobsFlatOptions{Prefix: pre})
		return eachPage(ctx, c.target, pager, fn, func(r container.ListBlobsFlatResponse) []*container.BlobItem {
			if r.Segment == nil {
				return nil
			}
			return r.Segment.BlobItems
		})
	}
	pager := c.client.NewListBlobsHierarchyPager(delimiter, &container.ListBlobsHierarchyOptions{Prefix: pre})
	return eachPage(ctx, c.target, pager, fn, func(r container.ListBlobsHierarchyResponse) []*container.BlobItem {
		if r.Segment == nil {
			return nil
		}
		return r.Segment.BlobItems
	})
}

// eachPage calls fn with the blob names of each page of pager, which
// items reads from a page.
func eachPage[T any](ctx context.Context, t *azstorage.Target, pager *runtime.Pager[T], fn func([]string), items func(T) []*container.BlobItem) error {
	for pager.More() {
		resp, err := pager.NextPage(ctx)
		if err != nil {
			return t.Sanitize("list blobs", err)
		}
		if it := items(resp); it != nil {
			fn(names(it))
		}
	}
	return nil
}

// names returns the items' names.
func names(items []*container.BlobItem) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		if it != nil && it.Name != nil {
			out = append(out, *it.Name)
		}
	}
	return out
}
