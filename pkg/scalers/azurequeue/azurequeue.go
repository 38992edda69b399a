// Package azurequeue is the azure-queue trigger: it reads the length of an
// Azure Storage queue, as KEDA's trigger of that name does.
//
// Parameters (trigger metadata unless noted; see docs/triggers/azure-queue.md):
//
//   - queueName (required): the queue, checked against Azure's naming rules.
//   - queueLength (default 5, > 0): the target per replica.
//   - activationQueueLength (default 0): active while the length is above it.
//   - queueLengthStrategy: all (default) reads the approximate message
//     count, which includes messages hidden by a receive; visibleonly peeks
//     up to 32 messages and counts the visible ones, falling back to the
//     approximate count when 32 are visible.
//   - connection: a storage connection string, looked up as KEDA does:
//     TriggerAuthentication, then inline metadata (with a warning when it
//     holds a key), then connectionFromEnv. UseDevelopmentStorage=true maps
//     to the local emulator (Azurite) and sets a warning.
//   - accountName, cloud (AzurePublicCloud default, AzureUSGovernmentCloud,
//     AzureChinaCloud, Private with endpointSuffix): identity-based access,
//     validated but not yet able to poll (polls return
//     azstorage.ErrIdentityUnsupported).
//
// The metric name suffix is "azure-queue-<queueName>".
package azurequeue

import (
	"strings"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/azstorage"
)

// Type is the trigger type name.
const Type = "azure-queue"

// Queue length strategies.
const (
	StrategyAll         = "all"
	StrategyVisibleOnly = "visibleonly"
)

// peekMax is the most messages one peek returns (a service limit).
const peekMax = 32

// params are the trigger's parameters, decoded by scalers.Decode.
type params struct {
	QueueName        string `param:"queueName,required,from=metadata"`
	QueueLength      int64  `param:"queueLength,default=5,from=metadata"`
	ActivationLength int64  `param:"activationQueueLength,default=0,from=metadata"`
	Strategy         string `param:"queueLengthStrategy,default=all,enum=all|visibleonly,from=metadata"`
	azstorage.QueueParams
}

// New returns the azure-queue constructor. Triggers reaching the same
// endpoint with the same credential share one SDK client from cache; a nil
// cache gets a private one of clientcache.DefaultSize.
func New(cache *ClientCache) scalers.Constructor {
	return scalers.Shared(cache, func() *ClientCache { return NewClientCache(0) }, build)
}

func build(cfg scalers.Config, p *params, cache *ClientCache) (*scalers.Trigger, error) {
	if err := validate(cfg, p); err != nil {
		return nil, err
	}
	t, err := p.Resolve(cfg)
	if err != nil {
		return nil, err
	}
	q, err := azstorage.Open[queueAPI](cfg, t, identityQueue{}, func() (queueAPI, error) {
		return cache.queue(t, p.QueueName)
	})
	if err != nil {
		return nil, err
	}
	return &scalers.Trigger{
		Key:              key(t, p),
		Source:           &source{queue: q, strategy: p.Strategy},
		MetricName:       "azure-queue-" + p.QueueName,
		Target:           float64(p.QueueLength),
		ActivationTarget: float64(p.ActivationLength),
		Warning:          t.Warning(),
	}, nil
}

// validate checks what Decode cannot.
func validate(cfg scalers.Config, p *params) error {
	if err := azstorage.CheckName("queue", p.QueueName, false); err != nil {
		return scalers.ParamErrorf(cfg, "queueName", "%v", err)
	}
	if p.QueueLength <= 0 {
		return scalers.ParamErrorf(cfg, "queueLength", "want a number greater than 0, got %d", p.QueueLength)
	}
	if p.ActivationLength < 0 {
		return scalers.ParamErrorf(cfg, "activationQueueLength", "want a number of at least 0, got %d", p.ActivationLength)
	}
	return nil
}

// key identifies the source: type, endpoint, queue, strategy and a hash of
// the credentials.
func key(t *azstorage.Target, p *params) string {
	return strings.Join([]string{Type, t.Endpoint, p.QueueName, p.Strategy, t.CredentialHash()}, " ")
}
