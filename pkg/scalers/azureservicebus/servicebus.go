// Package azureservicebus is the azure-servicebus trigger: it reads the
// active message count of an Azure Service Bus queue or topic
// subscription through the management API, as KEDA's trigger of that
// name does, with the Azure SDK's admin client.
//
// Parameters (trigger metadata unless noted; see
// docs/triggers/azure-servicebus.md):
//
//   - queueName, or topicName with subscriptionName (required).
//   - messageCount (default 5, > 0): the target per replica.
//   - activationMessageCount (default 0): active while the count is above it.
//   - useRegex (default false): queueName or subscriptionName is a regular
//     expression matching whole names; operation (sum default, max, avg)
//     combines the matching entities' counts.
//   - connection: a Service Bus connection string, from
//     TriggerAuthentication or connectionFromEnv only. Inline in metadata
//     only a development emulator string (UseDevelopmentEmulator=true) is
//     accepted. Local connection strings set a warning.
//   - namespace, cloud (AzurePublicCloud default, AzureUSGovernmentCloud,
//     AzureChinaCloud, Private with endpointSuffix): checked against the
//     connection string. Without a connection string they would need pod
//     identity, which is refused.
//
// The metric name suffix is "azure-servicebus-<queueName or topicName>",
// or "azure-servicebus-queue-regex" / "azure-servicebus-topic-regex".
package azureservicebus

import (
	"regexp"
	"strings"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/clientcache"
)

// Type is the trigger type name.
const Type = "azure-servicebus"

// Longest names Service Bus allows.
const (
	maxEntityName       = 260
	maxSubscriptionName = 50
)

// params are the trigger's parameters, decoded by scalers.Decode.
type params struct {
	QueueName        string `param:"queueName,from=metadata"`
	TopicName        string `param:"topicName,from=metadata"`
	SubscriptionName string `param:"subscriptionName,from=metadata"`
	MessageCount     int64  `param:"messageCount,default=5,from=metadata"`
	ActivationCount  int64  `param:"activationMessageCount,default=0,from=metadata"`
	UseRegex         bool   `param:"useRegex,default=false,from=metadata"`
	Operation        string `param:"operation,default=sum,enum=sum|max|avg,from=metadata"`
	Connection       string `param:"connection,from=auth|env"`
	Namespace        string `param:"namespace,from=metadata"`
	Cloud            string `param:"cloud,default=AzurePublicCloud,from=metadata"`
	EndpointSuffix   string `param:"endpointSuffix,from=metadata"`
}

// New returns the azure-servicebus constructor. Triggers reaching the same
// namespace with the same credential share one SDK client from cache; a
// nil cache gets a private one trusting the system's roots.
func New(cache *ClientCache) scalers.Constructor {
	return scalers.Shared(cache, func() *ClientCache { return NewClientCache(nil) }, build)
}

func build(cfg scalers.Config, p *params, cache *ClientCache) (*scalers.Trigger, error) {
	pattern, warnings, err := validate(cfg, p)
	if err != nil {
		return nil, err
	}
	conn, more, err := resolve(cfg, p)
	if err != nil {
		return nil, err
	}
	warnings = append(warnings, more...)
	credHash := scalers.HashSecret(conn.KeyName, conn.Key, conn.SAS)
	h, err := cache.hold(strings.ToLower(conn.Host)+" "+credHash, conn)
	if err != nil {
		return nil, scalers.ParamErrorf(cfg, "connection", "%v", err)
	}
	held := &heldCounter{h: h}
	src := &source{counter: held, topic: p.TopicName, name: p.QueueName, pattern: pattern, op: p.Operation}
	// The poll engine closes the sources it drops; a trigger built and
	// never handed to it lets go of its client once it is garbage.
	clientcache.CloseWhenUnreachable(src, h)
	metric := p.QueueName
	if p.TopicName != "" {
		src.name = p.SubscriptionName
		metric = p.TopicName
	}
	if pattern != nil {
		metric = "queue-regex"
		if p.TopicName != "" {
			metric = "topic-regex"
		}
	}
	return &scalers.Trigger{
		Key: strings.Join([]string{Type, strings.ToLower(conn.Host), p.QueueName, p.TopicName, p.SubscriptionName,
			regexKey(*p), credHash}, " "),
		Source:           src,
		MetricName:       "azure-servicebus-" + metric,
		Target:           float64(p.MessageCount),
		ActivationTarget: float64(p.ActivationCount),
		Warning:          strings.Join(warnings, "; "),
	}, nil
}

// regexKey is the part of the key that tells a pattern from a name.
func regexKey(p params) string {
	if !p.UseRegex {
		return "name"
	}
	return "regex " + p.Operation
}

// validate checks what Decode cannot and returns the compiled pattern of
// a useRegex trigger, and remarks for the status.
func validate(cfg scalers.Config, p *params) (*regexp.Regexp, []string, error) {
	switch {
	case p.QueueName != "" && p.TopicName != "":
		return nil, nil, scalers.ParamErrorf(cfg, "topicName", "set queueName, or topicName with subscriptionName, not both")
	case p.QueueName != "" && p.SubscriptionName != "":
		return nil, nil, scalers.ParamErrorf(cfg, "subscriptionName", "a queue has no subscriptions: remove subscriptionName, or set topicName instead of queueName")
	case p.TopicName != "" && p.SubscriptionName == "":
		return nil, nil, scalers.ParamErrorf(cfg, "subscriptionName", "%w: topicName needs subscriptionName", scalers.ErrMissingParam)
	case p.QueueName == "" && p.TopicName == "" && p.SubscriptionName != "":
		return nil, nil, scalers.ParamErrorf(cfg, "topicName", "%w: subscriptionName needs topicName", scalers.ErrMissingParam)
	case p.QueueName == "" && p.TopicName == "":
		return nil, nil, scalers.ParamErrorf(cfg, "queueName", "%w: set queueName, or topicName with subscriptionName", scalers.ErrMissingParam)
	case p.MessageCount <= 0:
		return nil, nil, scalers.ParamErrorf(cfg, "messageCount", "want a number greater than 0, got %d", p.MessageCount)
	case p.ActivationCount < 0:
		return nil, nil, scalers.ParamErrorf(cfg, "activationMessageCount", "want a number of at least 0, got %d", p.ActivationCount)
	}
	if p.TopicName != "" {
		if err := checkEntity("topic", p.TopicName, maxEntityName, true); err != nil {
			return nil, nil, scalers.ParamErrorf(cfg, "topicName", "%v", err)
		}
	}
	param, name, max, slash := "queueName", p.QueueName, maxEntityName, true
	if p.TopicName != "" {
		param, name, max, slash = "subscriptionName", p.SubscriptionName, maxSubscriptionName, false
	}
	if !p.UseRegex {
		if err := checkEntity(strings.TrimSuffix(param, "Name"), name, max, slash); err != nil {
			return nil, nil, scalers.ParamErrorf(cfg, param, "%v", err)
		}
		if cfg.Metadata["operation"] != "" {
			return nil, []string{"operation is ignored unless useRegex is true"}, nil
		}
		return nil, nil, nil
	}
	re, err := compileName(name)
	if err != nil {
		return nil, nil, scalers.ParamErrorf(cfg, param, "%v", err)
	}
	return re, nil, nil
}
