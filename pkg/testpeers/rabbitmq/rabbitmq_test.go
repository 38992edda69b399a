package rabbitmq

import (
	"net/url"
	"testing"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

func TestFindSbin(t *testing.T) {
	testenv.CheckFind(t, SbinEnv, ErrNotFound, FindSbin, "rabbitmq-server")
}

func TestURLs(t *testing.T) {
	b := &Broker{AMQPPort: 5672, ManagementPort: 15672, Password: "p@ss"}
	tests := []struct{ got, want string }{
		{b.AMQPURL("/"), "amqp://sluice:p%40ss@127.0.0.1:5672/%2F"},
		{b.AMQPURL(""), "amqp://sluice:p%40ss@127.0.0.1:5672/"},
		{b.ManagementURL("a b"), "http://sluice:p%40ss@127.0.0.1:15672/a%20b"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %s, want %s", tt.got, tt.want)
		}
		if _, err := url.Parse(tt.got); err != nil {
			t.Errorf("%s: %v", tt.got, err)
		}
	}
}
