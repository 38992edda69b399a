package servicebus

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"flag"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fixedNow is the clock of the fixture tests.
var fixedNow = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

// sign makes a token as "Service Bus access control with Shared Access
// Signatures" documents it, independently of the peer's checker.
func sign(resource, keyName, key string, expiry time.Time) string {
	sr := strings.ToLower(url.QueryEscape(resource))
	se := strconv.FormatInt(expiry.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(sr + "\n" + se))
	sig := url.QueryEscape(base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	return "SharedAccessSignature sr=" + sr + "&sig=" + sig + "&se=" + se + "&skn=" + keyName
}

// get requests path from p with the Authorization header auth ("" for
// none) and returns the status and body with the address replaced by
// {{addr}}.
func get(t *testing.T, p *Peer, path, auth string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "https://"+p.Addr()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := p.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, strings.ReplaceAll(string(b), p.Addr(), "{{addr}}")
}

// fixturePeer is a peer at a fixed clock holding the entities the
// fixtures show.
func fixturePeer(t *testing.T) *Peer {
	t.Helper()
	p := New(t, Options{Now: func() time.Time { return fixedNow }})
	p.SetQueue("orders", Counts{Active: 7, DeadLetter: 1, Scheduled: 2})
	p.SetQueue("invoices", Counts{Active: 3})
	p.SetQueue("audit", Counts{})
	p.SetSubscription("events", "billing", Counts{Active: 4, Transfer: 1})
	p.SetSubscription("events", "archive", Counts{})
	return p
}

// TestResponsesMatchFixtures checks each response against its fixture;
// testdata/README.md names the documentation section each follows.
func TestResponsesMatchFixtures(t *testing.T) {
	p := fixturePeer(t)
	auth := sign("https://"+p.Addr()+"/", KeyName, p.Key(), fixedNow.Add(time.Hour))
	tests := []struct {
		name, path, auth string
		status           int
		fixture          string
	}{
		{"queue entry", "/orders?api-version=2024-05", auth, 200, "queue-entry.xml"},
		{"topic entry", "/events?api-version=2024-05", auth, 200, "topic-entry.xml"},
		{"subscription entry", "/events/Subscriptions/billing?api-version=2024-05", auth, 200, "subscription-entry.xml"},
		{"queue enumeration page", "/$Resources/Queues?$skip=1&$top=1&api-version=2024-05", auth, 200, "queues-feed.xml"},
		{"subscription enumeration", "/events/Subscriptions?api-version=2024-05", auth, 200, "subscriptions-feed.xml"},
		{"empty page", "/$Resources/Queues?$skip=5&api-version=2024-05", auth, 200, "queues-feed-empty.xml"},
		{"missing entity", "/nope?api-version=2024-05", auth, 404, "error-404.xml"},
		{"no token", "/orders?api-version=2024-05", "", 401, "error-401.xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := get(t, p, tt.path, tt.auth)
			if status != tt.status {
				t.Errorf("status %d, want %d; body %s", status, tt.status, body)
			}
			path := filepath.Join("testdata", tt.fixture)
			if *update {
				if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if body != string(want) {
				t.Errorf("body differs from %s:\n got %s\nwant %s", path, body, want)
			}
		})
	}
}

// TestSharedAccessSignature checks that only a token signed with the key
// for a resource covering the entity, before its expiry, is accepted.
func TestSharedAccessSignature(t *testing.T) {
	p := fixturePeer(t)
	root := "https://" + p.Addr() + "/"
	later := fixedNow.Add(time.Hour)
	tests := []struct {
		name, path, auth string
		want             int
		detail           string
	}{
		{"namespace token", "/orders", sign(root, KeyName, p.Key(), later), 200, ""},
		{"entity token", "/orders", sign(root+"orders", KeyName, p.Key(), later), 200, ""},
		{"sb scheme, no slash", "/orders", sign("sb://"+p.Addr(), KeyName, p.Key(), later), 200, ""},
		{"entity token with query", "/orders", sign(root+"orders?api-version=2024-05", KeyName, p.Key(), later), 200, ""},
		{"subscription under topic token", "/events/Subscriptions/billing", sign(root+"events", KeyName, p.Key(), later), 200, ""},
		{"wrong key", "/orders", sign(root, KeyName, base64.StdEncoding.EncodeToString([]byte("not the key")), later), 401, "InvalidSignature"},
		{"unknown key name", "/orders", sign(root, "Other", p.Key(), later), 401, "unknown shared access key"},
		{"expired", "/orders", sign(root, KeyName, p.Key(), fixedNow.Add(-time.Second)), 401, "ExpiredToken"},
		{"other entity", "/orders", sign(root+"invoices", KeyName, p.Key(), later), 401, "InvalidAudience"},
		{"name prefix is not a path prefix", "/orders", sign(root+"ord", KeyName, p.Key(), later), 401, "InvalidAudience"},
		{"other host", "/orders", sign("https://example.com/", KeyName, p.Key(), later), 401, "InvalidAudience"},
		{"bearer", "/orders", "Bearer abc", 401, "MissingToken"},
		{"no signature", "/orders", "SharedAccessSignature sr=x&se=1&skn=" + KeyName, 401, "MalformedToken"},
		{"signature not base64", "/orders", "SharedAccessSignature sr=x&sig=%%%&se=99999999999&skn=" + KeyName, 401, "MalformedToken"},
		{"tampered expiry", "/orders", strings.Replace(sign(root, KeyName, p.Key(), later), "&se=", "&se=1", 1), 401, "InvalidSignature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := get(t, p, tt.path, tt.auth)
			if status != tt.want || !strings.Contains(body, tt.detail) {
				t.Errorf("status %d body %s, want %d with %q", status, body, tt.want, tt.detail)
			}
			if status == 401 && strings.Contains(body, p.Key()) {
				t.Error("the 401 body holds the key")
			}
		})
	}
}

// TestPaging checks $skip and $top over the sorted queue list.
func TestPaging(t *testing.T) {
	p := fixturePeer(t)
	auth := sign("https://"+p.Addr()+"/", KeyName, p.Key(), fixedNow.Add(time.Hour))
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"audit", "invoices", "orders"}},
		{"$top=2", []string{"audit", "invoices"}},
		{"$skip=2&$top=2", []string{"orders"}},
		{"$skip=3", nil},
		{"$top=0", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			status, body := get(t, p, "/$Resources/Queues?"+tt.query, auth)
			if status != 200 {
				t.Fatalf("status %d: %s", status, body)
			}
			var got []string
			for _, part := range strings.Split(body, `<title type="text">`)[2:] {
				got = append(got, part[:strings.Index(part, "<")])
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("titles %v, want %v", got, tt.want)
			}
		})
	}
	if status, _ := get(t, p, "/$Resources/Queues?$top=-1", auth); status != 400 {
		t.Errorf("$top=-1: status %d, want 400", status)
	}
}
