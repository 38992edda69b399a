package azstorage

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers/internal/scalertest"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/testerr"
)

func TestParseConnectionString(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		svc     Service
		want    Connection
		wantErr string
	}{
		{"account key, default protocol and suffix", "AccountName=acct;AccountKey=" + scalertest.StorageKey, Queue,
			Connection{Endpoint: "https://acct.queue.core.windows.net", AccountName: "acct", AccountKey: scalertest.StorageKey}, ""},
		{"blob endpoint built", "DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=" + scalertest.StorageKey + ";EndpointSuffix=core.chinacloudapi.cn;", Blob,
			Connection{Endpoint: "http://acct.blob.core.chinacloudapi.cn", AccountName: "acct", AccountKey: scalertest.StorageKey}, ""},
		{"keys case-insensitive, spaces trimmed", " accountname = acct ; ACCOUNTKEY=" + scalertest.StorageKey + " ;", Queue,
			Connection{Endpoint: "https://acct.queue.core.windows.net", AccountName: "acct", AccountKey: scalertest.StorageKey}, ""},
		{"explicit endpoint wins", "AccountName=devstoreaccount1;AccountKey=" + scalertest.StorageKey + ";QueueEndpoint=http://127.0.0.1:9/devstoreaccount1/;BlobEndpoint=http://127.0.0.1:8/x", Queue,
			Connection{Endpoint: "http://127.0.0.1:9/devstoreaccount1", AccountName: "devstoreaccount1", AccountKey: scalertest.StorageKey}, ""},
		{"SAS with endpoint", "BlobEndpoint=https://acct.blob.core.windows.net;SharedAccessSignature=?sv=2022&sig=abc", Blob,
			Connection{Endpoint: "https://acct.blob.core.windows.net", SAS: "sv=2022&sig=abc"}, ""},
		{"development storage queue", "UseDevelopmentStorage=true", Queue,
			Connection{Endpoint: "http://127.0.0.1:10001/devstoreaccount1", AccountName: DevAccountName, AccountKey: DevAccountKey, DevStorage: true}, ""},
		{"development storage blob", "usedevelopmentstorage=TRUE;", Blob,
			Connection{Endpoint: "http://127.0.0.1:10000/devstoreaccount1", AccountName: DevAccountName, AccountKey: DevAccountKey, DevStorage: true}, ""},
		{"development storage false", "UseDevelopmentStorage=false", Queue, Connection{}, "UseDevelopmentStorage may only be true"},
		{"proxy uri", "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://x", Queue, Connection{}, "DevelopmentStorageProxyUri is not supported"},
		{"empty", " ; ", Queue, Connection{}, "empty connection string"},
		{"not key value", "AccountName=acct;c2VjcmV0", Queue, Connection{}, "part 2 is not Key=Value"},
		{"duplicate", "AccountName=a;accountname=b", Queue, Connection{}, "key accountname is set twice"},
		{"no credential", "AccountName=acct", Queue, Connection{}, "neither AccountKey nor SharedAccessSignature is set"},
		{"key without account", "AccountKey=" + scalertest.StorageKey, Queue, Connection{}, "AccountKey without AccountName"},
		{"key not base64", "AccountName=acct;AccountKey=not*base64", Queue, Connection{}, "AccountKey is not valid base64"},
		{"SAS without account or endpoint", "SharedAccessSignature=sig=x", Queue, Connection{}, "neither AccountName nor QueueEndpoint is set"},
		{"bad protocol", "DefaultEndpointsProtocol=ftp;AccountName=acct;AccountKey=" + scalertest.StorageKey, Queue, Connection{}, "DefaultEndpointsProtocol must be http or https"},
		{"bad account name", "AccountName=Bad_Name;AccountKey=" + scalertest.StorageKey, Queue, Connection{}, "AccountName: want 3 to 24"},
		{"bad suffix", "AccountName=acct;AccountKey=" + scalertest.StorageKey + ";EndpointSuffix=https://x/", Queue, Connection{}, "EndpointSuffix: want a host name suffix"},
		{"endpoint with query", "AccountName=acct;AccountKey=" + scalertest.StorageKey + ";QueueEndpoint=https://x/?sig=1", Queue, Connection{}, "QueueEndpoint: want a URL without query"},
		{"endpoint relative", "AccountName=acct;AccountKey=" + scalertest.StorageKey + ";BlobEndpoint=/x", Blob, Connection{}, "BlobEndpoint: want an absolute http or https URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseConnectionString(tt.in, tt.svc)
			if testerr.Want(t, "ParseConnectionString()", err, tt.wantErr, scalertest.StorageKey) {
				return
			}
			if *got != tt.want {
				t.Fatalf("got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func FuzzParseConnectionString(f *testing.F) {
	for _, s := range []string{
		"AccountName=acct;AccountKey=" + scalertest.StorageKey,
		"UseDevelopmentStorage=true",
		"BlobEndpoint=https://x;QueueEndpoint=http://127.0.0.1:1/a;SharedAccessSignature=sv=1&sig=2",
		"DefaultEndpointsProtocol=http;AccountName=a;AccountKey=;EndpointSuffix=a..b",
		";;=;", "AccountKey=" + scalertest.StorageKey,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, svc := range []Service{Queue, Blob} {
			c, err := ParseConnectionString(s, svc)
			if err != nil {
				// No secret of the input may show in the error.
				for part := range strings.SplitSeq(s, ";") {
					k, v, ok := strings.Cut(part, "=")
					k = strings.ToLower(strings.TrimSpace(k))
					secret := k == "accountkey" || k == "sharedaccesssignature"
					if v = strings.TrimSpace(v); ok && secret && len(v) >= 8 && strings.Contains(err.Error(), v) {
						t.Fatalf("error %q shows the value %q", err, v)
					}
				}
				continue
			}
			if c.Endpoint == "" || strings.HasSuffix(c.Endpoint, "/") || strings.Contains(c.Endpoint, "?") {
				t.Fatalf("endpoint %q: want a URL without trailing slash or query", c.Endpoint)
			}
			if c.AccountKey == "" && c.SAS == "" {
				t.Fatalf("%q parsed without a credential", s)
			}
		}
	})
}

func TestServiceEndpoint(t *testing.T) {
	tests := []struct {
		svc                    Service
		account, cloud, suffix string
		want, wantErr          string
	}{
		{Queue, "acct", "AzurePublicCloud", "", "https://acct.queue.core.windows.net", ""},
		{Blob, "acct", "azurepubliccloud", "", "https://acct.blob.core.windows.net", ""},
		{Queue, "acct", "AzureUSGovernmentCloud", "", "https://acct.queue.core.usgovcloudapi.net", ""},
		{Blob, "acct", "AzureChinaCloud", "", "https://acct.blob.core.chinacloudapi.cn", ""},
		{Queue, "acct", "Private", "queue.core.airgap.example", "https://acct.queue.core.airgap.example", ""},
		{Queue, "acct", "Private", "", "", "endpointSuffix: required but not set when cloud is Private"},
		{Queue, "acct", "Private", "https://x.example/", "", "endpointSuffix: want a host name suffix"},
		{Queue, "acct", "Private", "a..b", "", "endpointSuffix: want a host name suffix"},
		{Queue, "acct", "AzureGermanCloud", "", "", "cloud: AzureGermanCloud was closed in 2021"},
		{Queue, "acct", "Mars", "", "", `cloud: want one of AzurePublicCloud, AzureUSGovernmentCloud, AzureChinaCloud or Private, got "Mars"`},
		{Queue, "Acct", "AzurePublicCloud", "", "", "accountName: want 3 to 24 lower-case letters and digits"},
		{Queue, "ab", "AzurePublicCloud", "", "", "accountName: want 3 to 24"},
	}
	for _, tt := range tests {
		t.Run(tt.cloud+"/"+tt.account+"/"+tt.suffix, func(t *testing.T) {
			got, err := ServiceEndpoint(tt.svc, tt.account, tt.cloud, tt.suffix)
			if testerr.Want(t, "ServiceEndpoint()", err, tt.wantErr) {
				return
			}
			if got != tt.want {
				t.Fatalf("ServiceEndpoint() = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestCheckName(t *testing.T) {
	for name, ok := range map[string]bool{
		"abc": true, "a-b-c": true, "q1": false, "-ab": false, "ab-": false, "a--b": false,
		"Abc": false, "a_b": false, strings.Repeat("a", 63): true, strings.Repeat("a", 64): false,
		"$logs": true, "$other": false,
	} {
		if err := CheckName("container", name, true); (err == nil) != ok {
			t.Errorf("CheckName(%q) = %v, want ok=%v", name, err, ok)
		}
	}
	if CheckName("queue", "$root", false) == nil {
		t.Error("$root accepted as a queue name")
	}
}
