package azstorage

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// Endpoint suffixes of the Azure clouds, after "<account>.<service>.".
const (
	PublicCloudSuffix       = "core.windows.net"
	USGovernmentCloudSuffix = "core.usgovcloudapi.net"
	ChinaCloudSuffix        = "core.chinacloudapi.cn"
)

// Cloud names accepted by the cloud parameter (compared case-insensitively,
// as KEDA does).
const (
	PublicCloud       = "AzurePublicCloud"
	USGovernmentCloud = "AzureUSGovernmentCloud"
	ChinaCloud        = "AzureChinaCloud"
	PrivateCloud      = "Private"
)

// ServiceEndpoint returns https://<account>.<host suffix> for identity-based
// access. For the named clouds the host suffix is "<svc>.<cloud suffix>";
// for Private it is endpointSuffix as written, which must then be set and
// include the service label, as KEDA expects (for example
// queue.core.airgap.example). Errors name the parameter at fault (accountName, cloud or
// endpointSuffix) and what is wrong.
func ServiceEndpoint(svc Service, account, cloud, endpointSuffix string) (string, error) {
	if err := checkAccountName(account); err != nil {
		return "", &paramErr{"accountName", err}
	}
	var host string
	switch {
	case strings.EqualFold(cloud, PublicCloud):
		host = string(svc) + "." + PublicCloudSuffix
	case strings.EqualFold(cloud, USGovernmentCloud):
		host = string(svc) + "." + USGovernmentCloudSuffix
	case strings.EqualFold(cloud, ChinaCloud):
		host = string(svc) + "." + ChinaCloudSuffix
	case strings.EqualFold(cloud, "AzureGermanCloud"):
		return "", &paramErr{"cloud", errors.New("AzureGermanCloud was closed in 2021; use AzurePublicCloud")}
	case strings.EqualFold(cloud, PrivateCloud):
		if endpointSuffix == "" {
			return "", &paramErr{"endpointSuffix", fmt.Errorf("%w when cloud is Private (for example %s.core.example.com)", scalers.ErrMissingParam, svc)}
		}
		if err := checkHost(endpointSuffix); err != nil {
			return "", &paramErr{"endpointSuffix", err}
		}
		host = endpointSuffix
	default:
		return "", &paramErr{"cloud", fmt.Errorf("want one of %s, %s, %s or %s, got %q", PublicCloud, USGovernmentCloud, ChinaCloud, PrivateCloud, cloud)}
	}
	return "https://" + account + "." + host, nil
}

// checkAccountName checks Azure's rule for storage account names: 3 to 24
// lower-case letters and digits.
func checkAccountName(name string) error {
	if len(name) < 3 || len(name) > 24 || strings.ContainsFunc(name, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9')
	}) {
		return fmt.Errorf("want 3 to 24 lower-case letters and digits, got %q", name)
	}
	return nil
}

// checkHost checks that s is a DNS name: dot-separated labels of letters,
// digits and hyphens, with no scheme, port or path.
func checkHost(s string) error {
	if len(s) > 253 {
		return errors.New("want a host name suffix, got more than 253 characters")
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' ||
			strings.ContainsFunc(label, func(r rune) bool {
				return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '-'
			}) {
			return fmt.Errorf("want a host name suffix such as core.example.com (no scheme or path), got %q", s)
		}
	}
	return nil
}
