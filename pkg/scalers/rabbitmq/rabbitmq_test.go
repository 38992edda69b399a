package rabbitmq

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

const secret = "hunter2"

func meta(kv ...string) map[string]string {
	m := map[string]string{"host": "amqp://u:" + secret + "@127.0.0.1:5672/vh", "queueName": "jobs"}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "-" {
			delete(m, kv[i])
			continue
		}
		m[kv[i]] = kv[i+1]
	}
	return m
}

func httpMeta(kv ...string) map[string]string {
	return meta(append([]string{"host", "http://u:" + secret + "@127.0.0.1:15672/vh"}, kv...)...)
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name    string
		meta    map[string]string
		auth    map[string]string
		env     map[string]string
		param   string
		want    string
		missing bool
	}{
		{name: "no host", meta: meta("host", "-"), param: "host", missing: true},
		{name: "no queue", meta: meta("queueName", "-"), param: "queueName", missing: true},
		{name: "host not a URL", meta: meta("host", "amqp://u:"+secret+"@h:port/"), param: "host", want: "not a URL"},
		{name: "host scheme", meta: meta("host", "ftp://u:"+secret+"@h/"), param: "host", want: `scheme "ftp"`},
		{name: "host without host", meta: meta("host", "amqp:///vh"), param: "host", want: "names no host"},
		{name: "host port", meta: meta("host", "amqp://h:0/"), param: "host", want: "port"},
		{name: "host from env missing", meta: meta("host", "-", "hostFromEnv", "RABBIT"), param: "host", want: `"RABBIT"`},
		{name: "protocol unknown", meta: meta("protocol", "mqtt"), param: "protocol", want: "one of"},
		{name: "protocol against scheme", meta: meta("protocol", "http"), param: "protocol", want: "scheme amqp://"},
		{name: "mode unknown", meta: meta("mode", "Length", "value", "1"), param: "mode"},
		{name: "mode without value", meta: meta("mode", "QueueLength"), param: "value", missing: true},
		{name: "value without mode", meta: meta("value", "5"), param: "mode", missing: true},
		{name: "value not a number", meta: meta("mode", "QueueLength", "value", "x"), param: "value"},
		{name: "value negative", meta: meta("mode", "QueueLength", "value", "-1"), param: "value", want: "greater than 0"},
		{name: "queueLength with mode", meta: meta("queueLength", "5", "mode", "QueueLength", "value", "1"), param: "queueLength", want: "deprecated"},
		{name: "queueLength negative", meta: meta("queueLength", "-5"), param: "queueLength", want: "greater than 0"},
		{name: "activation negative", meta: meta("activationValue", "-1"), param: "activationValue"},
		{name: "rate over amqp", meta: meta("mode", "MessageRate", "value", "1"), param: "mode", want: "management API"},
		{name: "ratio over amqp", meta: meta("mode", "PublishedToDeliveredRatio", "value", "1"), param: "mode"},
		{name: "regex over amqp", meta: meta("useRegex", "true"), param: "useRegex"},
		{name: "regex not bool", meta: httpMeta("useRegex", "yes please"), param: "useRegex"},
		{name: "exclude over amqp", meta: meta("excludeUnacknowledged", "true"), param: "excludeUnacknowledged"},
		{name: "operation unknown", meta: httpMeta("useRegex", "true", "operation", "min"), param: "operation"},
		{name: "page size zero", meta: httpMeta("useRegex", "true", "pageSize", "0"), param: "pageSize"},
		{name: "page size too big", meta: httpMeta("pageSize", "501"), param: "pageSize"},
		{name: "timeout zero", meta: httpMeta("timeout", "0"), param: "timeout"},
		{name: "timeout garbage", meta: httpMeta("timeout", "soon"), param: "timeout"},
		{name: "timeout negative", meta: httpMeta("timeout", "-1s"), param: "timeout"},
		{name: "unsafeSsl not bool", meta: meta("unsafeSsl", "maybe"), param: "unsafeSsl"},
		{name: "username alone", meta: meta(), auth: map[string]string{"username": "u"}, param: "password", missing: true},
		{name: "password alone", meta: meta(), auth: map[string]string{"password": secret}, param: "username", missing: true},
		{name: "tls unknown", meta: meta(), auth: map[string]string{"tls": "on"}, param: "tls"},
		{name: "tls on plain amqp", meta: meta(), auth: map[string]string{"tls": "enable"}, param: "tls", want: "amqps://"},
		{name: "bad ca", meta: meta("host", "amqps://h/"), auth: map[string]string{"tls": "enable", "ca": secret}, param: "ca"},
		{name: "cert without key", meta: meta("host", "amqps://h/"), auth: map[string]string{"tls": "enable", "cert": secret}, param: "key", missing: true},
		{name: "key without cert", meta: meta("host", "amqps://h/"), auth: map[string]string{"tls": "enable", "key": secret}, param: "cert", missing: true},
		{name: "cert garbage", meta: meta("host", "amqps://h/"), auth: map[string]string{"tls": "enable", "cert": secret, "key": secret}, param: "cert"},
		{name: "keyPassword on garbage", meta: meta("host", "amqps://h/"), auth: map[string]string{"tls": "enable", "cert": "c", "key": secret, "keyPassword": secret}, param: "keyPassword"},
		{name: "password in metadata", meta: meta("password", secret), param: "password", want: "TriggerAuthentication"},
		{name: "key in metadata", meta: meta("key", secret), param: "key", want: "TriggerAuthentication"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(nil)(scalers.Config{Index: 2, Type: Type, Metadata: tt.meta, AuthParams: tt.auth, Env: tt.env})
			if err == nil {
				t.Fatal("no error")
			}
			var pe *scalers.ParamError
			if !errors.As(err, &pe) || pe.Param != tt.param {
				t.Fatalf("error %v, want a ParamError for %q", err, tt.param)
			}
			if !strings.Contains(err.Error(), "trigger 2 (rabbitmq)") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q, want the trigger and %q", err, tt.want)
			}
			if errors.Is(err, scalers.ErrMissingParam) != tt.missing {
				t.Fatalf("error %v: missing = %v, want %v", err, !tt.missing, tt.missing)
			}
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("error shows the secret: %v", err)
			}
		})
	}
}

func TestNewDecodes(t *testing.T) {
	tests := []struct {
		name  string
		meta  map[string]string
		auth  map[string]string
		env   map[string]string
		want  target // compared on the fields set below
		vals  [2]float64
		name2 string // metric name
	}{
		{name: "defaults over amqp", meta: meta(),
			want: target{protocol: protoAMQP, scheme: "amqp", addr: "127.0.0.1:5672", vhost: "vh", mode: ModeQueueLength, operation: "sum", pageSize: 100, user: "u", pass: secret},
			vals: [2]float64{20, 0}, name2: "rabbitmq-jobs"},
		{name: "amqp root vhost", meta: meta("host", "amqp://h/"),
			want: target{protocol: protoAMQP, scheme: "amqp", addr: "h:5672", vhost: "/", mode: ModeQueueLength, operation: "sum", pageSize: 100},
			vals: [2]float64{20, 0}, name2: "rabbitmq-jobs"},
		{name: "amqps escaped vhost, default port", meta: meta("host", "amqps://h/a%2Fb"),
			want: target{protocol: protoAMQP, scheme: "amqps", addr: "h:5671", vhost: "a/b", mode: ModeQueueLength, operation: "sum", pageSize: 100},
			vals: [2]float64{20, 0}, name2: "rabbitmq-jobs"},
		{name: "http with prefix and vhost name", meta: httpMeta("host", "https://h:8443/proxy/rmq/old", "vhostName", "new vh", "mode", "MessageRate", "value", "2.5", "activationValue", "1.5", "timeout", "1500"),
			auth: map[string]string{"username": "au", "password": secret},
			want: target{protocol: protoHTTP, scheme: "https", addr: "h:8443", prefix: "/proxy/rmq", vhost: "new vh", mode: ModeMessageRate, operation: "sum", pageSize: 100, user: "au", pass: secret, timeout: 1500 * time.Millisecond},
			vals: [2]float64{2.5, 1.5}, name2: "rabbitmq-jobs"},
		{name: "http root vhost, regex, duration timeout", meta: httpMeta("host", "http://h:15672/", "queueName", "^a.*$", "useRegex", "true", "operation", "avg", "pageSize", "7", "timeout", "2s", "excludeUnacknowledged", "true", "protocol", "http"),
			want: target{protocol: protoHTTP, scheme: "http", addr: "h:15672", vhost: "/", mode: ModeQueueLength, operation: "avg", pageSize: 7, useRegex: true, excludeUnacked: true, timeout: 2 * time.Second},
			vals: [2]float64{20, 0}, name2: "rabbitmq-%5Ea.%2A%24"},
		{name: "http no path, default timeout", meta: httpMeta("host", "http://h"),
			want: target{protocol: protoHTTP, scheme: "http", addr: "h:80", vhost: "/", mode: ModeQueueLength, operation: "sum", pageSize: 100, timeout: defaultHTTPTimeout},
			vals: [2]float64{20, 0}, name2: "rabbitmq-jobs"},
		{name: "deprecated queueLength", meta: meta("queueLength", "7"),
			want: target{protocol: protoAMQP, scheme: "amqp", addr: "127.0.0.1:5672", vhost: "vh", mode: ModeQueueLength, operation: "sum", pageSize: 100, user: "u", pass: secret},
			vals: [2]float64{7, 0}, name2: "rabbitmq-jobs"},
		{name: "host from env, vhost and protocol from auth", meta: meta("host", "-", "hostFromEnv", "RABBIT"),
			env:  map[string]string{"RABBIT": "amqp://e:" + secret + "@rabbit.default:5672/"},
			auth: map[string]string{"vhostName": "av", "protocol": "amqp"},
			want: target{protocol: protoAMQP, scheme: "amqp", addr: "rabbit.default:5672", vhost: "av", mode: ModeQueueLength, operation: "sum", pageSize: 100, user: "e", pass: secret},
			vals: [2]float64{20, 0}, name2: "rabbitmq-jobs"},
		{name: "what sluice deploy writes for rabbitMQTrigger", meta: map[string]string{"queueName": "jobs", "hostFromEnv": "RabbitMQConnection"},
			env:  map[string]string{"RabbitMQConnection": "amqp://user:" + secret + "@rabbitmq.default:5672/"},
			want: target{protocol: protoAMQP, scheme: "amqp", addr: "rabbitmq.default:5672", vhost: "/", mode: ModeQueueLength, operation: "sum", pageSize: 100, user: "user", pass: secret},
			vals: [2]float64{20, 0}, name2: "rabbitmq-jobs"},
		{name: "host from auth, credentials from env", meta: meta("host", "-", "usernameFromEnv", "U", "passwordFromEnv", "P"),
			auth: map[string]string{"host": "amqp://h:1/"}, env: map[string]string{"U": "eu", "P": secret},
			want: target{protocol: protoAMQP, scheme: "amqp", addr: "h:1", vhost: "/", mode: ModeQueueLength, operation: "sum", pageSize: 100, user: "eu", pass: secret},
			vals: [2]float64{20, 0}, name2: "rabbitmq-jobs"},
		{name: "every http-only mode", meta: httpMeta("mode", "ExpectedQueueConsumptionTime", "value", "30", "unsafeSsl", "true"),
			want: target{protocol: protoHTTP, scheme: "http", addr: "127.0.0.1:15672", vhost: "vh", mode: ModeExpectedQueueConsumptionTime, operation: "sum", pageSize: 100, user: "u", pass: secret, timeout: defaultHTTPTimeout},
			vals: [2]float64{30, 0}, name2: "rabbitmq-jobs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := New(nil)(scalers.Config{Type: Type, Metadata: tt.meta, AuthParams: tt.auth, Env: tt.env})
			if err != nil {
				t.Fatal(err)
			}
			src := tr.Source.(*source)
			got := *src.t
			got.queue, got.activation, got.value, got.hasUser, got.secretHash, got.tlsDesc = "", 0, 0, false, "", ""
			if got != tt.want {
				t.Fatalf("target\n got %+v\nwant %+v", got, tt.want)
			}
			if tr.Target != tt.vals[0] || tr.ActivationTarget != tt.vals[1] || tr.MetricName != tt.name2 {
				t.Fatalf("target %v, activation %v, metric %q; want %v, %q", tr.Target, tr.ActivationTarget, tr.MetricName, tt.vals, tt.name2)
			}
			if strings.Contains(tr.Key, secret) {
				t.Fatalf("key shows the password: %s", tr.Key)
			}
			_, inline := tt.meta["host"]
			inline = inline && strings.Contains(tt.meta["host"], ":"+secret+"@")
			if got := strings.Contains(tr.Warning, "holds a password"); got != inline || strings.Contains(tr.Warning, secret) {
				t.Fatalf("warning %q; want one (without the password) exactly when metadata's host has a password", tr.Warning)
			}
		})
	}
}

func TestKey(t *testing.T) {
	build := func(m map[string]string, auth map[string]string) string {
		t.Helper()
		tr, err := New(nil)(scalers.Config{Type: Type, Metadata: m, AuthParams: auth})
		if err != nil {
			t.Fatal(err)
		}
		return tr.Key
	}
	base := build(meta(), nil)
	if again := build(meta(), nil); again != base {
		t.Fatalf("same trigger, different keys:\n%s\n%s", base, again)
	}
	if same := build(meta("activationValue", "3"), nil); same != base {
		t.Fatalf("activationValue changed a QueueLength key")
	}
	for name, m := range map[string]map[string]string{
		"password": meta("host", "amqp://u:other@127.0.0.1:5672/vh"),
		"vhost":    meta("vhostName", "x"),
		"queue":    meta("queueName", "other"),
		"host":     meta("host", "amqp://u:"+secret+"@127.0.0.2:5672/vh"),
		"mode":     httpMeta("mode", "MessageRate", "value", "20"),
		"value":    meta("mode", "QueueLength", "value", "5"),
	} {
		if k := build(m, nil); k == base && name != "value" {
			t.Errorf("%s: key unchanged", name)
		} else if name == "value" && k != base {
			t.Errorf("value changed the key: targets are per trigger")
		}
	}
	if k := build(meta(), map[string]string{"username": "u", "password": "p2"}); k == base {
		t.Error("TriggerAuthentication password: key unchanged")
	}
}

func FuzzNew(f *testing.F) {
	f.Add("amqp://u:p@h:5672/v", "auto", "q", "QueueLength", "5", "0", "", "false", "sum", "100", "")
	f.Add("http://h/p/%2F", "http", "^a$", "MessageRate", "1.5", "2", "v", "true", "avg", "0", "1s")
	f.Add("https://[::1]:x/", "amqp", "", "Bogus", "-1", "x", "", "maybe", "min", "501", "-3")
	f.Fuzz(func(t *testing.T, host, proto, queue, mode, value, act, vhost, regex, op, page, timeout string) {
		tr, err := New(nil)(scalers.Config{Type: Type, Metadata: map[string]string{
			"host": host, "protocol": proto, "queueName": queue, "mode": mode, "value": value,
			"activationValue": act, "vhostName": vhost, "useRegex": regex, "operation": op,
			"pageSize": page, "timeout": timeout,
		}})
		if err != nil {
			var pe *scalers.ParamError
			if !errors.As(err, &pe) {
				t.Fatalf("not a ParamError: %v", err)
			}
			if pw := passwordOf(host); pw != "" && len(pw) > 3 && strings.Contains(err.Error(), pw) {
				t.Fatalf("error shows the host's password %q: %v", pw, err)
			}
			return
		}
		if tr.Target <= 0 || tr.ActivationTarget < 0 || tr.Source == nil || tr.Key == "" {
			t.Fatalf("invalid trigger accepted: %+v", tr)
		}
	})
}

// passwordOf returns the password in a URL's userinfo, or "".
func passwordOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return ""
	}
	p, _ := u.User.Password()
	return p
}
