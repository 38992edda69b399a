package azstorage

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/scalertest"
)

func TestResolve(t *testing.T) {
	conn := "AccountName=acct;AccountKey=" + scalertest.StorageKey
	tests := []struct {
		name         string
		meta         map[string]string
		p            Params
		wantEndpoint string
		wantIdentity bool
		wantWarning  string
		wantParam    string
		wantErr      string
	}{
		{name: "connection", p: Params{Connection: conn, Cloud: PublicCloud},
			wantEndpoint: "https://acct.queue.core.windows.net"},
		{name: "connection wins over accountName", p: Params{Connection: conn, AccountName: "other", Cloud: PublicCloud},
			wantEndpoint: "https://acct.queue.core.windows.net", wantWarning: `accountName "other" differs`},
		{name: "development storage inline", meta: map[string]string{"connection": "UseDevelopmentStorage=true"}, p: Params{Connection: "UseDevelopmentStorage=true", Cloud: PublicCloud},
			wantEndpoint: "http://127.0.0.1:10001/devstoreaccount1", wantWarning: "local storage emulator"},
		{name: "env wins over inline development storage", meta: map[string]string{"connection": "UseDevelopmentStorage=true"}, p: Params{Connection: conn, Cloud: PublicCloud},
			wantEndpoint: "https://acct.queue.core.windows.net"},
		{name: "inline connection string accepted with a warning, as KEDA accepts it", meta: map[string]string{"connection": conn}, p: Params{Connection: conn, Cloud: PublicCloud},
			wantEndpoint: "https://acct.queue.core.windows.net", wantWarning: "written in plain metadata and holds a secret"},
		{name: "inline env var name", meta: map[string]string{"connection": "AzureWebJobsStorage"}, p: Params{Connection: "AzureWebJobsStorage", Cloud: PublicCloud},
			wantParam: "connection", wantErr: "write connectionFromEnv instead"},
		{name: "identity", p: Params{AccountName: "acct", Cloud: "AzureUSGovernmentCloud"},
			wantEndpoint: "https://acct.queue.core.usgovcloudapi.net", wantIdentity: true, wantWarning: "not supported yet"},
		{name: "identity private", p: Params{AccountName: "acct", Cloud: "private", EndpointSuffix: "queue.airgap.example"},
			wantEndpoint: "https://acct.queue.airgap.example", wantIdentity: true},
		{name: "endpointSuffix without Private", p: Params{AccountName: "acct", Cloud: PublicCloud, EndpointSuffix: "x.example"},
			wantEndpoint: "https://acct.queue.core.windows.net", wantIdentity: true, wantWarning: "endpointSuffix is ignored"},
		{name: "nothing", p: Params{Cloud: PublicCloud}, wantParam: "connection", wantErr: "required but not set"},
		{name: "bad connection", p: Params{Connection: "AccountName=acct", Cloud: PublicCloud}, wantParam: "connection", wantErr: "neither AccountKey"},
		{name: "bad cloud with connection", p: Params{Connection: conn, Cloud: "Mars"}, wantParam: "cloud", wantErr: "want one of"},
		{name: "private without suffix", p: Params{AccountName: "acct", Cloud: PrivateCloud}, wantParam: "endpointSuffix", wantErr: "required but not set"},
		{name: "bad account", p: Params{AccountName: "A!", Cloud: PublicCloud}, wantParam: "accountName", wantErr: "want 3 to 24"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := scalers.Config{Index: 2, Type: "azure-queue", Metadata: tt.meta}
			got, err := Resolve(cfg, Queue, tt.p)
			if tt.wantErr != "" {
				scalertest.ParamErr{Trigger: "trigger 2 (azure-queue)", Param: tt.wantParam, Contains: tt.wantErr, Secrets: []string{scalertest.StorageKey}}.Check(t, err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Endpoint != tt.wantEndpoint || got.Identity() != tt.wantIdentity {
				t.Fatalf("got %s identity=%v, want %s identity=%v", got.Endpoint, got.Identity(), tt.wantEndpoint, tt.wantIdentity)
			}
			w := strings.Join(got.Warnings, "; ")
			switch {
			case tt.wantWarning != "" && !strings.Contains(w, tt.wantWarning):
				t.Fatalf("warnings %q, want %q", w, tt.wantWarning)
			case tt.wantWarning == "" && !tt.wantIdentity && w != "":
				t.Fatalf("warnings %q, want none", w)
			}
		})
	}
}

func TestCredentialHash(t *testing.T) {
	mk := func(key, sas string) *Target {
		return &Target{Conn: &Connection{AccountName: "acct", AccountKey: key, SAS: sas}}
	}
	a, b := mk(scalertest.StorageKey, "").CredentialHash(), mk("b3RoZXI=", "").CredentialHash()
	if a == b || a != mk(scalertest.StorageKey, "").CredentialHash() {
		t.Fatal("hash does not follow the key")
	}
	if mk("", "sig=1").CredentialHash() == mk("", "sig=2").CredentialHash() {
		t.Fatal("hash does not follow the SAS")
	}
	if strings.Contains(a, scalertest.StorageKey) || (&Target{}).CredentialHash() == a {
		t.Fatal("hash shows the key or equals identity's")
	}
}

func TestIsDevStorage(t *testing.T) {
	for s, want := range map[string]bool{
		"UseDevelopmentStorage=true": true, " usedevelopmentstorage = TRUE ; ": true,
		"UseDevelopmentStorage=false": false, "UseDevelopmentStorage=true;AccountName=x": false, "": false,
	} {
		if IsDevStorage(s) != want {
			t.Errorf("IsDevStorage(%q) != %v", s, want)
		}
	}
}
