package azstorage

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
)

// ErrIdentityUnsupported is returned by polls of a trigger configured for
// identity-based access, which Sluice cannot do yet.
var ErrIdentityUnsupported = errors.New("identity-based access (accountName without a connection string) is not supported yet: give a connection string through connectionFromEnv or TriggerAuthentication")

// StorageError is a storage service's error response, reduced to what is
// safe to show: the operation, the HTTP status and the storage error code.
type StorageError struct {
	// Op is what was attempted, for example "get queue properties".
	Op string
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Code is the x-ms-error-code, for example QueueNotFound; may be empty.
	Code string
	// Credential names the credential used, for the hint on an
	// authentication failure: "account key" or "shared access signature".
	// Empty names both.
	Credential string
}

// Error implements error: "<op>: <status> <code>", or for a rejected
// credential "<op>: authentication failed (<status> <code>): check the
// <credential>".
func (e *StorageError) Error() string {
	code := e.Code
	if code == "" {
		code = "(no error code)"
	}
	if e.AuthFailure() {
		cred := e.Credential
		if cred == "" {
			cred = "account key or shared access signature"
		}
		return fmt.Sprintf("%s: authentication failed (%d %s): check the %s", e.Op, e.StatusCode, code, cred)
	}
	return fmt.Sprintf("%s: %d %s", e.Op, e.StatusCode, code)
}

// AuthFailure reports whether the service rejected the credential.
func (e *StorageError) AuthFailure() bool {
	switch e.Code {
	case "AuthenticationFailed", "AuthorizationFailure", "InvalidAuthenticationInfo", "NoAuthenticationInformation":
		return true
	}
	return e.StatusCode == 401 || (e.StatusCode == 403 && e.Code == "")
}

// Sanitize turns an SDK error from op into one that is safe for logs and
// status: a service error becomes a *StorageError (the SDK's own message
// quotes the request URL, which may carry a SAS); a transport error loses
// the URL; context errors stay matchable with errors.Is. Any of secrets
// that still shows up is redacted. Sanitize(op, nil) is nil.
func Sanitize(op string, err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return &StorageError{Op: op, StatusCode: re.StatusCode, Code: re.ErrorCode}
	}
	for _, ctxErr := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, ctxErr) {
			return fmt.Errorf("%s: %w", op, ctxErr)
		}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	msg := err.Error()
	if clean := sigValue.ReplaceAllString(redact(msg, secrets), "${1}[redacted]"); clean != msg {
		return fmt.Errorf("%s: %s", op, clean)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// sigValue matches the signature of a SAS in any letter case, raw or
// URL-escaped after the "=", up to the next parameter, space or quote.
var sigValue = regexp.MustCompile(`(?i)((?:^|[^a-z0-9%]|%3F|%26)sig(?:=|%3D))[^&\s"'#<>]*`)

// redact replaces each secret of useful length, raw and URL-escaped, in s.
func redact(s string, secrets []string) string {
	for _, secret := range secrets {
		if len(secret) < 4 {
			continue
		}
		for _, form := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret)} {
			s = strings.ReplaceAll(s, form, "[redacted]")
		}
	}
	return s
}
