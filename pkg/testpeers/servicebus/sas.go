package servicebus

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// sasPrefix starts a Shared Access Signature token in the Authorization
// header.
const sasPrefix = "SharedAccessSignature "

// Reasons a token is refused; they become the Detail of a 401. None quotes
// the token.
var (
	errNoToken       = errors.New("MissingToken: the request has no SharedAccessSignature authorization header")
	errMalformed     = errors.New("MalformedToken: the SharedAccessSignature token lacks sr, sig, se or skn")
	errUnknownKey    = errors.New("InvalidSignature: the token names an unknown shared access key")
	errExpired       = errors.New("ExpiredToken: the token's expiry (se) has passed")
	errBadSignature  = errors.New("InvalidSignature: the token has an invalid signature")
	errWrongResource = errors.New("InvalidAudience: the token's resource (sr) does not cover the requested entity")
)

// checkSAS validates a Shared Access Signature as Service Bus documents it
// ("Service Bus access control with Shared Access Signatures", section
// "Generate a Shared Access Signature token"): the token is
// `SharedAccessSignature sr=<url-encoded resource URI>&sig=<url-encoded
// base64 HMAC-SHA256>&se=<expiry, seconds since the epoch>&skn=<key name>`,
// and the signature is the HMAC-SHA256, with the key, of the url-encoded
// resource URI as it appears in sr, a line feed and the expiry. A token for
// a resource URI is valid for every entity under it, so sr must name the
// requested host and a prefix, by whole path segments, of the requested
// path (the scheme and any query in sr are not compared).
func checkSAS(header, keyName, key, host, path string, now time.Time) error {
	token, ok := strings.CutPrefix(header, sasPrefix)
	if !ok {
		return errNoToken
	}
	fields := map[string]string{}
	for part := range strings.SplitSeq(token, "&") {
		k, v, _ := strings.Cut(part, "=")
		fields[k] = v
	}
	sr, sig, se, skn := fields["sr"], fields["sig"], fields["se"], fields["skn"]
	if sr == "" || sig == "" || se == "" || skn == "" {
		return errMalformed
	}
	if skn != keyName {
		return errUnknownKey
	}
	expiry, err := strconv.ParseInt(se, 10, 64)
	if err != nil {
		return errMalformed
	}
	if !now.Before(time.Unix(expiry, 0)) {
		return errExpired
	}
	got, err := url.QueryUnescape(sig)
	if err != nil {
		return errMalformed
	}
	gotMAC, err := base64.StdEncoding.DecodeString(got)
	if err != nil {
		return errBadSignature
	}
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(sr + "\n" + se))
	if !hmac.Equal(gotMAC, mac.Sum(nil)) {
		return errBadSignature
	}
	if !covers(sr, host, path) {
		return errWrongResource
	}
	return nil
}

// covers reports whether the url-encoded resource URI sr covers the
// entity at host and path.
func covers(sr, host, path string) bool {
	raw, err := url.QueryUnescape(sr)
	if err != nil {
		return false
	}
	if !strings.Contains(raw, "://") {
		raw = "sb://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || !strings.EqualFold(u.Host, host) {
		return false
	}
	scope := strings.ToLower(strings.Trim(u.Path, "/"))
	want := strings.ToLower(strings.Trim(path, "/"))
	return scope == "" || want == scope || strings.HasPrefix(want, scope+"/")
}
