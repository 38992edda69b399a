package azureservicebus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	azruntime "github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

func TestSanitize(t *testing.T) {
	conn, err := parseConnection(testConn)
	if err != nil {
		t.Fatal(err)
	}
	respErr := func(code int) error {
		req, _ := http.NewRequest(http.MethodGet, "https://contoso-bus.servicebus.windows.net/jobs?sig=abc", nil)
		return azruntime.NewResponseError(&http.Response{StatusCode: code, Status: http.StatusText(code), Request: req,
			Header: http.Header{}, Body: io.NopCloser(strings.NewReader("<Error><Code>401</Code><Detail>" + testKey + "</Detail></Error>"))})
	}
	tests := []struct {
		name     string
		err      error
		want     string
		notFound bool
	}{
		{"unauthorized", respErr(401), `get x: queue "jobs" in namespace contoso-bus.servicebus.windows.net: the credential was refused (401 Unauthorized): check the shared access key`, false},
		{"not found", respErr(404), `get x: queue "jobs" in namespace contoso-bus.servicebus.windows.net: 404 Not Found: not found`, true},
		{"server error", respErr(503), "503 Service Unavailable", false},
		{"url error", &url.Error{Op: "Get", URL: "https://h/?sig=secret", Err: errors.New("dial tcp: refused")}, "get x: namespace contoso-bus.servicebus.windows.net: dial tcp: refused", false},
		{"secret in message", fmt.Errorf("odd %s and %s", testKey, testConn), "odd [redacted] and [redacted]", false},
		{"signature in message", errors.New("token sr=x&sig=abcdef&se=1"), "token sr=x&sig=[redacted]", false},
		{"deadline", fmt.Errorf("wrapped: %w", context.DeadlineExceeded), "context deadline exceeded", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sanitize("get x", `queue "jobs"`, tt.err, conn)
			if !strings.Contains(got.Error(), tt.want) || errors.Is(got, ErrEntityNotFound) != tt.notFound {
				t.Errorf("sanitize = %q, want %q (not found %v)", got, tt.want, tt.notFound)
			}
			for _, secret := range []string{testKey, "sig=abc", "secret"} {
				if strings.Contains(got.Error(), secret) {
					t.Errorf("sanitize kept %q: %v", secret, got)
				}
			}
		})
	}
	if got := sanitize("get x", "", context.Canceled, conn); !errors.Is(got, context.Canceled) {
		t.Errorf("context.Canceled lost: %v", got)
	}
}

func TestWithRecover(t *testing.T) {
	_, err := withRecover("list", func() (int, error) {
		var p *int
		return *p, nil
	})
	if err == nil || !strings.Contains(err.Error(), "malformed response") {
		t.Fatalf("err = %v", err)
	}
	if v, err := withRecover("get", func() (int, error) { return 3, nil }); v != 3 || err != nil {
		t.Fatalf("= %v, %v", v, err)
	}
}
