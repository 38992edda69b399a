package azurequeue

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/scalertest"
)

// kedaDocs is KEDA's page for this trigger; rows cite its sections.
const kedaDocs = "https://keda.sh/docs/latest/scalers/azure-storage-queue/"

// TestParityConfig holds what KEDA does with an azure-queue trigger's
// parameters (per its docs, section cited per row) next to what Sluice
// does. wantErr is "" when both accept the input.
func TestParityConfig(t *testing.T) {
	other := "AccountName=other;AccountKey=" + scalertest.StorageKey
	tests := []struct {
		name     string
		keda     string
		meta     map[string]string
		auth     map[string]string
		env      map[string]string
		wantErr  string
		warning  string
		endpoint string // the endpoint KEDA's order picks; "" to skip
	}{
		{"inline connection string", "accepted (#trigger-specification: connection)", map[string]string{"connection": scalertest.StorageConnection}, nil, nil,
			"", "written in plain metadata", "https://acct.queue.core.windows.net"},
		{"auth wins over metadata", "order authParams, triggerMetadata, resolvedEnv", map[string]string{"connection": other},
			map[string]string{"connection": scalertest.StorageConnection}, nil, "", "", "https://acct.queue.core.windows.net"},
		{"metadata wins over env", "order authParams, triggerMetadata, resolvedEnv", map[string]string{"connection": scalertest.StorageConnection, "connectionFromEnv": "C"},
			nil, map[string]string{"C": other}, "", "", "https://acct.queue.core.windows.net"},
		{"env with a trailing newline", "trimmed", map[string]string{"connectionFromEnv": "C"}, nil, map[string]string{"C": scalertest.StorageConnection + "\n"},
			"", "", "https://acct.queue.core.windows.net"},
		{"UseDevelopmentStorage inline", "accepted", map[string]string{"connection": "UseDevelopmentStorage=true"}, nil, nil,
			"", "local storage emulator", "http://127.0.0.1:10001/devstoreaccount1"},
		{"no connection", "error: no connection setting given", map[string]string{}, nil, nil, `parameter "connection": required`, "", ""},
		{"queueLengthStrategy visibleonly", "accepted (#trigger-specification)", map[string]string{"queueLengthStrategy": "visibleonly"},
			map[string]string{"connection": scalertest.StorageConnection}, nil, "", "", ""},
		{"queueLengthStrategy bad", "error: all or visibleonly", map[string]string{"queueLengthStrategy": "VisibleOnly"},
			map[string]string{"connection": scalertest.StorageConnection}, nil, `parameter "queueLengthStrategy"`, "", ""},
		{"queueLength not a number", "error", map[string]string{"queueLength": "five"}, map[string]string{"connection": scalertest.StorageConnection}, nil, `parameter "queueLength"`, "", ""},
		{"cloud case-insensitive", "accepted (#trigger-specification: cloud)", map[string]string{"accountName": "acct", "cloud": "azurechinacloud"}, nil, nil,
			"", "", "https://acct.queue.core.chinacloudapi.cn"},
		{"unknown key", "ignored (logged when KEDA_CHECK_UNEXPECTED_SCALERS_PARAMS)", map[string]string{"queueLenght": "3"},
			map[string]string{"connection": scalertest.StorageConnection}, nil, "", `"queueLenght" is not a parameter`, ""},
	}
	r := scalertest.Registry(t, Type, New(nil))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.meta["queueName"] = "jobs"
			tr, err := r.Build(scalers.Config{Type: Type, Metadata: tt.meta, AuthParams: tt.auth, Env: tt.env})
			row := scalertest.Row{KEDA: tt.keda, Docs: kedaDocs, WantErr: tt.wantErr, Warning: tt.warning}
			if tr = row.Check(t, tr, err); tr == nil {
				return
			}
			if tt.endpoint != "" && !strings.HasPrefix(tr.Key, Type+" "+tt.endpoint+" ") {
				t.Errorf("key %q, want endpoint %s", tr.Key, tt.endpoint)
			}
			if strings.Contains(tr.Warning, scalertest.StorageKey) {
				t.Fatal("warning reveals the key")
			}
		})
	}
}
