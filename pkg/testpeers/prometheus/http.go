package prometheus

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// get fetches url and returns the status code and at most 1 MiB of body.
func get(ctx context.Context, url string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, fmt.Errorf("build request: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("get: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, nil, fmt.Errorf("read response: %w", err)
	}
	return resp.StatusCode, body, nil
}

// upIsOne reports whether a query response for `up` holds a sample of 1.
func upIsOne(body []byte) bool {
	var r struct {
		Data struct {
			Result []struct {
				Value []any `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &r) != nil {
		return false
	}
	for _, s := range r.Data.Result {
		if len(s.Value) == 2 && s.Value[1] == "1" {
			return true
		}
	}
	return false
}
