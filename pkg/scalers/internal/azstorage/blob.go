package azstorage

import (
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"

	"github.com/sluice-dev/sluice/pkg/scalers/internal/clientcache"
)

// BlobClients shares azblob service clients between triggers that reach the
// same blob endpoint with the same credential: the azure-blob trigger's
// containers and the azure-eventhub trigger's checkpoints alike. It is safe
// for concurrent use.
type BlobClients struct {
	c *clientcache.Cache[*service.Client]
}

// NewBlobClients returns a cache of at most size clients, or
// clientcache.DefaultSize when size is not positive. Service clients hold
// nothing to close.
func NewBlobClients(size int) *BlobClients {
	return &BlobClients{c: clientcache.New(clientcache.Options[*service.Client]{Size: size})}
}

// Len returns the number of cached clients.
func (b *BlobClients) Len() int { return b.c.Len() }

// Service returns the cached service client for t's endpoint and
// credential, building it on first use. Errors are sanitized.
func (b *BlobClients) Service(t *Target) (*service.Client, error) {
	return b.c.Get(t.Endpoint+" "+t.CredentialHash(), func() (*service.Client, error) {
		opts := &service.ClientOptions{ClientOptions: ClientOptions()}
		if t.Conn.AccountKey != "" {
			cred, err := service.NewSharedKeyCredential(t.Conn.AccountName, t.Conn.AccountKey)
			if err != nil {
				return nil, t.Sanitize("shared key", err)
			}
			sc, err := service.NewClientWithSharedKeyCredential(t.Endpoint, cred, opts)
			return sc, t.Sanitize("blob client", err)
		}
		sc, err := service.NewClientWithNoCredential(t.Endpoint+"/?"+t.Conn.SAS, opts)
		return sc, t.Sanitize("blob client", err)
	})
}
