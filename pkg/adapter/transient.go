package adapter

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// transientError marks a failure to read a trigger's configuration that
// says nothing about the configuration: a timeout, a 5xx, a conflict, too
// many requests, a broken connection. The trigger keeps its last good
// build and the read is retried with backoff.
type transientError struct{ err error }

func (e *transientError) Error() string { return e.err.Error() }
func (e *transientError) Unwrap() error { return e.err }

// classify returns err marked transient when isTransient says so, else err
// unchanged: a definite configuration error.
func classify(err error) error {
	if err == nil || !isTransient(err) {
		return err
	}
	return &transientError{err: err}
}

// isTransient reports whether err is a failure of the read rather than an
// answer about the configuration. A missing object or key, a validation
// error, a forbidden read or an unknown kind are definite.
func isTransient(err error) bool {
	var st apierrors.APIStatus
	if errors.As(err, &st) {
		switch code := st.Status().Code; {
		case code == http.StatusTooManyRequests, code == http.StatusConflict, code >= 500:
			return true
		}
		return apierrors.IsTimeout(err) || apierrors.IsServerTimeout(err)
	}
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET)
}

// isTransientErr reports whether err was marked by classify.
func isTransientErr(err error) bool {
	var t *transientError
	return errors.As(err, &t)
}
