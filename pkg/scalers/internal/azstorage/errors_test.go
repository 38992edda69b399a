package azstorage

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/sluice-dev/sluice/pkg/scalers/internal/scalertest"
)

// responseError builds the SDK's error for a storage response to a
// request whose URL carries a SAS.
func responseError(status int, code string) error {
	req, _ := http.NewRequest(http.MethodGet, "https://acct.queue.core.windows.net/q?sv=1&sig=SECRETSIG", nil)
	h := http.Header{}
	if code != "" {
		h.Set("x-ms-error-code", code)
	}
	return runtime.NewResponseError(&http.Response{StatusCode: status, Status: http.StatusText(status), Header: h, Request: req, Body: http.NoBody})
}

func TestSanitize(t *testing.T) {
	const sas = "sv=1&sig=SECRETSIG"
	urlErr := &url.Error{Op: "Get", URL: "https://acct.queue.core.windows.net/q?" + sas, Err: errors.New("dial tcp: connection refused")}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"not found", responseError(404, "QueueNotFound"), "get queue properties: 404 QueueNotFound"},
		{"auth", responseError(403, "AuthenticationFailed"), "get queue properties: authentication failed (403 AuthenticationFailed): check the account key or shared access signature"},
		{"auth without code", responseError(403, ""), "get queue properties: authentication failed (403 (no error code)): check the account key or shared access signature"},
		{"server error", responseError(500, ""), "get queue properties: 500 (no error code)"},
		{"url error", fmt.Errorf("wrapped: %w", urlErr), "get queue properties: dial tcp: connection refused"},
		{"secret in message", errors.New("boom " + sas), "get queue properties: boom [redacted]"},
		{"sig in message", errors.New("x?sig=abc"), "get queue properties: x?sig=[redacted]"},
		{"sig before more parameters", errors.New("GET /q?sv=2&sig=abc%2Bdef&se=2030 failed"), "get queue properties: GET /q?sv=2&sig=[redacted]&se=2030 failed"},
		{"sig in upper case", errors.New(`url "https://a/q?SIG=abc"`), `get queue properties: url "https://a/q?SIG=[redacted]"`},
		{"sig escaped", errors.New("next=%3Fsig%3Dabc"), "get queue properties: next=%3Fsig%3D[redacted]"},
		{"no signature", errors.New("signature mismatch"), "get queue properties: signature mismatch"},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), "get queue properties: context deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sanitize("get queue properties", tt.err, sas)
			if got.Error() != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for _, leak := range []string{"SECRETSIG", "abc"} {
				if strings.Contains(got.Error(), leak) {
					t.Fatalf("shows the signature %s: %q", leak, got)
				}
			}
		})
	}
	if Sanitize("x", nil) != nil {
		t.Fatal("Sanitize(nil) != nil")
	}
	if !errors.Is(Sanitize("x", context.Canceled), context.Canceled) {
		t.Fatal("context.Canceled lost")
	}
}

func TestTargetSanitize(t *testing.T) {
	withKey := &Target{Conn: &Connection{AccountName: "acct", AccountKey: scalertest.StorageKey}}
	withSAS := &Target{Conn: &Connection{SAS: "sv=1&sig=SECRETSIG"}}
	if got := withKey.Sanitize("op", responseError(403, "AuthenticationFailed")).Error(); !strings.HasSuffix(got, "check the account key") {
		t.Fatalf("key: %q", got)
	}
	if got := withSAS.Sanitize("op", responseError(403, "AuthorizationFailure")).Error(); !strings.HasSuffix(got, "check the shared access signature") {
		t.Fatalf("SAS: %q", got)
	}
	if got := withKey.Sanitize("op", errors.New("x "+scalertest.StorageKey)).Error(); strings.Contains(got, scalertest.StorageKey) {
		t.Fatalf("key shown: %q", got)
	}
}

// FuzzSanitizeSignature: whatever surrounds it, a SAS signature in an
// error message never survives Sanitize.
func FuzzSanitizeSignature(f *testing.F) {
	f.Add("GET https://a/q?sv=1&", "SeCrEt%2Fsig", "&se=2030 failed")
	f.Add(`"`, "abc", `"`)
	f.Fuzz(func(t *testing.T, before, sig, after string) {
		if len(sig) < 8 || strings.ContainsAny(sig, "&\"'#<> \t\r\n\f\v") || strings.Contains(strings.ToLower(sig), "redacted") {
			return
		}
		got := Sanitize("op", errors.New(before+"?sig="+sig+"&"+after)).Error()
		if strings.Count(got, sig) > strings.Count(before+after, sig) {
			t.Fatalf("signature %q survives in %q", sig, got)
		}
	})
}
