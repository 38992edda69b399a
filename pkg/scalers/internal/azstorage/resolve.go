package azstorage

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// Params are the connection parameters shared by the storage triggers, as
// each trigger decodes them: Connection from TriggerAuthentication, inline
// metadata or connectionFromEnv in the trigger's KEDA order, the rest from
// metadata.
type Params struct {
	Connection     string
	AccountName    string
	Cloud          string
	EndpointSuffix string
}

// Target is where and how a trigger reaches its storage service.
type Target struct {
	// Endpoint is the service URL without a trailing slash.
	Endpoint string
	// Conn is the parsed connection string; nil for identity-based access.
	Conn *Connection
	// Warnings are remarks for the ScaledObject's status.
	Warnings []string
}

// Identity reports whether the target uses identity-based access (an
// accountName without a connection string).
func (t *Target) Identity() bool { return t.Conn == nil }

// Warning returns the target's warnings as one status remark, "" when
// there are none.
func (t *Target) Warning() string { return strings.Join(t.Warnings, "; ") }

// Open returns the client open builds for t, or identity when t uses
// identity-based access (which cannot poll yet: identity's calls fail with
// ErrIdentityUnsupported). An error from open becomes a *scalers.ParamError
// on connection; open's errors must already be sanitized.
func Open[C any](cfg scalers.Config, t *Target, identity C, open func() (C, error)) (C, error) {
	if t.Identity() {
		return identity, nil
	}
	c, err := open()
	if err != nil {
		var zero C
		return zero, scalers.ParamErrorf(cfg, "connection", "%v", err)
	}
	return c, nil
}

// CredentialHash returns a hash of the credentials (see scalers.HashSecret),
// for trigger keys and client cache keys.
func (t *Target) CredentialHash() string {
	if t.Conn == nil {
		return scalers.HashSecret("identity")
	}
	return scalers.HashSecret("connection", t.Conn.AccountName, t.Conn.AccountKey, t.Conn.SAS)
}

// Sanitize is Sanitize with the target's secrets, naming its credential in
// the hint of an authentication failure.
func (t *Target) Sanitize(op string, err error) error {
	if t.Conn == nil {
		return Sanitize(op, err)
	}
	err = Sanitize(op, err, t.Conn.AccountKey, t.Conn.SAS)
	var se *StorageError
	if errors.As(err, &se) {
		se.Credential = "shared access signature"
		if t.Conn.AccountKey != "" {
			se.Credential = "account key"
		}
	}
	return err
}

// Resolve validates p for the service svc and returns the target. A
// connection string wins over accountName. A connection string may be
// written inline in metadata (`connection:`), as KEDA accepts; when it holds
// a secret (an account key or SAS) the target carries a warning saying to
// move it to a Secret. Errors are *scalers.ParamError naming the parameter;
// they never quote a connection string.
func Resolve(cfg scalers.Config, svc Service, p Params) (*Target, error) {
	if err := checkCloud(p.Cloud); err != nil {
		return nil, scalers.ParamErrorf(cfg, "cloud", "%v", err)
	}
	inline := strings.TrimSpace(cfg.Metadata["connection"])
	if inline != "" && inline == p.Connection && !strings.Contains(inline, "=") {
		return nil, scalers.ParamErrorf(cfg, "connection",
			"in metadata want a connection string; to read it from an environment variable write connectionFromEnv instead")
	}
	var warnings []string
	if p.EndpointSuffix != "" && !strings.EqualFold(p.Cloud, PrivateCloud) {
		warnings = append(warnings, "endpointSuffix is ignored unless cloud is Private")
	}
	if p.Connection != "" {
		conn, err := ParseConnectionString(p.Connection, svc)
		if err != nil {
			return nil, scalers.ParamErrorf(cfg, "connection", "%v", err)
		}
		if inline != "" && inline == p.Connection && (conn.AccountKey != "" || conn.SAS != "") {
			warnings = append(warnings, "connection is written in plain metadata and holds a secret; give it through TriggerAuthentication or connectionFromEnv")
		}
		if conn.DevStorage {
			warnings = append(warnings, fmt.Sprintf("connection is UseDevelopmentStorage=true: it points at a local storage emulator (%s), not Azure", conn.Endpoint))
		}
		if p.AccountName != "" && conn.AccountName != "" && p.AccountName != conn.AccountName {
			warnings = append(warnings, fmt.Sprintf("accountName %q differs from the connection string's account %q; the connection string is used", p.AccountName, conn.AccountName))
		}
		return &Target{Endpoint: conn.Endpoint, Conn: conn, Warnings: warnings}, nil
	}
	if p.AccountName == "" {
		return nil, scalers.ParamErrorf(cfg, "connection",
			"%w (looked in TriggerAuthentication, connectionFromEnv; or set accountName for identity-based access)", scalers.ErrMissingParam)
	}
	ep, err := ServiceEndpoint(svc, p.AccountName, p.Cloud, p.EndpointSuffix)
	if err != nil {
		var pe *paramErr
		if errors.As(err, &pe) {
			return nil, scalers.ParamErrorf(cfg, pe.param, "%v", pe.err)
		}
		return nil, scalers.ParamErrorf(cfg, "accountName", "%v", err)
	}
	warnings = append(warnings, "identity-based access (accountName without a connection string) is not supported yet: polls fail until a connection string is given")
	return &Target{Endpoint: ep, Warnings: warnings}, nil
}

// IsDevStorage reports whether s is exactly the development storage
// connection string, UseDevelopmentStorage=true (case and a trailing ';'
// aside).
func IsDevStorage(s string) bool {
	s = strings.TrimSuffix(strings.TrimSpace(s), ";")
	k, v, ok := strings.Cut(s, "=")
	return ok && strings.EqualFold(strings.TrimSpace(k), "UseDevelopmentStorage") && strings.EqualFold(strings.TrimSpace(v), "true")
}

// checkCloud checks the cloud name alone.
func checkCloud(cloud string) error {
	_, err := ServiceEndpoint(Queue, "checkcloud", cloud, "x.example")
	var pe *paramErr
	if errors.As(err, &pe) && pe.param == "cloud" {
		return pe.err
	}
	return nil
}

// paramErr is an error about one parameter.
type paramErr struct {
	param string
	err   error
}

func (e *paramErr) Error() string { return e.param + ": " + e.err.Error() }
func (e *paramErr) Unwrap() error { return e.err }
