package azureservicebus

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
)

// ErrEntityNotFound is wrapped by poll errors for a queue, topic or
// subscription that does not exist.
var ErrEntityNotFound = errors.New("not found")

// ServiceError is an error response of the management API, reduced to
// what is safe to show.
type ServiceError struct {
	// Op is what was attempted, for example "get queue runtime properties".
	Op string
	// Namespace is the namespace's host.
	Namespace string
	// Entity names what was read, for example `queue "jobs"`; empty for
	// a namespace-wide listing.
	Entity string
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Credential names the credential for the hint on a refusal:
	// "shared access key" or "shared access signature".
	Credential string
}

// Error implements error.
func (e *ServiceError) Error() string {
	where := "namespace " + e.Namespace
	if e.Entity != "" {
		where = e.Entity + " in " + where
	}
	switch e.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Sprintf("%s: %s: the credential was refused (%d %s): check the %s and that its policy has Manage rights",
			e.Op, where, e.StatusCode, http.StatusText(e.StatusCode), e.Credential)
	case http.StatusNotFound:
		return fmt.Sprintf("%s: %s: %d %s: %v", e.Op, where, e.StatusCode, http.StatusText(e.StatusCode), ErrEntityNotFound)
	}
	return fmt.Sprintf("%s: %s: %d %s", e.Op, where, e.StatusCode, http.StatusText(e.StatusCode))
}

// Unwrap lets errors.Is see ErrEntityNotFound behind a 404.
func (e *ServiceError) Unwrap() error {
	if e.StatusCode == http.StatusNotFound {
		return ErrEntityNotFound
	}
	return nil
}

// sanitize turns an SDK error from op into one that is safe for logs and
// status: a service error becomes a *ServiceError (the SDK's own message
// quotes the request and response); a transport error loses the URL;
// context errors stay matchable; any secret of conn left is redacted.
func sanitize(op, entity string, err error, conn *connection) error {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		cred := "shared access key"
		if conn.SAS != "" {
			cred = "shared access signature"
		}
		return &ServiceError{Op: op, Namespace: conn.Host, Entity: entity, StatusCode: re.StatusCode, Credential: cred}
	}
	for _, ctxErr := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, ctxErr) {
			return fmt.Errorf("%s: namespace %s: %w", op, conn.Host, ctxErr)
		}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("%s: namespace %s: %s", op, conn.Host, redact(err.Error(), conn))
}

// redact replaces every secret of conn, raw and URL-escaped, in s.
func redact(s string, conn *connection) string {
	for _, secret := range []string{conn.Raw, conn.Key, conn.SAS} {
		if len(secret) < 4 {
			continue
		}
		for _, form := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret)} {
			s = strings.ReplaceAll(s, form, "[redacted]")
		}
	}
	if i := strings.Index(s, "sig="); i >= 0 {
		s = s[:i] + "sig=[redacted]"
	}
	return s
}
