package azstorage

import (
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/scalertest"
)

// TestConnectionOrder holds each storage trigger to KEDA's lookup order for
// connection: azure-queue reads TriggerAuthentication, inline metadata,
// then connectionFromEnv; azure-blob reads TriggerAuthentication,
// connectionFromEnv, then inline metadata.
func TestConnectionOrder(t *testing.T) {
	all := scalers.Config{
		Metadata:   map[string]string{"connection": "meta", "connectionFromEnv": "C", "accountName": "acct"},
		AuthParams: map[string]string{"connection": "auth"},
		Env:        map[string]string{"C": "env"},
	}
	noAuth := all
	noAuth.AuthParams = nil
	envOnly := noAuth
	envOnly.Metadata = map[string]string{"connectionFromEnv": "C", "accountName": "acct"}
	tests := []struct {
		name      string
		cfg       scalers.Config
		wantQueue string
		wantBlob  string
	}{
		{"auth wins over both", all, "auth", "auth"},
		{"without auth", noAuth, "meta", "env"},
		{"env alone", envOnly, "env", "env"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var q QueueParams
			if err := scalers.Decode(tt.cfg, &q); err != nil {
				t.Fatal(err)
			}
			var b BlobParams
			if err := scalers.Decode(tt.cfg, &b); err != nil {
				t.Fatal(err)
			}
			if q.Connection != tt.wantQueue || b.Connection != tt.wantBlob {
				t.Fatalf("azure-queue read %q, azure-blob %q; want %q and %q", q.Connection, b.Connection, tt.wantQueue, tt.wantBlob)
			}
			if q.Account != b.Account || q.AccountName != "acct" || q.Cloud != PublicCloud {
				t.Fatalf("accounts %+v and %+v, want the same, with the default cloud", q.Account, b.Account)
			}
		})
	}
}

// TestParamsResolve checks that each trigger's params resolve against its
// own service.
func TestParamsResolve(t *testing.T) {
	conn := "AccountName=acct;AccountKey=" + scalertest.StorageKey
	cfg := scalers.Config{Type: "azure-queue"}
	q, err := (&QueueParams{Connection: conn, Account: Account{Cloud: PublicCloud}}).Resolve(cfg)
	if err != nil || q.Endpoint != "https://acct.queue.core.windows.net" {
		t.Fatalf("queue: %v, %v", q, err)
	}
	b, err := (&BlobParams{Account: Account{AccountName: "acct", Cloud: PublicCloud}}).Resolve(cfg)
	if err != nil || b.Endpoint != "https://acct.blob.core.windows.net" || !b.Identity() {
		t.Fatalf("blob: %v, %v", b, err)
	}
}
