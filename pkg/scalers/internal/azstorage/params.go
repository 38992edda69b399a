package azstorage

import "github.com/sluice-dev/sluice/pkg/scalers"

// Account is the part of a storage trigger's parameters that names the
// account without a connection string (identity-based access), declared
// once for scalers.Decode. The storage triggers embed it.
type Account struct {
	AccountName    string `param:"accountName,from=metadata|env"`
	Cloud          string `param:"cloud,default=AzurePublicCloud,from=metadata"`
	EndpointSuffix string `param:"endpointSuffix,from=metadata"`
}

// QueueParams are the azure-queue trigger's connection parameters, for
// scalers.Decode. connection is looked up in KEDA's order for azure-queue:
// TriggerAuthentication, inline metadata, then connectionFromEnv.
type QueueParams struct {
	Connection string `param:"connection,from=auth|metadata|env"`
	Account
}

// Resolve is Resolve for the queue service.
func (p *QueueParams) Resolve(cfg scalers.Config) (*Target, error) {
	return Resolve(cfg, Queue, p.with(p.Connection))
}

// BlobParams are the azure-blob trigger's connection parameters, for
// scalers.Decode. connection is looked up in KEDA's order for azure-blob,
// which differs from azure-queue's: TriggerAuthentication,
// connectionFromEnv, then inline metadata.
type BlobParams struct {
	Connection string `param:"connection,from=auth|env|metadata"`
	Account
}

// Resolve is Resolve for the blob service.
func (p *BlobParams) Resolve(cfg scalers.Config) (*Target, error) {
	return Resolve(cfg, Blob, p.with(p.Connection))
}

// with returns the Params of a and the connection string conn.
func (a Account) with(conn string) Params {
	return Params{Connection: conn, AccountName: a.AccountName, Cloud: a.Cloud, EndpointSuffix: a.EndpointSuffix}
}
