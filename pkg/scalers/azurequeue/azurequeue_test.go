package azurequeue

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/azstorage"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/scalertest"
)

func newTrigger(t *testing.T, cache *ClientCache, meta, auth, env map[string]string) (*scalers.Trigger, error) {
	t.Helper()
	return New(cache)(scalers.Config{Index: 1, Type: Type, Metadata: meta, AuthParams: auth, Env: env})
}

func TestDecode(t *testing.T) {
	auth := map[string]string{"connection": scalertest.StorageConnection}
	tests := []scalertest.Case{
		{Name: "queueName missing", Meta: map[string]string{}, Auth: auth, Param: "queueName", Err: "required but not set"},
		{Name: "queueName invalid", Meta: map[string]string{"queueName": "Jobs"}, Auth: auth, Param: "queueName", Err: "want a queue name"},
		{Name: "queueLength not a number", Meta: map[string]string{"queueName": "jobs", "queueLength": "five"}, Auth: auth, Param: "queueLength", Err: `got "five"`},
		{Name: "queueLength zero", Meta: map[string]string{"queueName": "jobs", "queueLength": "0"}, Auth: auth, Param: "queueLength", Err: "greater than 0"},
		{Name: "queueLength fraction", Meta: map[string]string{"queueName": "jobs", "queueLength": "2.5"}, Auth: auth, Param: "queueLength", Err: `got "2.5"`},
		{Name: "activation negative", Meta: map[string]string{"queueName": "jobs", "activationQueueLength": "-1"}, Auth: auth, Param: "activationQueueLength", Err: "at least 0"},
		{Name: "strategy unknown", Meta: map[string]string{"queueName": "jobs", "queueLengthStrategy": "some"}, Auth: auth, Param: "queueLengthStrategy", Err: `got "some"`},
		{Name: "no connection", Meta: map[string]string{"queueName": "jobs"}, Param: "connection", Err: "required but not set"},
		{Name: "connectionFromEnv unset", Meta: map[string]string{"queueName": "jobs", "connectionFromEnv": "STORAGE"}, Param: "connection", Err: `"STORAGE"`},
		{Name: "connection invalid", Meta: map[string]string{"queueName": "jobs"}, Auth: map[string]string{"connection": "AccountName=acct"}, Param: "connection", Err: "neither AccountKey"},
		{Name: "connection inline, not a connection string", Meta: map[string]string{"queueName": "jobs", "connection": "AzureWebJobsStorage"}, Param: "connection", Err: "write connectionFromEnv instead"},
		{Name: "cloud unknown", Meta: map[string]string{"queueName": "jobs", "accountName": "acct", "cloud": "Mars"}, Param: "cloud", Err: "want one of"},
		{Name: "private without suffix", Meta: map[string]string{"queueName": "jobs", "accountName": "acct", "cloud": "Private"}, Param: "endpointSuffix", Err: "required"},
		{Name: "accountName invalid", Meta: map[string]string{"queueName": "jobs", "accountName": "ACCT"}, Param: "accountName", Err: "want 3 to 24"},
	}
	scalertest.CheckParamCases(t, New(nil), scalers.Config{Index: 1, Type: Type}, scalertest.ParamErr{Trigger: "trigger 1 (azure-queue)", Secrets: []string{scalertest.StorageKey}}, tests)
}

func TestTrigger(t *testing.T) {
	tr, err := newTrigger(t, nil, map[string]string{"queueName": "jobs", "connectionFromEnv": "STORAGE"}, nil, map[string]string{"STORAGE": scalertest.StorageConnection})
	if err != nil {
		t.Fatal(err)
	}
	if tr.MetricName != "azure-queue-jobs" || tr.Target != 5 || tr.ActivationTarget != 0 || tr.Warning != "" {
		t.Fatalf("defaults: %+v", tr)
	}
	if scalers.MetricName(1, tr.MetricName) != "s1-azure-queue-jobs" {
		t.Fatalf("metric name %s", scalers.MetricName(1, tr.MetricName))
	}
	if strings.Contains(tr.Key, scalertest.StorageKey) || !strings.HasPrefix(tr.Key, "azure-queue https://acct.queue.core.windows.net jobs all ") {
		t.Fatalf("key %q", tr.Key)
	}

	tr, err = newTrigger(t, nil, map[string]string{"queueName": "jobs", "queueLength": "10", "activationQueueLength": "3", "queueLengthStrategy": "visibleonly",
		"connection": "UseDevelopmentStorage=true"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Target != 10 || tr.ActivationTarget != 3 || !strings.Contains(tr.Warning, "local storage emulator") ||
		!strings.HasPrefix(tr.Key, "azure-queue http://127.0.0.1:10001/devstoreaccount1 jobs visibleonly ") {
		t.Fatalf("explicit: %+v", tr)
	}
}

func TestKeys(t *testing.T) {
	base := map[string]string{"queueName": "jobs"}
	with := func(k, v string) map[string]string {
		m := map[string]string{"queueName": "jobs"}
		m[k] = v
		return m
	}
	keyOf := func(meta map[string]string, conn string) string {
		tr, err := newTrigger(t, nil, meta, map[string]string{"connection": conn}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return tr.Key
	}
	k := keyOf(base, scalertest.StorageConnection)
	if keyOf(with("queueLength", "50"), scalertest.StorageConnection) != k || keyOf(with("activationQueueLength", "9"), scalertest.StorageConnection) != k {
		t.Fatal("targets split the key; they do not change the polled value")
	}
	for name, other := range map[string]string{
		"queue":    keyOf(with("queueName", "other"), scalertest.StorageConnection),
		"strategy": keyOf(with("queueLengthStrategy", "visibleonly"), scalertest.StorageConnection),
		"key":      keyOf(base, "AccountName=acct;AccountKey=b3RoZXI="),
		"account":  keyOf(base, "AccountName=acct2;AccountKey="+scalertest.StorageKey),
	} {
		if other == k {
			t.Errorf("%s does not change the key", name)
		}
	}
}

func TestClientsShared(t *testing.T) {
	cache := NewClientCache(8)
	for _, q := range []string{"a-1", "a-2", "a-3"} {
		if _, err := newTrigger(t, cache, map[string]string{"queueName": q}, map[string]string{"connection": scalertest.StorageConnection}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := newTrigger(t, cache, map[string]string{"queueName": "a-1"}, map[string]string{"connection": "AccountName=acct;SharedAccessSignature=sv=1&sig=x"}, nil); err != nil {
		t.Fatal(err)
	}
	if cache.Len() != 2 {
		t.Fatalf("Len() = %d, want 2 (one per credential)", cache.Len())
	}
}

// fakeQueue is a queueAPI with fixed answers.
type fakeQueue struct {
	approx, visible int64
	err             error
	peeks, props    int
}

func (f *fakeQueue) ApproximateCount(context.Context) (int64, error) {
	f.props++
	return f.approx, f.err
}

func (f *fakeQueue) PeekCount(_ context.Context, max int32) (int, error) {
	f.peeks++
	return int(min(f.visible, int64(max))), f.err
}

func TestPoll(t *testing.T) {
	tests := []struct {
		name            string
		strategy        string
		approx, visible int64
		want            float64
		peeks, props    int
	}{
		{"all", StrategyAll, 7, 4, 7, 0, 1},
		{"visibleonly below 32", StrategyVisibleOnly, 7, 4, 4, 1, 0},
		{"visibleonly empty", StrategyVisibleOnly, 3, 0, 0, 1, 0},
		{"visibleonly at 32 falls back", StrategyVisibleOnly, 120, 40, 120, 1, 1},
		{"visibleonly 31", StrategyVisibleOnly, 90, 31, 31, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := &fakeQueue{approx: tt.approx, visible: tt.visible}
			got, err := (&source{queue: q, strategy: tt.strategy}).Poll(context.Background())
			if err != nil || got != tt.want || q.peeks != tt.peeks || q.props != tt.props {
				t.Fatalf("got %v, %v (peeks %d, props %d), want %v (peeks %d, props %d)", got, err, q.peeks, q.props, tt.want, tt.peeks, tt.props)
			}
		})
	}
	boom := errors.New("boom")
	for _, s := range []string{StrategyAll, StrategyVisibleOnly} {
		if _, err := (&source{queue: &fakeQueue{err: boom}, strategy: s}).Poll(context.Background()); !errors.Is(err, boom) {
			t.Fatalf("%s: err = %v, want boom", s, err)
		}
	}
}

func TestIdentity(t *testing.T) {
	tr, err := newTrigger(t, nil, map[string]string{"queueName": "jobs", "accountName": "acct", "cloud": "AzureChinaCloud"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tr.Key, "azure-queue https://acct.queue.core.chinacloudapi.cn jobs") || !strings.Contains(tr.Warning, "not supported yet") {
		t.Fatalf("identity trigger: %+v", tr)
	}
	if _, err := tr.Source.Poll(context.Background()); !errors.Is(err, azstorage.ErrIdentityUnsupported) {
		t.Fatalf("poll: %v, want ErrIdentityUnsupported", err)
	}
}

func FuzzNew(f *testing.F) {
	f.Add("jobs", "5", "0", "all", scalertest.StorageConnection, "", "AzurePublicCloud", "")
	f.Add("jobs", "1", "2", "visibleonly", "UseDevelopmentStorage=true", "", "Private", "q.example")
	f.Add("j", "x", "-1", "", "", "acct", "Private", "")
	f.Fuzz(func(t *testing.T, name, length, act, strategy, conn, account, cloud, suffix string) {
		tr, err := New(nil)(scalers.Config{Type: Type, Metadata: map[string]string{
			"queueName": name, "queueLength": length, "activationQueueLength": act, "queueLengthStrategy": strategy,
			"accountName": account, "cloud": cloud, "endpointSuffix": suffix,
		}, AuthParams: map[string]string{"connection": conn}})
		if err != nil {
			var pe *scalers.ParamError
			if !errors.As(err, &pe) {
				t.Fatalf("not a ParamError: %v", err)
			}
			return
		}
		if tr.Target <= 0 || tr.ActivationTarget < 0 || tr.Source == nil {
			t.Fatalf("invalid trigger accepted: %+v", tr)
		}
	})
}
