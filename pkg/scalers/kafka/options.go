package kafka

import (
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// unsupported are KEDA's parameters of the SASL modes Sluice does not
// implement (oauthbearer, gssapi): declared so that setting one is a clear
// error rather than an unknown key.
type unsupported struct {
	SASLTokenProvider   string `param:"saslTokenProvider,from=metadata|auth"`
	Scopes              string `param:"scopes,from=auth"`
	OAuthTokenEndpoint  string `param:"oauthTokenEndpointUri,from=auth"`
	OAuthExtensions     string `param:"oauthExtensions,from=auth"`
	Keytab              string `param:"keytab,from=auth"`
	Realm               string `param:"realm,from=auth"`
	KerberosConfig      string `param:"kerberosConfig,from=auth"`
	KerberosServiceName string `param:"kerberosServiceName,from=auth"`
	KerberosDisableFAST string `param:"kerberosDisableFAST,from=auth"`
	AWSRegion           string `param:"awsRegion,from=metadata"`
}

// check returns an error naming the first parameter set.
func (u *unsupported) check(cfg scalers.Config) error {
	for _, f := range [...]struct{ name, v string }{
		{"saslTokenProvider", u.SASLTokenProvider}, {"scopes", u.Scopes}, {"oauthTokenEndpointUri", u.OAuthTokenEndpoint},
		{"oauthExtensions", u.OAuthExtensions}, {"keytab", u.Keytab}, {"realm", u.Realm}, {"kerberosConfig", u.KerberosConfig},
		{"kerberosServiceName", u.KerberosServiceName}, {"kerberosDisableFAST", u.KerberosDisableFAST}, {"awsRegion", u.AWSRegion},
	} {
		if f.v != "" {
			return scalers.ParamErrorf(cfg, f.name, "belongs to sasl oauthbearer, gssapi or AWS MSK IAM, which sluice does not support")
		}
	}
	return nil
}

// validVersion reports whether v looks like a Kafka version as KEDA's
// client (sarama) parses it: two to four dot-separated numbers, such as
// 2.8.0 or 0.10.2.1. kafka-go negotiates protocol versions with the broker,
// so the value is checked but does not change what is sent.
func validVersion(v string) bool {
	parts := strings.Split(v, ".")
	if len(parts) < 2 || len(parts) > 4 {
		return false
	}
	for _, p := range parts {
		if _, err := strconv.ParseUint(p, 10, 16); err != nil {
			return false
		}
	}
	return true
}
