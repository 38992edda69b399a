package rabbitmq

import (
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// target is a resolved trigger: where to connect, as whom, and what to read.
type target struct {
	protocol string // protoAMQP or protoHTTP
	scheme   string // amqp, amqps, http, https
	addr     string // host:port
	prefix   string // http: the escaped path before the vhost, "" or "/p"
	vhost    string // the vhost's name, unescaped; "/" for the default

	user, pass string // explicit or from the host URL
	hasUser    bool   // whether any credentials were given
	secretHash string // scalers.HashSecret of credentials and TLS material
	tlsDesc    string // the non-secret TLS settings, for the keys

	queue          string
	useRegex       bool
	operation      string
	pageSize       int64
	mode           string
	value          float64
	activation     float64
	excludeUnacked bool
	timeout        time.Duration // 0: none beyond the poll's
}

// tlsScheme is set on a target whose scheme is amqps or https.
func (t *target) tlsScheme() bool { return t.scheme == "amqps" || t.scheme == "https" }

// connKey identifies the connection: protocol, address, path prefix, the
// vhost over AMQP (a connection is bound to one), TLS settings and the
// hash of the credentials and TLS material.
func (t *target) connKey() string {
	k := t.protocol + " " + t.scheme + "://" + t.addr + t.prefix
	if t.protocol == protoAMQP {
		k += " vhost=" + t.vhost
	}
	return k + " " + t.tlsDesc + " secret=" + t.secretHash
}

// redacted returns the host URL for messages, the password replaced.
func (t *target) redacted() string {
	u := url.URL{Scheme: t.scheme, Host: t.addr, Path: t.prefix + "/" + t.vhost}
	u.RawPath = t.prefix + "/" + url.PathEscape(t.vhost)
	if t.user != "" || t.pass != "" {
		u.User = url.UserPassword(t.user, "xxxxx")
	}
	return u.Redacted()
}

// resolve checks the parameters together and resolves the host.
func resolve(cfg scalers.Config, p *params) (*target, error) {
	u, err := url.Parse(p.Host)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error's message holds the whole URL, password included
		}
		return nil, scalers.ParamErrorf(cfg, "host", "not a URL: %v", err)
	}
	t := &target{scheme: strings.ToLower(u.Scheme), queue: p.QueueName, useRegex: p.UseRegex,
		operation: p.Operation, pageSize: p.PageSize, excludeUnacked: p.ExcludeUnacknowledged,
		activation: p.ActivationValue}
	if err := t.setProtocol(cfg, p.Protocol, u); err != nil {
		return nil, err
	}
	if err := t.setAddress(cfg, p, u); err != nil {
		return nil, err
	}
	if err := t.setCredentials(cfg, p, u); err != nil {
		return nil, err
	}
	if err := t.setMode(cfg, p); err != nil {
		return nil, err
	}
	if err := t.setTimeout(cfg, p.Timeout); err != nil {
		return nil, err
	}
	return t, t.checkHTTPOnly(cfg, p)
}

// setProtocol picks the protocol from the parameter or the host's scheme
// and checks that they agree.
func (t *target) setProtocol(cfg scalers.Config, protocol string, u *url.URL) error {
	var fromScheme string
	switch t.scheme {
	case "amqp", "amqps":
		fromScheme = protoAMQP
	case "http", "https":
		fromScheme = protoHTTP
	default:
		return scalers.ParamErrorf(cfg, "host", "want an amqp://, amqps://, http:// or https:// URL, got scheme %q", u.Scheme)
	}
	if protocol != protoAuto && protocol != fromScheme {
		return scalers.ParamErrorf(cfg, "protocol", "%s does not fit a host with scheme %s://", protocol, t.scheme)
	}
	if u.Host == "" || u.Hostname() == "" {
		return scalers.ParamErrorf(cfg, "host", "the URL names no host")
	}
	t.protocol = fromScheme
	return nil
}

// setAddress resolves the address, the path prefix and the vhost.
func (t *target) setAddress(cfg scalers.Config, p *params, u *url.URL) error {
	port := u.Port()
	if port == "" {
		port = map[string]string{"amqp": "5672", "amqps": "5671", "http": "80", "https": "443"}[t.scheme]
	} else if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return scalers.ParamErrorf(cfg, "host", "want a port from 1 to 65535, got %q", port)
	}
	t.addr = net.JoinHostPort(u.Hostname(), port)
	if t.protocol == protoAMQP {
		uri, err := amqp.ParseURI(p.Host)
		if err != nil {
			return scalers.ParamErrorf(cfg, "host", "not an AMQP URI: %v", err)
		}
		t.vhost = uri.Vhost
	} else {
		// KEDA's reading: the last path segment is the vhost, what
		// precedes it a path prefix (a reverse proxy's, say).
		raw := u.EscapedPath()
		i := strings.LastIndexByte(raw, '/')
		if i >= 0 {
			t.prefix = strings.TrimRight(raw[:i], "/")
			raw = raw[i+1:]
		}
		v, err := url.PathUnescape(raw)
		if err != nil {
			return scalers.ParamErrorf(cfg, "host", "vhost in the path: %v", err)
		}
		t.vhost = v
	}
	if p.VhostName != "" {
		t.vhost = p.VhostName
	}
	if t.vhost == "" {
		t.vhost = "/" // RabbitMQ has no vhost named ""; KEDA's http reading also means "/".
	}
	return nil
}

// setCredentials takes username and password from the parameters, which
// override the host's, and hashes them with the TLS material.
func (t *target) setCredentials(cfg scalers.Config, p *params, u *url.URL) error {
	switch {
	case p.Username != "" && p.Password == "":
		return scalers.ParamErrorf(cfg, "password", "%w: username is set, so password must be too", scalers.ErrMissingParam)
	case p.Username == "" && p.Password != "":
		return scalers.ParamErrorf(cfg, "username", "%w: password is set, so username must be too", scalers.ErrMissingParam)
	case p.Username != "":
		t.user, t.pass, t.hasUser = p.Username, p.Password, true
	case u.User != nil:
		t.user = u.User.Username()
		t.pass, _ = u.User.Password()
		t.hasUser = true
	}
	t.secretHash = scalers.HashSecret(t.user, t.pass, p.CA, p.Cert, p.Key, p.KeyPassword)
	t.tlsDesc = "tls=" + p.TLS + " unsafeSsl=" + strconv.FormatBool(p.UnsafeSSL)
	return nil
}
