package azureservicebus

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Endpoint suffixes of the Azure clouds for Service Bus namespaces.
const (
	publicSuffix = "servicebus.windows.net"
	usGovSuffix  = "servicebus.usgovcloudapi.net"
	chinaSuffix  = "servicebus.chinacloudapi.cn"
)

// namespaceSuffix returns the host suffix of namespaces in cloud, as KEDA
// names clouds (compared case-insensitively); Private takes
// endpointSuffix, which must then be set.
func namespaceSuffix(cloud, endpointSuffix string) (suffix, param string, err error) {
	switch {
	case strings.EqualFold(cloud, "AzurePublicCloud"):
		return publicSuffix, "", nil
	case strings.EqualFold(cloud, "AzureUSGovernmentCloud"):
		return usGovSuffix, "", nil
	case strings.EqualFold(cloud, "AzureChinaCloud"):
		return chinaSuffix, "", nil
	case strings.EqualFold(cloud, "AzureGermanCloud"):
		return "", "cloud", errors.New("AzureGermanCloud was closed in 2021; use AzurePublicCloud")
	case strings.EqualFold(cloud, "Private"):
		if endpointSuffix == "" {
			return "", "endpointSuffix", errors.New("required but not set when cloud is Private (for example servicebus.airgap.example)")
		}
		if !hostRE.MatchString(endpointSuffix) {
			return "", "endpointSuffix", fmt.Errorf("want a host name suffix such as servicebus.airgap.example (no scheme, port or path), got %q", endpointSuffix)
		}
		return strings.ToLower(endpointSuffix), "", nil
	}
	return "", "cloud", fmt.Errorf("want one of AzurePublicCloud, AzureUSGovernmentCloud, AzureChinaCloud or Private, got %q", cloud)
}

var (
	hostRE      = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$`)
	namespaceRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9]$`)
	entityRE    = regexp.MustCompile(`^[A-Za-z0-9._\-/~]+$`)
)

// checkNamespace checks Azure's rule for namespace names: 6 to 50
// letters, digits and hyphens, starting with a letter and ending with a
// letter or digit.
func checkNamespace(ns string) error {
	if !namespaceRE.MatchString(ns) {
		return fmt.Errorf("want 6 to 50 letters, digits and hyphens starting with a letter and ending with a letter or digit, got %q", ns)
	}
	return nil
}

// checkEntity checks a queue, topic or subscription name: letters,
// digits, '.', '-', '_', '~' and, except in subscription names, '/'
// between segments; at most max characters.
func checkEntity(kind, name string, max int, slash bool) error {
	bad := len(name) > max || !entityRE.MatchString(name) ||
		strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") || strings.Contains(name, "//") ||
		(!slash && strings.Contains(name, "/"))
	for seg := range strings.SplitSeq(name, "/") {
		bad = bad || seg == "." || seg == ".."
	}
	if bad {
		what := "letters, digits, '.', '-', '_', '~'"
		if slash {
			what += " and '/' between segments"
		}
		return fmt.Errorf("want a %s name of at most %d %s, got %q", kind, max, what, name)
	}
	return nil
}

// compileName compiles a useRegex name: it must match the whole entity
// name, as KEDA's check that the longest match equals the name does.
func compileName(expr string) (*regexp.Regexp, error) {
	if len(expr) > 1024 {
		return nil, errors.New("want a regular expression of at most 1024 characters")
	}
	re, err := regexp.Compile(`^(?:` + expr + `)$`)
	if err != nil {
		return nil, fmt.Errorf("want a regular expression (Go RE2 syntax): %w", err)
	}
	return re, nil
}
