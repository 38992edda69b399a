package kafka

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/scalertest"
)

// kedaDocs is KEDA's page for this trigger; rows cite its sections.
const kedaDocs = "https://keda.sh/docs/latest/scalers/apache-kafka/"

// TestParityConfig holds what KEDA does with a kafka trigger's parameters
// (per its docs, section cited per row) next to what Sluice does. A row's
// WantErr is "" when both accept the input.
func TestParityConfig(t *testing.T) {
	base := map[string]string{"bootstrapServers": "127.0.0.1:9092", "consumerGroup": "g", "topic": "orders"}
	with := func(kv ...string) map[string]string { return scalertest.With(base, kv...) }
	tests := []scalertest.ConfigRow{
		{Name: "trailing newline in sasl from a Secret", KEDA: "trimmed (#authentication-parameters)", Meta: with(),
			Auth: map[string]string{"sasl": "plaintext\n", "username": "u\n", "password": "p\n", "tls": "enable\n"}},
		{Name: "ensureEvenDistributionOfPartitions", KEDA: "accepted (#trigger-specification)", Meta: with("ensureEvenDistributionOfPartitions", "true")},
		{Name: "ensureEven with limitToPartitionsWithLag", KEDA: "error: cannot be set together (#trigger-specification)",
			Meta: with("ensureEvenDistributionOfPartitions", "true", "limitToPartitionsWithLag", "true"), WantErr: "cannot be true together"},
		{Name: "ensureEven without topic", KEDA: "error: topic required (#trigger-specification)",
			Meta: map[string]string{"bootstrapServers": "h:1", "consumerGroup": "g", "ensureEvenDistributionOfPartitions": "true"}, WantErr: "needs topic"},
		{Name: "fullMetadata false with topic", KEDA: "accepted (#trigger-specification)", Meta: with("fullMetadata", "false")},
		{Name: "fullMetadata false without topic", KEDA: "error: topic required (#trigger-specification)",
			Meta: map[string]string{"bootstrapServers": "h:1", "consumerGroup": "g", "fullMetadata": "false"}, WantErr: "false needs topic"},
		{Name: "fullMetadata not a bool", KEDA: "error (#trigger-specification)", Meta: with("fullMetadata", "maybe"), WantErr: `parameter "fullMetadata"`},
		{Name: "version", KEDA: "accepted (#trigger-specification)", Meta: with("version", "2.8.0")},
		{Name: "bad version", KEDA: "error: invalid version (#trigger-specification)", Meta: with("version", "two"), WantErr: `parameter "version"`},
		{Name: "sasl oauthbearer", KEDA: "supported; not in Sluice (Differences)", Meta: with("sasl", "oauthbearer"), WantErr: `mode "oauthbearer" is not supported`},
		{Name: "sasl gssapi", KEDA: "supported; not in Sluice (Differences)", Meta: with("sasl", "gssapi"), WantErr: `mode "gssapi" is not supported`},
		{Name: "oauth token endpoint", KEDA: "oauthbearer parameter (#authentication-parameters)", Meta: with(),
			Auth: map[string]string{"oauthTokenEndpointUri": "https://idp"}, WantErr: `parameter "oauthTokenEndpointUri": belongs to sasl oauthbearer`},
		{Name: "awsRegion", KEDA: "MSK IAM (#authentication-parameters)", Meta: with("awsRegion", "eu-west-1"), WantErr: `parameter "awsRegion"`},
		{Name: "limitToPartitionsWithLag with allowIdleConsumers", KEDA: "error (#trigger-specification)",
			Meta: with("limitToPartitionsWithLag", "true", "allowIdleConsumers", "true"), WantErr: "cannot be true together"},
		{Name: "partitionLimitation without topic", KEDA: "ignored (#trigger-specification)",
			Meta: map[string]string{"bootstrapServers": "h:1", "consumerGroup": "g", "partitionLimitation": "1,2"}, Warning: "partitionLimitation is ignored"},
		{Name: "partitionLimitation range", KEDA: "1,2,10-12 accepted (#trigger-specification)", Meta: with("partitionLimitation", "1,2,10-12")},
		{Name: "lagThreshold 0", KEDA: "error: must be positive (#trigger-specification)", Meta: with("lagThreshold", "0"), WantErr: `parameter "lagThreshold"`},
		{Name: "offsetResetPolicy bad", KEDA: "error: latest or earliest (#trigger-specification)", Meta: with("offsetResetPolicy", "none"), WantErr: `parameter "offsetResetPolicy"`},
		{Name: "unknown key", KEDA: "ignored (logged when KEDA_CHECK_UNEXPECTED_SCALERS_PARAMS)", Meta: with("lagTreshold", "5"), Warning: `"lagTreshold" is not a parameter`},
		{Name: "password in plain metadata", KEDA: "not read from metadata (#authentication-parameters)", Meta: with("password", "p"), Warning: `"password" is ignored`},
	}
	scalertest.ParityConfig(t, Type, New(nil), kedaDocs, tests, func(t *testing.T, row scalertest.ConfigRow, tr *scalers.Trigger) {
		if row.Warning == "" && tr.Warning != "" && !strings.Contains(tr.Warning, "without TLS") {
			t.Errorf("unexpected warning %q", tr.Warning)
		}
	})
}

// TestParityLag holds KEDA's lag arithmetic (docs section "Lag
// calculation" and the parameters' descriptions) next to Sluice's.
func TestParityLag(t *testing.T) {
	tp := func(p int) topicPartition { return topicPartition{"t", p} }
	six := map[topicPartition]partitionOffsets{}
	for i := range 6 {
		six[tp(i)] = partitionOffsets{committed: 0, latest: 3}
	}
	tests := []struct {
		name      string
		keda      string
		parts     map[topicPartition]partitionOffsets
		opts      lagOptions
		wantValue int64
		wantAct   int64
	}{
		{"even distribution rounds up to a divisor", "ensureEvenDistributionOfPartitions: 18 lag / 5 = 4 replicas → 6 (a divisor of 6)",
			six, lagOptions{threshold: 5, evenDistribution: true}, 30, 18},
		{"even distribution, small lag", "3 lag / 5 → 1 replica", map[topicPartition]partitionOffsets{tp(0): {0, 3}, tp(1): {3, 3}},
			lagOptions{threshold: 5, evenDistribution: true}, 5, 3},
		{"even distribution caps even with allowIdleConsumers", "bound applies when ensureEven is set",
			six, lagOptions{threshold: 1, allowIdle: true, evenDistribution: true}, 6, 18},
		{"activity on full lag", "activation compares the lag with persistent lag, uncapped", six, lagOptions{threshold: 1}, 6, 18},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := computeLag(tt.parts, nil, tt.opts)
			if res.value != tt.wantValue || res.activity != tt.wantAct {
				t.Fatalf("KEDA: %s; Sluice: value %d activity %d, want %d and %d", tt.keda, res.value, res.activity, tt.wantValue, tt.wantAct)
			}
		})
	}
}

// TestParityPartitions runs KEDA's documented partition handling against
// a real Kafka wire peer (kfake).
func TestParityPartitions(t *testing.T) {
	k := newCluster(t, nil, nil, "orders")
	k.produce("orders", 0, 4)
	k.produce("orders", 1, 6)
	k.produce("orders", 2, 8)
	for p := range int32(3) {
		k.commit("g", "orders", p, 0)
	}
	build := func(kv ...string) *scalers.Trigger {
		meta := scalertest.With(map[string]string{"bootstrapServers": k.brokers, "consumerGroup": "g", "topic": "orders", "allowIdleConsumers": "true"}, kv...)
		tr, err := New(nil)(scalers.Config{Type: Type, Metadata: meta})
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	t.Run("partitionLimitation matching nothing is an error, as KEDA", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		_, err := build("partitionLimitation", "7-9").Source.Poll(ctx)
		if err == nil || !strings.Contains(err.Error(), "partitionLimitation matches none") {
			t.Fatalf("Poll() error = %v, want the no-partition error", err)
		}
	})
	t.Run("partition missing from ListOffsets counts 0, as KEDA", func(t *testing.T) {
		// Answer ListOffsets without partition 1, as Event Hubs sometimes
		// does; the other partitions keep their real log end offsets.
		k.c.ControlKey(kmsg.ListOffsets.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
			k.c.KeepControl()
			lreq := req.(*kmsg.ListOffsetsRequest)
			resp := lreq.ResponseKind().(*kmsg.ListOffsetsResponse)
			ends := map[int32]int64{0: 4, 2: 8}
			for _, rt := range lreq.Topics {
				st := kmsg.NewListOffsetsResponseTopic()
				st.Topic = rt.Topic
				for _, rp := range rt.Partitions {
					end, ok := ends[rp.Partition]
					if !ok {
						continue
					}
					sp := kmsg.NewListOffsetsResponseTopicPartition()
					sp.Partition, sp.Offset, sp.LeaderEpoch = rp.Partition, end, -1
					sp.Timestamp = -1
					st.Partitions = append(st.Partitions, sp)
				}
				resp.Topics = append(resp.Topics, st)
			}
			return resp, nil, true
		})
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		v, act, err := build().Source.(*source).PollActivity(ctx)
		if err != nil || v != 12 || act != 12 {
			t.Fatalf("PollActivity() = %v, %v, %v; want 12 (4 + 8) for both", v, act, err)
		}
	})
}

// FuzzNew builds kafka triggers from arbitrary metadata and key material:
// no input may panic, and no password may appear in an error.
func FuzzNew(f *testing.F) {
	f.Add("2.8.0", "1,2-3", "true", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", "hunter2pw")
	f.Add("0.10.2.1", "", "false", "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END EC PRIVATE KEY-----\n", "secretpw")
	f.Add("x", "9-1", "maybe", "not pem", "")
	f.Fuzz(func(t *testing.T, version, limit, even, key, password string) {
		_, err := New(nil)(scalers.Config{Type: Type,
			Metadata: map[string]string{"bootstrapServers": "127.0.0.1:1", "consumerGroup": "g", "topic": "t",
				"version": version, "partitionLimitation": limit, "ensureEvenDistributionOfPartitions": even},
			AuthParams: map[string]string{"tls": "enable", "cert": "c", "key": key, "keyPassword": password},
		})
		if err != nil && len(strings.TrimSpace(password)) > 4 && strings.Contains(err.Error(), strings.TrimSpace(password)) &&
			!strings.Contains(version+limit+even+key, strings.TrimSpace(password)) {
			t.Fatalf("error %q reveals the key password", err)
		}
	})
}
