package functions

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// triggerMapper turns one trigger binding type into a ScaledObject trigger
// type and its metadata, copying only parameters that type understands.
type triggerMapper struct {
	kedaType string
	metadata func(r *bindingReader) (map[string]string, error)
}

// mappers maps lower-cased binding types to their ScaledObject triggers.
// Metadata names follow KEDA's documentation for each trigger type.
func mappers() map[string]triggerMapper {
	return map[string]triggerMapper{
		"queuetrigger":      {kedaType: "azure-queue", metadata: queueMetadata},
		"blobtrigger":       {kedaType: "azure-blob", metadata: blobMetadata},
		"kafkatrigger":      {kedaType: "kafka", metadata: kafkaMetadata},
		"rabbitmqtrigger":   {kedaType: "rabbitmq", metadata: rabbitMQMetadata},
		"servicebustrigger": {kedaType: "azure-servicebus", metadata: serviceBusMetadata},
		"eventhubtrigger":   {kedaType: "azure-eventhub", metadata: eventHubMetadata},
	}
}

// queueMetadata maps queueTrigger to azure-queue.
func queueMetadata(r *bindingReader) (map[string]string, error) {
	queue, err := r.required("queueName")
	if err != nil {
		return nil, err
	}
	conn, err := r.connection("connection", "AzureWebJobsStorage")
	if err != nil {
		return nil, err
	}
	return map[string]string{"queueName": queue, "connectionFromEnv": conn}, nil
}

// blobMetadata maps blobTrigger to azure-blob; path is
// "container/prefix/{name}", the prefix being everything up to the first
// binding expression.
func blobMetadata(r *bindingReader) (map[string]string, error) {
	path, err := r.required("path")
	if err != nil {
		return nil, err
	}
	container, rest, _ := strings.Cut(path, "/")
	if container == "" || strings.ContainsAny(container, "{}") {
		return nil, fmt.Errorf("%s: must start with a container name, got %q", r.location("path"), path)
	}
	conn, err := r.connection("connection", "AzureWebJobsStorage")
	if err != nil {
		return nil, err
	}
	md := map[string]string{"blobContainerName": container, "connectionFromEnv": conn}
	if i := strings.IndexByte(rest, '{'); i >= 0 {
		rest = rest[:i]
	}
	if rest != "" {
		md["blobPrefix"] = rest
	}
	return md, nil
}

// kafkaMetadata maps kafkaTrigger to kafka. brokerList may name a setting.
func kafkaMetadata(r *bindingReader) (map[string]string, error) {
	brokers, err := r.required("brokerList")
	if err != nil {
		return nil, err
	}
	topic, err := r.required("topic")
	if err != nil {
		return nil, err
	}
	group, err := r.required("consumerGroup")
	if err != nil {
		return nil, err
	}
	return map[string]string{
		"bootstrapServers": r.settingOrValue(brokers),
		"topic":            topic,
		"consumerGroup":    group,
	}, nil
}

// rabbitMQMetadata maps rabbitMQTrigger to rabbitmq.
func rabbitMQMetadata(r *bindingReader) (map[string]string, error) {
	queue, err := r.required("queueName")
	if err != nil {
		return nil, err
	}
	if _, err := r.required("connectionStringSetting"); err != nil {
		return nil, err
	}
	host, err := r.connection("connectionStringSetting", "")
	if err != nil {
		return nil, err
	}
	return map[string]string{"queueName": queue, "hostFromEnv": host}, nil
}

// serviceBusMetadata maps serviceBusTrigger to azure-servicebus: a queue,
// or a topic and subscription. The per-replica messageCount is host.json's
// "target executions per instance" as Azure documents it for target-based
// scaling of Service Bus functions: extensions.serviceBus.maxConcurrentCalls
// (maxConcurrentSessions with isSessionsEnabled, maxMessageBatchSize with
// cardinality "many"), or the Functions v2 forms under messageHandlerOptions,
// sessionHandlerOptions and batchOptions. Without it KEDA's default applies.
func serviceBusMetadata(r *bindingReader) (map[string]string, error) {
	queue, hasQueue, err := r.optional("queueName")
	if err != nil {
		return nil, err
	}
	topic, hasTopic, err := r.optional("topicName")
	if err != nil {
		return nil, err
	}
	md := map[string]string{}
	switch {
	case hasQueue && hasTopic:
		return nil, fmt.Errorf("%s: set queueName or topicName, not both", r.location("queueName"))
	case hasQueue:
		md["queueName"] = queue
	case hasTopic:
		sub, err := r.required("subscriptionName")
		if err != nil {
			return nil, err
		}
		md["topicName"], md["subscriptionName"] = topic, sub
	default:
		return nil, fmt.Errorf("%s: required (or topicName and subscriptionName)", r.location("queueName"))
	}
	conn, err := r.connection("connection", "AzureWebJobsServiceBus")
	if err != nil {
		return nil, err
	}
	md["connectionFromEnv"] = conn

	sessions, _ := r.binding.Fields["isSessionsEnabled"].(bool)
	batch, _ := r.binding.Fields["cardinality"].(string)
	paths := [][]string{{"maxConcurrentCalls"}, {"messageHandlerOptions", "maxConcurrentCalls"}}
	switch {
	case strings.EqualFold(batch, "many"):
		paths = [][]string{{"maxMessageBatchSize"}, {"batchOptions", "maxMessageCount"}}
	case sessions:
		paths = [][]string{{"maxConcurrentSessions"}, {"sessionHandlerOptions", "maxConcurrentSessions"}}
	}
	for _, path := range paths {
		var v any = r.host
		for _, key := range append([]string{"extensions", "serviceBus"}, path...) {
			m, _ := v.(map[string]any)
			v = nil
			for k, child := range m { // the host reads its configuration case-insensitively
				if strings.EqualFold(k, key) {
					v = child
				}
			}
		}
		if v == nil {
			continue
		}
		where := HostFile + ": extensions.serviceBus." + strings.Join(path, ".")
		n, ok := v.(float64)
		if !ok || n < 1 || n != math.Trunc(n) || n > math.MaxInt32 {
			return nil, fmt.Errorf("%s: must be a whole number of at least 1, got %v", where, v)
		}
		md["messageCount"] = strconv.FormatInt(int64(n), 10)
		break
	}
	return md, nil
}

// eventHubMetadata maps eventHubTrigger to azure-eventhub. Checkpoints are
// the Functions host's, in AzureWebJobsStorage, in the layout of the Event
// Hubs extension the project uses (see eventHubExtension); the per-replica
// target is the one Azure documents for target-based scaling.
func eventHubMetadata(r *bindingReader) (map[string]string, error) {
	if _, err := r.required("connection"); err != nil {
		return nil, err
	}
	conn, err := r.connection("connection", "")
	if err != nil {
		return nil, err
	}
	md := map[string]string{
		"connectionFromEnv":        conn,
		"storageConnectionFromEnv": "AzureWebJobsStorage",
	}
	hub, ok, err := r.optional("eventHubName")
	if err != nil {
		return nil, err
	}
	if ok {
		md["eventHubName"] = hub
	}
	group, ok, err := r.optional("consumerGroup")
	if err != nil {
		return nil, err
	}
	if ok {
		md["consumerGroup"] = group
	}
	ext := eventHubExtension(r.host)
	md["checkpointStrategy"] = ext.strategy
	if ext.container != "" {
		md["blobContainer"] = ext.container
	}
	target, err := ext.target(r.host)
	if err != nil {
		return nil, err
	}
	if target != "" {
		md["unprocessedEventThreshold"] = target
	}
	return md, nil
}
