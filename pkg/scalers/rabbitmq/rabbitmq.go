// Package rabbitmq is the rabbitmq trigger: it reads a RabbitMQ queue's
// length or message rates, as KEDA's trigger of that name does, over AMQP
// 0-9-1 (a passive queue declare; the ready message count only) or over the
// management HTTP API (/api/queues).
//
// Parameters (trigger metadata unless noted; see docs/triggers/rabbitmq.md):
//
//   - host (required; metadata, TriggerAuthentication or hostFromEnv): an
//     amqp://, amqps://, http:// or https:// URL. Over HTTP its last path
//     segment is the vhost and what precedes it a path prefix.
//   - protocol: auto (default; from the host's scheme), amqp or http.
//   - queueName (required): the queue, or with useRegex a regular
//     expression the management API matches names with.
//   - mode: QueueLength, MessageRate, DeliverGetRate,
//     PublishedToDeliveredRatio or ExpectedQueueConsumptionTime (all but
//     QueueLength need http); value: the target (> 0); activationValue
//     (default 0). Neither mode nor value: QueueLength with 20. The
//     deprecated queueLength stands for mode QueueLength with that value.
//   - vhostName (metadata or TriggerAuthentication): overrides the host's
//     vhost.
//   - useRegex, operation (sum, max, avg; default sum), pageSize (default
//     100, at most 500): http only.
//   - excludeUnacknowledged: count ready messages only (http only; AMQP
//     always counts ready messages only).
//   - timeout: per poll, in milliseconds or as a Go duration ("5s");
//     default 3000 ms over http, the poll's own deadline over amqp.
//   - unsafeSsl; tls (enable|disable), ca, cert, key, keyPassword, username,
//     password (TriggerAuthentication or <name>FromEnv).
//
// The metric name suffix is "rabbitmq-<queueName, query-escaped>".
package rabbitmq

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/clientcache"
)

// Type is the trigger type name.
const Type = "rabbitmq"

// Protocols.
const (
	protoAuto = "auto"
	protoAMQP = "amqp"
	protoHTTP = "http"
)

// Modes.
const (
	ModeQueueLength                  = "QueueLength"
	ModeMessageRate                  = "MessageRate"
	ModeDeliverGetRate               = "DeliverGetRate"
	ModePublishedToDeliveredRatio    = "PublishedToDeliveredRatio"
	ModeExpectedQueueConsumptionTime = "ExpectedQueueConsumptionTime"
)

// Defaults, KEDA's.
const (
	defaultQueueLength = 20
	defaultHTTPTimeout = 3 * time.Second
	maxPageSize        = 500 // the management API's limit
)

// params are the trigger's parameters, decoded by scalers.Decode.
type params struct {
	Host                  string  `param:"host,required,from=metadata|auth|env"`
	Protocol              string  `param:"protocol,default=auto,enum=auto|amqp|http,from=metadata|auth"`
	QueueName             string  `param:"queueName,required,from=metadata"`
	Mode                  string  `param:"mode,enum=QueueLength|MessageRate|DeliverGetRate|PublishedToDeliveredRatio|ExpectedQueueConsumptionTime,from=metadata"`
	Value                 float64 `param:"value,from=metadata"`
	QueueLength           float64 `param:"queueLength,from=metadata"`
	ActivationValue       float64 `param:"activationValue,default=0,from=metadata"`
	VhostName             string  `param:"vhostName,from=metadata|auth"`
	UseRegex              bool    `param:"useRegex,default=false,from=metadata"`
	Operation             string  `param:"operation,default=sum,enum=sum|max|avg,from=metadata"`
	PageSize              int64   `param:"pageSize,default=100,from=metadata"`
	ExcludeUnacknowledged bool    `param:"excludeUnacknowledged,default=false,from=metadata"`
	Timeout               string  `param:"timeout,from=metadata"`
	UnsafeSSL             bool    `param:"unsafeSsl,default=false,from=metadata"`
	TLS                   string  `param:"tls,default=disable,enum=enable|disable,from=auth"`
	CA                    string  `param:"ca,from=auth"`
	Cert                  string  `param:"cert,from=auth"`
	Key                   string  `param:"key,from=auth"`
	KeyPassword           string  `param:"keyPassword,from=auth"`
	Username              string  `param:"username,from=auth|env"`
	Password              string  `param:"password,from=auth|env"`
}

// New returns the rabbitmq constructor. Triggers that reach the same broker
// (address, vhost over AMQP, credentials, TLS material) share one
// connection from cache; a nil cache gets a private one.
func New(cache *ConnCache) scalers.Constructor {
	if cache == nil {
		cache = NewConnCache()
	}
	return func(cfg scalers.Config) (*scalers.Trigger, error) {
		return build(cfg, cache)
	}
}

func build(cfg scalers.Config, cache *ConnCache) (*scalers.Trigger, error) {
	// Read from TriggerAuthentication (some from env) only: KEDA ignores
	// them in metadata, Sluice says so.
	for _, name := range [...]string{"username", "password", "tls", "ca", "cert", "key", "keyPassword"} {
		if cfg.Metadata[name] != "" {
			return nil, scalers.ParamErrorf(cfg, name, "not read from metadata: set it in a TriggerAuthentication (or %sFromEnv where that is allowed)", name)
		}
	}
	var p params
	if err := scalers.Decode(cfg, &p); err != nil {
		return nil, err
	}
	t, err := resolve(cfg, &p)
	if err != nil {
		return nil, err
	}
	tc, err := tlsConfig(cfg, &p, t.tlsScheme)
	if err != nil {
		return nil, err
	}
	newReader := func() reader { return newHTTPReader(t, tc) }
	if t.protocol == protoAMQP {
		newReader = func() reader { return newAMQPReader(t, tc) }
	}
	src := &source{h: cache.hold(t.connKey(), newReader), t: t}
	// The poll engine closes the sources it drops; a trigger built and
	// never handed to it lets go of its connection once it is garbage.
	clientcache.CloseWhenUnreachable(src, src.h)
	return &scalers.Trigger{
		Key:              key(t),
		Source:           src,
		MetricName:       "rabbitmq-" + url.QueryEscape(p.QueueName),
		Target:           t.value,
		ActivationTarget: t.activation,
		Warning:          inlinePasswordWarning(cfg),
	}, nil
}

// inlinePasswordWarning returns a warning when host in plain metadata
// carries a password: KEDA accepts it, but anyone who may read the
// ScaledObject reads the password.
func inlinePasswordWarning(cfg scalers.Config) string {
	u, err := url.Parse(cfg.Metadata["host"])
	if err != nil || u.User == nil {
		return ""
	}
	if _, ok := u.User.Password(); !ok {
		return ""
	}
	return "host in metadata holds a password that anyone who can read this ScaledObject can see; use hostFromEnv or a TriggerAuthentication"
}

// key identifies the source: the connection (whose key hashes the
// credentials), the queue or regex and everything that shapes the value.
func key(t *target) string {
	parts := []string{Type, t.connKey(), "vhost=" + t.vhost, "queue=" + t.queue, "mode=" + t.mode,
		"regex=" + strconv.FormatBool(t.useRegex), "excludeUnacked=" + strconv.FormatBool(t.excludeUnacked),
		"timeout=" + t.timeout.String()}
	if t.useRegex {
		parts = append(parts, "operation="+t.operation, "pageSize="+strconv.FormatInt(t.pageSize, 10))
	}
	if t.mode == ModePublishedToDeliveredRatio || t.mode == ModeExpectedQueueConsumptionTime {
		// These modes serve activationValue when nothing is delivered.
		parts = append(parts, "activation="+strconv.FormatFloat(t.activation, 'g', -1, 64))
	}
	return strings.Join(parts, " ")
}
