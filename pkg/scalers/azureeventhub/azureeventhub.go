// Package azureeventhub is the azure-eventhub trigger: the number of events
// of an Azure Event Hub that a consumer group has not processed yet, from
// the hub's partition properties (over AMQP, with the azeventhubs SDK) and
// the consumer group's checkpoints (in blob storage, with azblob), as
// KEDA's trigger of that name computes it, with KEDA's known arithmetic
// bugs fixed (see unprocessed and capped, and
// docs/triggers/azure-eventhub.md).
//
// Parameters (trigger metadata unless noted):
//
//   - connection: the Event Hubs connection string, from TriggerAuthentication
//     or connectionFromEnv only. With EntityPath it names the hub.
//   - eventHubName (also eventHubNameFromEnv): the hub, when the connection
//     string has no EntityPath.
//   - storageConnection: the checkpoint storage account's connection
//     string, from TriggerAuthentication or storageConnectionFromEnv; inline
//     only UseDevelopmentStorage=true.
//   - consumerGroup (default $Default).
//   - unprocessedEventThreshold (default 64, > 0): the target per replica.
//   - activationUnprocessedEventThreshold (default 0): active above it.
//   - stalePartitionInfoThreshold (default 10000, >= 0): how far a
//     checkpoint may be ahead of the partition and count as stale reading.
//   - checkpointStrategy: azureFunction, blobMetadata, goSdk, dapr or
//     empty (see newLayout); blobContainer: the container, required by
//     every strategy but azureFunction.
//   - cloud (default AzurePublicCloud), endpointSuffix: only meaningful for
//     identity-based access, which is not supported yet; validated.
//
// The metric name suffix is "azure-eventhub-<consumerGroup>".
package azureeventhub

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azeventhubs/v2"
	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/azstorage"
)

// Type is the trigger type name.
const Type = "azure-eventhub"

// params are the trigger's parameters, decoded by scalers.Decode.
type params struct {
	Connection        string `param:"connection,from=auth|env"`
	EventHubName      string `param:"eventHubName,from=metadata|env"`
	StorageConnection string `param:"storageConnection,from=auth|env"`
	ConsumerGroup     string `param:"consumerGroup,default=$Default,from=metadata"`
	Threshold         int64  `param:"unprocessedEventThreshold,default=64,from=metadata"`
	Activation        int64  `param:"activationUnprocessedEventThreshold,default=0,from=metadata"`
	Stale             int64  `param:"stalePartitionInfoThreshold,default=10000,from=metadata"`
	Strategy          string `param:"checkpointStrategy,enum=azureFunction|blobMetadata|goSdk|dapr,from=metadata"`
	BlobContainer     string `param:"blobContainer,from=metadata"`
	Cloud             string `param:"cloud,default=AzurePublicCloud,from=metadata"`
	EndpointSuffix    string `param:"endpointSuffix,from=metadata"`
}

// New returns the azure-eventhub constructor. Triggers reading the same hub
// with the same credential share one Event Hubs client from hubs, and
// triggers reaching the same storage account one blob client from stores;
// nil caches get private ones.
func New(hubs *HubCache, stores *StoreCache) scalers.Constructor {
	if hubs == nil {
		hubs = NewHubCache(0, 0)
	}
	if stores == nil {
		stores = NewStoreCache(0)
	}
	return func(cfg scalers.Config) (*scalers.Trigger, error) {
		return build(cfg, hubs, stores)
	}
}

func build(cfg scalers.Config, hubs *HubCache, stores *StoreCache) (*scalers.Trigger, error) {
	var p params
	if err := scalers.Decode(cfg, &p); err != nil {
		return nil, err
	}
	if err := validate(cfg, &p); err != nil {
		return nil, err
	}
	var warnings []string
	hub, fqdn, hubName, w, err := resolveHub(cfg, &p)
	if err != nil {
		return nil, err
	}
	warnings = append(warnings, w...)
	st, err := resolveStorage(cfg, &p)
	if err != nil {
		return nil, err
	}
	warnings = append(warnings, st.Warnings...)
	if !strings.EqualFold(p.Cloud, azstorage.PublicCloud) || p.EndpointSuffix != "" {
		warnings = append(warnings, "cloud and endpointSuffix only matter for identity-based access, which is not supported yet: the connection strings' endpoints are used")
	}
	if p.Strategy == StrategyAzureFunction && p.BlobContainer != "" && p.BlobContainer != FunctionsContainer {
		warnings = append(warnings, fmt.Sprintf("blobContainer %q is ignored with checkpointStrategy azureFunction: the Functions host keeps checkpoints in %s", p.BlobContainer, FunctionsContainer))
	}
	store, err := stores.store(st)
	if err != nil {
		return nil, scalers.ParamErrorf(cfg, "storageConnection", "%v", err)
	}
	lay := newLayout(p.Strategy, p.BlobContainer, fqdn, hubName, p.ConsumerGroup)
	logger := cfg.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	return &scalers.Trigger{
		Key: strings.Join([]string{Type, fqdn, hubName, p.ConsumerGroup, p.Strategy, lay.container, st.Endpoint,
			strconv.FormatInt(p.Threshold, 10), strconv.FormatInt(p.Stale, 10), scalers.HashSecret(p.Connection), st.CredentialHash()}, " "),
		Source: &source{hubs: hubs, hub: hub, store: store, layout: lay, threshold: p.Threshold, stale: p.Stale,
			logger: logger.With(zap.String("eventHub", hubName), zap.String("consumerGroup", p.ConsumerGroup))},
		MetricName:       "azure-eventhub-" + p.ConsumerGroup,
		Target:           float64(p.Threshold),
		ActivationTarget: float64(p.Activation),
		Warning:          strings.Join(warnings, "; "),
	}, nil
}

var (
	hubNameRE       = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,254}[A-Za-z0-9])?$`)
	consumerGroupRE = regexp.MustCompile(`^(?:\$Default|[A-Za-z0-9](?:[A-Za-z0-9._-]{0,48}[A-Za-z0-9])?)$`)
)

// validate checks what Decode cannot.
func validate(cfg scalers.Config, p *params) error {
	switch {
	case p.Threshold <= 0:
		return scalers.ParamErrorf(cfg, "unprocessedEventThreshold", "want a number greater than 0, got %d", p.Threshold)
	case p.Activation < 0:
		return scalers.ParamErrorf(cfg, "activationUnprocessedEventThreshold", "want a number of at least 0, got %d", p.Activation)
	case p.Stale < 0:
		return scalers.ParamErrorf(cfg, "stalePartitionInfoThreshold", "want a number of at least 0, got %d", p.Stale)
	case !consumerGroupRE.MatchString(p.ConsumerGroup):
		return scalers.ParamErrorf(cfg, "consumerGroup", "want $Default or 1 to 50 letters, digits, '.', '_' and '-', starting and ending with a letter or digit, got %q", p.ConsumerGroup)
	case p.EventHubName != "" && !hubNameRE.MatchString(p.EventHubName):
		return scalers.ParamErrorf(cfg, "eventHubName", "want 1 to 256 letters, digits, '.', '_' and '-', starting and ending with a letter or digit, got %q", p.EventHubName)
	}
	if p.BlobContainer != "" {
		if err := azstorage.CheckName("container", p.BlobContainer, false); err != nil {
			return scalers.ParamErrorf(cfg, "blobContainer", "%v", err)
		}
	} else if p.Strategy == StrategyBlobMetadata || p.Strategy == StrategyGoSdk || p.Strategy == StrategyDapr {
		return scalers.ParamErrorf(cfg, "blobContainer", "%w: checkpointStrategy %s keeps checkpoints in a container the application names", scalers.ErrMissingParam, p.Strategy)
	}
	if _, err := azstorage.ServiceEndpoint(azstorage.Blob, "checkcloud", p.Cloud, p.EndpointSuffix); err != nil {
		param := "cloud"
		if strings.HasPrefix(err.Error(), "endpointSuffix") {
			param = "endpointSuffix"
		}
		return scalers.ParamErrorf(cfg, param, "%v", err)
	}
	return nil
}

// resolveHub checks the Event Hubs connection and returns how to reach
// the hub, the namespace (host and port) and the hub's name. Errors never
// quote the connection string.
func resolveHub(cfg scalers.Config, p *params) (*hubConn, string, string, []string, error) {
	if strings.TrimSpace(cfg.Metadata["connection"]) != "" {
		return nil, "", "", nil, scalers.ParamErrorf(cfg, "connection",
			"a connection string in plain metadata is refused (it holds the access key); give it through connectionFromEnv or TriggerAuthentication")
	}
	if p.Connection == "" {
		return nil, "", "", nil, scalers.ParamErrorf(cfg, "connection",
			"%w (looked in TriggerAuthentication, connectionFromEnv; identity-based access is not supported yet)", scalers.ErrMissingParam)
	}
	props, err := azeventhubs.ParseConnectionString(p.Connection)
	var secrets []string
	if err == nil {
		for _, s := range []*string{props.SharedAccessKey, props.SharedAccessSignature} {
			if s != nil {
				secrets = append(secrets, *s)
			}
		}
	}
	if err != nil {
		return nil, "", "", nil, scalers.ParamErrorf(cfg, "connection", "not a valid Event Hubs connection string: %v", redact("parse", err, []string{p.Connection}))
	}
	var warnings []string
	name, connHub := p.EventHubName, ""
	if props.EntityPath != nil && *props.EntityPath != "" {
		if name != "" && name != *props.EntityPath {
			warnings = append(warnings, fmt.Sprintf("eventHubName %q differs from the connection string's EntityPath %q; EntityPath is used", name, *props.EntityPath))
		}
		name = *props.EntityPath
		if !hubNameRE.MatchString(name) {
			return nil, "", "", nil, scalers.ParamErrorf(cfg, "connection", "EntityPath: want an event hub name, got %q", name)
		}
	} else {
		if name == "" {
			return nil, "", "", nil, scalers.ParamErrorf(cfg, "eventHubName", "%w (the connection string has no EntityPath)", scalers.ErrMissingParam)
		}
		connHub = name
	}
	if props.Emulator {
		warnings = append(warnings, fmt.Sprintf("connection has UseDevelopmentEmulator=true: it points at a local Event Hubs emulator (%s), not Azure", props.FullyQualifiedNamespace))
	}
	h := &hubConn{
		key:     strings.Join([]string{props.FullyQualifiedNamespace, name, scalers.HashSecret(p.Connection)}, " "),
		conn:    p.Connection,
		hub:     connHub,
		secrets: append(secrets, p.Connection),
	}
	return h, props.FullyQualifiedNamespace, name, warnings, nil
}

// resolveStorage checks the checkpoint storage connection.
func resolveStorage(cfg scalers.Config, p *params) (*azstorage.Target, error) {
	inline := strings.TrimSpace(cfg.Metadata["storageConnection"])
	switch {
	case inline == "":
	case azstorage.IsDevStorage(inline):
		if p.StorageConnection == "" {
			p.StorageConnection = inline
		}
	default:
		return nil, scalers.ParamErrorf(cfg, "storageConnection",
			"a connection string in plain metadata is refused (it holds the account key); give it through storageConnectionFromEnv or TriggerAuthentication")
	}
	if p.StorageConnection == "" {
		return nil, scalers.ParamErrorf(cfg, "storageConnection",
			"%w (looked in TriggerAuthentication, storageConnectionFromEnv; identity-based access is not supported yet)", scalers.ErrMissingParam)
	}
	conn, err := azstorage.ParseConnectionString(p.StorageConnection, azstorage.Blob)
	if err != nil {
		return nil, scalers.ParamErrorf(cfg, "storageConnection", "%v", err)
	}
	t := &azstorage.Target{Endpoint: conn.Endpoint, Conn: conn}
	if conn.DevStorage {
		t.Warnings = append(t.Warnings, fmt.Sprintf("storageConnection is UseDevelopmentStorage=true: it points at a local storage emulator (%s), not Azure", conn.Endpoint))
	}
	return t, nil
}
