package azureblob

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/azstorage"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/scalertest"
)

func newTrigger(t *testing.T, cache *ClientCache, meta, auth map[string]string) (*scalers.Trigger, error) {
	t.Helper()
	if auth == nil {
		auth = map[string]string{"connection": scalertest.StorageConnection}
	}
	return New(cache)(scalers.Config{Index: 3, Type: Type, Metadata: meta, AuthParams: auth})
}

func TestDecode(t *testing.T) {
	tests := []scalertest.Case{
		{Name: "container missing", Meta: map[string]string{}, Param: "blobContainerName", Err: "required but not set"},
		{Name: "container invalid", Meta: map[string]string{"blobContainerName": "My_Files"}, Param: "blobContainerName", Err: "want a container name"},
		{Name: "blobCount not a number", Meta: map[string]string{"blobContainerName": "c-1", "blobCount": "x"}, Param: "blobCount", Err: `got "x"`},
		{Name: "blobCount zero", Meta: map[string]string{"blobContainerName": "c-1", "blobCount": "0"}, Param: "blobCount", Err: "greater than 0"},
		{Name: "activation negative", Meta: map[string]string{"blobContainerName": "c-1", "activationBlobCount": "-2"}, Param: "activationBlobCount", Err: "at least 0"},
		{Name: "recursive not a bool", Meta: map[string]string{"blobContainerName": "c-1", "recursive": "sometimes"}, Param: "recursive", Err: `got "sometimes"`},
		{Name: "prefix too long", Meta: map[string]string{"blobContainerName": "c-1", "blobPrefix": strings.Repeat("p", 1025)}, Param: "blobPrefix", Err: "at most 1024"},
		{Name: "glob unclosed class", Meta: map[string]string{"blobContainerName": "c-1", "globPattern": "a[bc"}, Param: "globPattern", Err: "invalid glob pattern"},
		{Name: "no connection", Meta: map[string]string{"blobContainerName": "c-1"}, Auth: map[string]string{}, Param: "connection", Err: "required but not set"},
		{Name: "connection invalid", Meta: map[string]string{"blobContainerName": "c-1"}, Auth: map[string]string{"connection": "AccountKey=" + scalertest.StorageKey}, Param: "connection", Err: "AccountKey without AccountName"},
		{Name: "cloud unknown", Meta: map[string]string{"blobContainerName": "c-1", "accountName": "acct", "cloud": "Moon"}, Auth: map[string]string{}, Param: "cloud", Err: "want one of"},
		{Name: "private without suffix", Meta: map[string]string{"blobContainerName": "c-1", "accountName": "acct", "cloud": "Private"}, Auth: map[string]string{}, Param: "endpointSuffix", Err: "required"},
	}
	scalertest.CheckParamCases(t, New(nil), scalers.Config{Index: 3, Type: Type, AuthParams: map[string]string{"connection": scalertest.StorageConnection}}, scalertest.ParamErr{Trigger: "trigger 3 (azure-blob)", Secrets: []string{scalertest.StorageKey}}, tests)
}

func TestListing(t *testing.T) {
	tests := []struct {
		name                  string
		meta                  map[string]string
		wantPrefix, wantDelim string
		wantGlob              bool
	}{
		{"defaults", map[string]string{}, "", "/", false},
		{"prefix gets the delimiter", map[string]string{"blobPrefix": "in"}, "in/", "/", false},
		{"prefix with the delimiter kept", map[string]string{"blobPrefix": "in/"}, "in/", "/", false},
		{"other delimiter", map[string]string{"blobPrefix": "in", "blobDelimiter": "-"}, "in-", "-", false},
		{"recursive is flat, prefix as written", map[string]string{"blobPrefix": "in", "recursive": "true"}, "in", "", false},
		{"glob is flat", map[string]string{"blobPrefix": "in", "globPattern": "*.csv"}, "in/", "", true},
		{"glob recursive", map[string]string{"blobPrefix": "in", "globPattern": "*.csv", "recursive": "true"}, "in", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.meta["blobContainerName"] = "files"
			tr, err := newTrigger(t, nil, tt.meta, nil)
			if err != nil {
				t.Fatal(err)
			}
			l := tr.Source.(*source).listing
			if l.prefix != tt.wantPrefix || l.delimiter != tt.wantDelim || (l.glob != nil) != tt.wantGlob {
				t.Fatalf("listing %+v, want prefix %q delimiter %q glob %v", l, tt.wantPrefix, tt.wantDelim, tt.wantGlob)
			}
		})
	}
}

func TestTrigger(t *testing.T) {
	tr, err := newTrigger(t, nil, map[string]string{"blobContainerName": "files", "blobCount": "20", "activationBlobCount": "4"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tr.MetricName != "azure-blob-files" || tr.Target != 20 || tr.ActivationTarget != 4 || tr.Warning != "" {
		t.Fatalf("trigger %+v", tr)
	}
	if !strings.HasPrefix(tr.Key, `azure-blob https://acct.blob.core.windows.net files prefix="" delimiter="/" glob="" `) || strings.Contains(tr.Key, scalertest.StorageKey) {
		t.Fatalf("key %q", tr.Key)
	}
	keyOf := func(meta map[string]string) string {
		meta["blobContainerName"] = "files"
		tr, err := newTrigger(t, nil, meta, nil)
		if err != nil {
			t.Fatal(err)
		}
		return tr.Key
	}
	keys := map[string]bool{}
	for _, m := range []map[string]string{{}, {"blobPrefix": "a"}, {"recursive": "true"}, {"globPattern": "*"}, {"blobDelimiter": "-"}} {
		keys[keyOf(m)] = true
	}
	if len(keys) != 5 {
		t.Fatalf("listings share keys: %v", keys)
	}
	if keyOf(map[string]string{"blobPrefix": "a"}) != keyOf(map[string]string{"blobPrefix": "a/"}) {
		t.Fatal(`"a" and "a/" list the same blobs but differ in key`)
	}
	cache := NewClientCache(4)
	for _, c := range []string{"c-1", "c-2"} {
		if _, err := newTrigger(t, cache, map[string]string{"blobContainerName": c}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if cache.Len() != 1 {
		t.Fatalf("cache holds %d clients, want 1", cache.Len())
	}
}

// fakeContainer is a containerAPI over fixed pages.
type fakeContainer struct {
	pages [][]string
	err   error
	got   struct{ prefix, delimiter string }
}

func (f *fakeContainer) EachPage(_ context.Context, prefix, delimiter string, fn func([]string)) error {
	f.got.prefix, f.got.delimiter = prefix, delimiter
	for _, p := range f.pages {
		fn(p)
	}
	return f.err
}

func TestPoll(t *testing.T) {
	pages := [][]string{{"a.csv", "b.txt"}, {"d/c.csv"}, {}, {"e.CSV"}}
	glob, err := compileGlob("*.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		l    listing
		want float64
	}{
		{"every page counted", listing{prefix: "p/", delimiter: "/"}, 4},
		{"glob over pages", listing{glob: glob}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeContainer{pages: pages}
			got, err := (&source{container: f, listing: tt.l}).Poll(context.Background())
			if err != nil || got != tt.want || f.got.prefix != tt.l.prefix || f.got.delimiter != tt.l.delimiter {
				t.Fatalf("got %v, %v (listed %+v), want %v", got, err, f.got, tt.want)
			}
		})
	}
	boom := errors.New("boom")
	if _, err := (&source{container: &fakeContainer{pages: pages, err: boom}}).Poll(context.Background()); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
}

func TestIdentity(t *testing.T) {
	tr, err := newTrigger(t, nil, map[string]string{"blobContainerName": "files", "accountName": "acct", "cloud": "Private", "endpointSuffix": "blob.airgap.example"}, map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tr.Key, "azure-blob https://acct.blob.airgap.example files") {
		t.Fatalf("key %q", tr.Key)
	}
	if _, err := tr.Source.Poll(context.Background()); !errors.Is(err, azstorage.ErrIdentityUnsupported) {
		t.Fatalf("poll: %v, want ErrIdentityUnsupported", err)
	}
}
