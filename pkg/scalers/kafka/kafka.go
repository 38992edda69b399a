// Package kafka is the kafka trigger: it scales on the lag of a consumer
// group, as KEDA's trigger of that name does. See docs/triggers/kafka.md.
//
// Parameters (trigger metadata unless noted):
//
//   - bootstrapServers (required): comma list of host:port.
//   - consumerGroup (required).
//   - topic: the topic to watch; without it, every topic the group has
//     committed offsets for.
//   - lagThreshold (default 10, > 0): the target lag per replica;
//     activationLagThreshold (default 0): active while lag is above it.
//   - offsetResetPolicy: latest (default) or earliest; what a partition
//     without a committed offset counts as (1, or its whole log).
//   - scaleToZeroOnInvalidOffset: such a partition counts 0 instead.
//   - allowIdleConsumers: do not cap the value at partitions × lagThreshold.
//   - limitToPartitionsWithLag: cap at partitions with lag × lagThreshold
//     (needs topic; excludes allowIdleConsumers).
//   - excludePersistentLag: a partition whose committed offset did not move
//     since the previous poll counts 0 toward the value (not toward
//     activity).
//   - partitionLimitation: partition ids and ranges to watch, e.g.
//     "1,2,10-12"; only with topic (ignored with a warning otherwise). A
//     poll fails when it matches none of the topic's partitions (KEDA's
//     "expected at least one active partition").
//   - ensureEvenDistributionOfPartitions: serve the smallest factor of the
//     partition count whose replicas cover the lag (needs topic).
//   - fullMetadata (default true) and version: accepted and checked as
//     KEDA does; they have no effect (kafka-go asks only for the topics it
//     needs and negotiates protocol versions).
//   - KEDA's parameters for sasl oauthbearer, gssapi and AWS MSK IAM are
//     errors: those modes are not supported.
//   - tls (enable|disable) and sasl (none, plaintext, scram_sha256,
//     scram_sha512), from TriggerAuthentication or metadata; ca, cert, key,
//     keyPassword, username and password only from TriggerAuthentication
//     or `<name>FromEnv`; unsafeSsl skips server verification.
//
// The metric name suffix is "kafka-<topic>", or "kafka-<consumerGroup>-topics"
// without a topic, as KEDA names it.
package kafka

import (
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// Type is the trigger type name.
const Type = "kafka"

// params are the trigger's parameters, decoded by scalers.Decode.
type params struct {
	BootstrapServers       []string `param:"bootstrapServers,required,from=metadata|env"`
	ConsumerGroup          string   `param:"consumerGroup,required,from=metadata|env"`
	Topic                  string   `param:"topic,from=metadata|env"`
	LagThreshold           int64    `param:"lagThreshold,default=10"`
	ActivationLagThreshold int64    `param:"activationLagThreshold,default=0"`
	OffsetResetPolicy      string   `param:"offsetResetPolicy,default=latest,enum=latest|earliest"`
	AllowIdleConsumers     bool     `param:"allowIdleConsumers,default=false"`
	ExcludePersistentLag   bool     `param:"excludePersistentLag,default=false"`
	ScaleToZeroOnInvalid   bool     `param:"scaleToZeroOnInvalidOffset,default=false"`
	LimitToPartitionsLag   bool     `param:"limitToPartitionsWithLag,default=false"`
	PartitionLimitation    string   `param:"partitionLimitation,from=metadata"`
	TLS                    string   `param:"tls,default=disable,enum=enable|disable,from=metadata|auth"`
	UnsafeSSL              bool     `param:"unsafeSsl,default=false"`
	SASL                   string   `param:"sasl,default=none,enum=none|plaintext|scram_sha256|scram_sha512|gssapi|oauthbearer,from=metadata|auth"`
	Username               string   `param:"username,from=auth|env"`
	Password               string   `param:"password,from=auth|env"`
	CA                     string   `param:"ca,from=auth|env"`
	Cert                   string   `param:"cert,from=auth|env"`
	Key                    string   `param:"key,from=auth|env"`
	KeyPassword            string   `param:"keyPassword,from=auth|env"`
	EnsureEven             bool     `param:"ensureEvenDistributionOfPartitions,default=false"`
	FullMetadata           bool     `param:"fullMetadata,default=true"`
	Version                string   `param:"version,from=metadata"`
	unsupported
}

// New returns the kafka constructor. Triggers on the same cluster with the
// same TLS material and SASL credentials share a client from cache; a nil
// cache gets a private one of DefaultCacheSize.
func New(cache *ClientCache) scalers.Constructor {
	return scalers.Shared(cache, func() *ClientCache { return NewClientCache(DefaultCacheSize) }, build)
}

func build(cfg scalers.Config, p *params, cache *ClientCache) (*scalers.Trigger, error) {
	limit, warning, err := validate(cfg, p)
	if err != nil {
		return nil, err
	}
	tc, err := tlsConfig(cfg, p)
	if err != nil {
		return nil, err
	}
	cc := clientConfig{brokers: p.BootstrapServers, tls: tc, sasl: p.SASL, username: p.Username, password: p.Password}
	if _, err := saslMechanism(cc); err != nil {
		return nil, scalers.ParamErrorf(cfg, "password", "%v", err)
	}
	// The client is looked up on first poll, so that building a trigger
	// never contacts or holds a cluster.
	clientKey := strings.Join(append([]string{strconv.Itoa(len(p.BootstrapServers))}, p.BootstrapServers...), ",") + " " + credentialHash(p)
	get := func() (admin, error) {
		return cache.client(clientKey, func() (admin, error) { return newAdmin(cc) })
	}
	opts := lagOptions{
		threshold:         p.LagThreshold,
		earliest:          p.OffsetResetPolicy == "earliest",
		scaleToZero:       p.ScaleToZeroOnInvalid,
		allowIdle:         p.AllowIdleConsumers,
		limitToLag:        p.LimitToPartitionsLag,
		excludePersistent: p.ExcludePersistentLag,
		evenDistribution:  p.EnsureEven,
	}
	name := "kafka-" + p.Topic
	if p.Topic == "" {
		name = "kafka-" + p.ConsumerGroup + "-topics"
	}
	return &scalers.Trigger{
		Key:              key(p, limit),
		Source:           newSource(get, p.ConsumerGroup, p.Topic, limit, opts),
		MetricName:       name,
		Target:           float64(p.LagThreshold),
		ActivationTarget: float64(p.ActivationLagThreshold),
		Warning:          warning,
	}, nil
}

// validate checks what Decode cannot. It returns the parsed
// partitionLimitation and a standing warning.
func validate(cfg scalers.Config, p *params) ([]int, string, error) {
	if len(p.BootstrapServers) == 0 {
		return nil, "", scalers.ParamErrorf(cfg, "bootstrapServers", "%w: no address in the list", scalers.ErrMissingParam)
	}
	if p.LagThreshold <= 0 {
		return nil, "", scalers.ParamErrorf(cfg, "lagThreshold", "want a number greater than 0, got %d", p.LagThreshold)
	}
	if p.ActivationLagThreshold < 0 {
		return nil, "", scalers.ParamErrorf(cfg, "activationLagThreshold", "want a number of at least 0, got %d", p.ActivationLagThreshold)
	}
	if p.AllowIdleConsumers && p.LimitToPartitionsLag {
		return nil, "", scalers.ParamErrorf(cfg, "limitToPartitionsWithLag", "cannot be true together with allowIdleConsumers")
	}
	if p.LimitToPartitionsLag && p.Topic == "" {
		return nil, "", scalers.ParamErrorf(cfg, "limitToPartitionsWithLag", "needs topic to be set")
	}
	if p.EnsureEven && p.LimitToPartitionsLag {
		return nil, "", scalers.ParamErrorf(cfg, "ensureEvenDistributionOfPartitions", "cannot be true together with limitToPartitionsWithLag")
	}
	if p.EnsureEven && p.Topic == "" {
		return nil, "", scalers.ParamErrorf(cfg, "ensureEvenDistributionOfPartitions", "needs topic to be set")
	}
	if !p.FullMetadata && p.Topic == "" {
		return nil, "", scalers.ParamErrorf(cfg, "fullMetadata", "false needs topic to be set")
	}
	if p.Version != "" && !validVersion(p.Version) {
		return nil, "", scalers.ParamErrorf(cfg, "version", "want a Kafka version such as 2.8.0 or 1.0.0, got %q", p.Version)
	}
	if err := p.check(cfg); err != nil {
		return nil, "", err
	}
	switch p.SASL {
	case "gssapi", "oauthbearer":
		return nil, "", scalers.ParamErrorf(cfg, "sasl", "mode %q is not supported by sluice (supported: none, plaintext, scram_sha256, scram_sha512)", p.SASL)
	case "plaintext", "scram_sha256", "scram_sha512":
		for _, c := range [...]struct{ name, v string }{{"username", p.Username}, {"password", p.Password}} {
			if c.v == "" {
				return nil, "", scalers.ParamErrorf(cfg, c.name, "%w for sasl %s (from TriggerAuthentication or %sFromEnv)", scalers.ErrMissingParam, p.SASL, c.name)
			}
		}
	}
	var warnings []string
	if p.TLS == "enable" && p.UnsafeSSL {
		warnings = append(warnings, "TLS certificate verification is disabled (unsafeSsl)")
	}
	if p.SASL == "plaintext" && p.TLS != "enable" {
		warnings = append(warnings, "SASL PLAIN credentials are sent without TLS")
	}
	limit, err := parsePartitionLimitation(p.PartitionLimitation)
	if err != nil {
		return nil, "", scalers.ParamErrorf(cfg, "partitionLimitation", "%v", err)
	}
	if limit != nil && p.Topic == "" {
		// KEDA ignores it too; say so rather than fail a working manifest.
		warnings = append(warnings, "partitionLimitation is ignored because topic is not set")
		limit = nil
	}
	return limit, strings.Join(warnings, "; "), nil
}

// credentialHash hashes everything secret or connection-shaping that is not
// the broker list.
func credentialHash(p *params) string {
	tlsOn := p.TLS == "enable"
	pick := func(v string) string {
		if tlsOn {
			return v
		}
		return ""
	}
	return scalers.HashSecret(strconv.FormatBool(tlsOn), strconv.FormatBool(tlsOn && p.UnsafeSSL),
		pick(p.CA), pick(p.Cert), pick(p.Key), pick(p.KeyPassword), p.SASL, p.Username, p.Password)
}

// key identifies the source: type, cluster, group, topic, every option that
// changes the value, and a hash of the credentials.
func key(p *params, limit []int) string {
	ids := make([]string, len(limit))
	for i, id := range limit {
		ids[i] = strconv.Itoa(id)
	}
	return strings.Join([]string{
		Type, strconv.Quote(strings.Join(p.BootstrapServers, ",")), strconv.Quote(p.ConsumerGroup), strconv.Quote(p.Topic),
		"partitions=" + strings.Join(ids, ","),
		"lagThreshold=" + strconv.FormatInt(p.LagThreshold, 10),
		"offsetResetPolicy=" + p.OffsetResetPolicy,
		"allowIdleConsumers=" + strconv.FormatBool(p.AllowIdleConsumers),
		"excludePersistentLag=" + strconv.FormatBool(p.ExcludePersistentLag),
		"scaleToZeroOnInvalidOffset=" + strconv.FormatBool(p.ScaleToZeroOnInvalid),
		"limitToPartitionsWithLag=" + strconv.FormatBool(p.LimitToPartitionsLag),
		"ensureEvenDistributionOfPartitions=" + strconv.FormatBool(p.EnsureEven),
		credentialHash(p),
	}, " ")
}
