// Package azstorage holds what the Azure Storage triggers (azure-queue,
// azure-blob) share: parsing storage connection strings, building service
// endpoints for the Azure clouds, resolving the connection parameters,
// sanitizing SDK errors and a small client cache. It knows nothing about
// a particular service's API.
package azstorage

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Service is an Azure Storage service whose endpoint can be built.
type Service string

// The services the triggers use.
const (
	Queue Service = "queue"
	Blob  Service = "blob"
)

// The Azurite development account, published by Microsoft for the storage
// emulator (https://learn.microsoft.com/azure/storage/common/storage-use-azurite).
const (
	DevAccountName = "devstoreaccount1"
	DevAccountKey  = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)

// devPorts are the emulator's default ports per service.
var devPorts = map[Service]string{Blob: "10000", Queue: "10001"}

// Connection is a parsed storage connection string, resolved for one
// service.
type Connection struct {
	// Endpoint is the service URL without a trailing slash or query, for
	// example https://acct.queue.core.windows.net or
	// http://127.0.0.1:10001/devstoreaccount1.
	Endpoint string
	// AccountName is the storage account; empty only with a SAS and an
	// explicit endpoint.
	AccountName string
	// AccountKey is the base64 shared key; a secret. Empty with a SAS.
	AccountKey string
	// SAS is the shared access signature without a leading '?'; a secret.
	SAS string
	// DevStorage is set for UseDevelopmentStorage=true.
	DevStorage bool
}

// ParseConnectionString parses a storage connection string
// (`Key=Value;Key=Value`, keys case-insensitive) for the service svc. It
// understands DefaultEndpointsProtocol, AccountName, AccountKey,
// SharedAccessSignature, EndpointSuffix, BlobEndpoint, QueueEndpoint and
// UseDevelopmentStorage=true, and ignores other keys (TableEndpoint, …).
// The connection must carry a credential: AccountKey (with AccountName) or
// SharedAccessSignature. Errors never quote a value: the string holds
// secrets.
func ParseConnectionString(s string, svc Service) (*Connection, error) {
	kv, err := splitConnectionString(s)
	if err != nil {
		return nil, err
	}
	if v, ok := kv["usedevelopmentstorage"]; ok {
		if !strings.EqualFold(v, "true") {
			return nil, errors.New("UseDevelopmentStorage may only be true")
		}
		if _, ok := kv["developmentstorageproxyuri"]; ok {
			return nil, errors.New("DevelopmentStorageProxyUri is not supported")
		}
		return DevConnection("127.0.0.1", devPorts[svc]), nil
	}
	c := &Connection{AccountName: kv["accountname"], AccountKey: kv["accountkey"], SAS: strings.TrimPrefix(kv["sharedaccesssignature"], "?")}
	if c.AccountKey != "" {
		if c.AccountName == "" {
			return nil, errors.New("AccountKey without AccountName")
		}
		if _, err := base64.StdEncoding.DecodeString(c.AccountKey); err != nil {
			return nil, errors.New("AccountKey is not valid base64")
		}
	}
	if c.AccountKey == "" && c.SAS == "" {
		return nil, errors.New("neither AccountKey nor SharedAccessSignature is set")
	}
	if ep, ok := kv[string(svc)+"endpoint"]; ok {
		if c.Endpoint, err = checkEndpoint(ep); err != nil {
			return nil, fmt.Errorf("%sEndpoint: %w", serviceTitle(svc), err)
		}
		return c, nil
	}
	if c.AccountName == "" {
		return nil, fmt.Errorf("neither AccountName nor %sEndpoint is set", serviceTitle(svc))
	}
	if err := checkAccountName(c.AccountName); err != nil {
		return nil, fmt.Errorf("AccountName: %w", err)
	}
	proto := strings.ToLower(kv["defaultendpointsprotocol"])
	switch proto {
	case "":
		proto = "https"
	case "http", "https":
	default:
		return nil, errors.New("DefaultEndpointsProtocol must be http or https")
	}
	suffix := kv["endpointsuffix"]
	if suffix == "" {
		suffix = PublicCloudSuffix
	} else if err := checkHost(suffix); err != nil {
		return nil, fmt.Errorf("EndpointSuffix: %w", err)
	}
	c.Endpoint = proto + "://" + c.AccountName + "." + string(svc) + "." + suffix
	return c, nil
}

// DevConnection returns the development account's connection to the
// service listening on host:port; UseDevelopmentStorage=true means
// 127.0.0.1 and the service's default port (10000 blob, 10001 queue).
func DevConnection(host, port string) *Connection {
	return &Connection{
		Endpoint:    "http://" + host + ":" + port + "/" + DevAccountName,
		AccountName: DevAccountName,
		AccountKey:  DevAccountKey,
		DevStorage:  true,
	}
}

// splitConnectionString returns the pairs of s keyed by lower-case key.
func splitConnectionString(s string) (map[string]string, error) {
	kv := map[string]string{}
	for i, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("part %d is not Key=Value", i+1)
		}
		lk := strings.ToLower(k)
		if _, dup := kv[lk]; dup {
			return nil, fmt.Errorf("key %s is set twice", safeKey(k))
		}
		kv[lk] = strings.TrimSpace(v)
	}
	if len(kv) == 0 {
		return nil, errors.New("empty connection string")
	}
	return kv, nil
}

// safeKey returns k for messages when it looks like a key name, so that a
// secret pasted without its key is never echoed.
func safeKey(k string) string {
	if len(k) > 40 || strings.ContainsFunc(k, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z')
	}) {
		return "(not shown)"
	}
	return k
}

// checkEndpoint validates an explicit service endpoint and returns it
// without a trailing slash.
func checkEndpoint(ep string) (string, error) {
	u, err := url.Parse(ep)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", errors.New("want an absolute http or https URL")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", errors.New("want a URL without query, fragment or user info (put a SAS in SharedAccessSignature)")
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func serviceTitle(svc Service) string {
	if svc == Queue {
		return "Queue"
	}
	return "Blob"
}
