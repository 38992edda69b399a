package azstorage

import (
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// ClientOptions returns the Azure SDK pipeline options for polling, for
// storage and the other Azure trigger types alike: one quick
// retry (the poller polls again at its interval anyway) and a per-try
// timeout, so that an unreachable endpoint fails a poll within seconds
// rather than after the SDK's default of four tries with backoff.
func ClientOptions() policy.ClientOptions {
	return policy.ClientOptions{
		Retry: policy.RetryOptions{
			MaxRetries:    1,
			TryTimeout:    30 * time.Second,
			RetryDelay:    200 * time.Millisecond,
			MaxRetryDelay: time.Second,
		},
		Telemetry: policy.TelemetryOptions{ApplicationID: "sluice"},
	}
}
