package functions

import (
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/rabbitmq"
)

// TestRabbitMQMappingBuilds feeds what rabbitMQMetadata writes, with a
// %Setting% queue name, to the real rabbitmq trigger with the app's
// settings as the scale target's environment (as `sluice deploy` puts
// them there): it must build, read the host from the setting and keep
// KEDA's default target.
func TestRabbitMQMappingBuilds(t *testing.T) {
	values := map[string]string{"Rabbit": "amqp://app:s3cret@rabbitmq.default:5672/", "Queue": "orders"}
	plan, err := planOne(t, `{"bindings":[{"name":"b","direction":"in","type":"rabbitMQTrigger",`+
		`"queueName":"%Queue%","connectionStringSetting":"Rabbit"}]}`, values)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	tr := plan.Scaled[0].Trigger
	got, err := rabbitmq.New(nil)(scalers.Config{Type: tr.Type, Name: tr.Name, Metadata: tr.Metadata, Env: values})
	if err != nil {
		t.Fatalf("the rabbitmq trigger refuses what deploy writes: %v", err)
	}
	if got.MetricName != "rabbitmq-orders" || got.Target != 20 {
		t.Fatalf("metric %q, target %v; want rabbitmq-orders, 20", got.MetricName, got.Target)
	}
}
