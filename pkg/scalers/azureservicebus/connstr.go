package azureservicebus

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// connection is a parsed Service Bus connection string. Key and SAS are
// secrets; Raw, the string as given, holds them too.
type connection struct {
	// Raw is the connection string as given, handed to the SDK.
	Raw string
	// Host is the namespace's host[:port], for example
	// contoso.servicebus.windows.net or localhost:5672.
	Host string
	// KeyName and Key are the shared access key; empty with a SAS.
	KeyName, Key string
	// SAS is a ready-made Shared Access Signature token.
	SAS string
	// EntityPath is set for an entity-level connection string.
	EntityPath string
	// Emulator is UseDevelopmentEmulator=true.
	Emulator bool
}

// local reports whether the connection points at this machine: the
// development emulator, localhost or a loopback address.
func (c *connection) local() bool {
	if c.Emulator {
		return true
	}
	host := c.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// parseConnection parses a Service Bus connection string
// (`Key=Value;…`, keys case-insensitive): Endpoint=sb://<host>[:port][/]
// and either SharedAccessKeyName with SharedAccessKey or
// SharedAccessSignature; EntityPath, UseDevelopmentEmulator and
// TransportType are optional, other keys rejected. Errors never quote a value.
func parseConnection(s string) (*connection, error) {
	c := &connection{Raw: s}
	seen := map[string]bool{}
	for i, part := range strings.Split(s, ";") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" {
			return nil, fmt.Errorf("part %d is not Key=Value", i+1)
		}
		lk := strings.ToLower(k)
		if seen[lk] {
			return nil, fmt.Errorf("key %s is set twice", safeKey(k))
		}
		seen[lk] = true
		switch lk {
		case "endpoint":
			host, err := endpointHost(v)
			if err != nil {
				return nil, err
			}
			c.Host = host
		case "sharedaccesskeyname":
			c.KeyName = v
		case "sharedaccesskey":
			c.Key = v
		case "sharedaccesssignature":
			c.SAS = v
		case "transporttype":
			// A client setting (Amqp or AmqpWebSockets); management is HTTPS.
		case "entitypath":
			c.EntityPath = v
		case "usedevelopmentemulator":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return nil, errors.New("UseDevelopmentEmulator must be true or false")
			}
			c.Emulator = b
		default:
			return nil, fmt.Errorf("unknown key %s (want Endpoint, SharedAccessKeyName, SharedAccessKey, SharedAccessSignature, EntityPath, UseDevelopmentEmulator, TransportType)", safeKey(k))
		}
	}
	switch {
	case c.Host == "":
		return nil, errors.New("key Endpoint is not set (want Endpoint=sb://<namespace>.servicebus.windows.net/)")
	case c.SAS != "" && (c.Key != "" || c.KeyName != ""):
		return nil, errors.New("both SharedAccessSignature and SharedAccessKey(Name) are set; give one")
	case c.SAS == "" && (c.Key == "" || c.KeyName == ""):
		return nil, errors.New("want SharedAccessKeyName with SharedAccessKey, or SharedAccessSignature")
	case c.SAS != "" && !strings.HasPrefix(c.SAS, "SharedAccessSignature "):
		return nil, errors.New("SharedAccessSignature must start with \"SharedAccessSignature sr=\"")
	}
	return c, nil
}

// endpointHost returns the host[:port] of an sb:// endpoint.
func endpointHost(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.Trim(u.Path, "/") != "" {
		return "", errors.New("key Endpoint must be sb://<host>[:port]/ without path, query or user info")
	}
	if !strings.EqualFold(u.Scheme, "sb") {
		return "", errors.New("key Endpoint must use the sb:// scheme")
	}
	return u.Host, nil
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
