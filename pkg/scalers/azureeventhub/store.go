package azureeventhub

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"

	"github.com/sluice-dev/sluice/pkg/scalers/internal/azstorage"
)

// This file is the only one that touches the azblob SDK.

// maxCheckpointBody bounds a JSON checkpoint blob's size; real ones are a
// few hundred bytes.
const maxCheckpointBody = 64 << 10

// checkpointStore is the part of blob storage the trigger reads. Errors are
// sanitized (azstorage.Sanitize).
type checkpointStore interface {
	// ListMetadata returns the metadata of every blob whose name starts
	// with prefix, by blob name; found is false when the container does
	// not exist.
	ListMetadata(ctx context.Context, container, prefix string) (blobs map[string]map[string]string, found bool, err error)
	// Download returns a blob's body. It returns errBlobNotFound or
	// errContainerNotFound when the blob or its container does not exist.
	Download(ctx context.Context, container, name string) (body []byte, err error)
}

// StoreCache shares azblob service clients between triggers that reach the
// same storage endpoint with the same credential. It is safe for
// concurrent use.
type StoreCache struct {
	c *azstorage.BlobClients
}

// NewStoreCache returns a cache of at most size clients, or
// clientcache.DefaultSize when size is not positive.
func NewStoreCache(size int) *StoreCache {
	return &StoreCache{c: azstorage.NewBlobClients(size)}
}

// store returns the checkpoint store at t over a cached service client.
func (c *StoreCache) store(t *azstorage.Target) (checkpointStore, error) {
	svc, err := c.c.Service(t)
	if err != nil {
		return nil, err
	}
	return &sdkStore{svc: svc, target: t}, nil
}

// sdkStore is checkpointStore over azblob.
type sdkStore struct {
	svc    *service.Client
	target *azstorage.Target
}

func (s *sdkStore) ListMetadata(ctx context.Context, cont, prefix string) (map[string]map[string]string, bool, error) {
	pager := s.svc.NewContainerClient(cont).NewListBlobsFlatPager(&container.ListBlobsFlatOptions{
		Prefix: &prefix, Include: container.ListBlobsInclude{Metadata: true},
	})
	out := map[string]map[string]string{}
	for pager.More() {
		resp, err := pager.NextPage(ctx)
		if bloberror.HasCode(err, bloberror.ContainerNotFound) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, s.target.Sanitize("list checkpoints in container "+cont, err)
		}
		if resp.Segment == nil {
			continue
		}
		for _, it := range resp.Segment.BlobItems {
			if it == nil || it.Name == nil {
				continue
			}
			md := make(map[string]string, len(it.Metadata))
			for k, v := range it.Metadata {
				if v != nil {
					md[k] = *v
				}
			}
			out[*it.Name] = md
		}
	}
	return out, true, nil
}

func (s *sdkStore) Download(ctx context.Context, cont, name string) ([]byte, error) {
	resp, err := s.svc.NewContainerClient(cont).NewBlobClient(name).DownloadStream(ctx, nil)
	switch {
	case bloberror.HasCode(err, bloberror.ContainerNotFound):
		return nil, errContainerNotFound
	case bloberror.HasCode(err, bloberror.BlobNotFound):
		return nil, errBlobNotFound
	case err != nil:
		return nil, s.target.Sanitize("download checkpoint "+cont+"/"+name, err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxCheckpointBody+1))
	if err != nil {
		return nil, s.target.Sanitize("read checkpoint "+cont+"/"+name, err)
	}
	if len(body) > maxCheckpointBody {
		return nil, fmt.Errorf("read checkpoint %s/%s: %w", cont, name, errTooLarge)
	}
	return body, nil
}

// Errors of checkpointStore.Download.
var (
	errTooLarge          = errors.New("blob larger than 64 KiB is not a checkpoint")
	errBlobNotFound      = errors.New("blob not found")
	errContainerNotFound = errors.New("container not found")
)
