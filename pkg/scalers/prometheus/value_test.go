package prometheus

import (
	"context"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/scalers/internal/testerr"
)

func TestValue(t *testing.T) {
	tests := []struct {
		name       string
		res        *queryResult
		ignoreNull bool
		want       float64
		wantErr    string
	}{
		{name: "one element", res: &queryResult{"vector", []float64{4.5}}, want: 4.5},
		{name: "scalar", res: &queryResult{"scalar", []float64{7}}, want: 7},
		{name: "empty ignored", res: &queryResult{"vector", nil}, ignoreNull: true, want: 0},
		{name: "empty error", res: &queryResult{"vector", nil}, wantErr: "empty result"},
		{name: "many", res: &queryResult{"vector", []float64{1, 2}}, ignoreNull: true, wantErr: "returned 2 series, want one: aggregate"},
		{name: "NaN ignored", res: &queryResult{"vector", []float64{math.NaN()}}, ignoreNull: true, want: 0},
		{name: "Inf ignored", res: &queryResult{"scalar", []float64{math.Inf(1)}}, ignoreNull: true, want: 0},
		{name: "NaN error", res: &queryResult{"vector", []float64{math.NaN()}}, wantErr: "returned NaN"},
		{name: "-Inf error", res: &queryResult{"vector", []float64{math.Inf(-1)}}, wantErr: "returned -Inf"},
		{name: "negative passes", res: &queryResult{"vector", []float64{-3}}, want: -3},
		{name: "matrix", res: &queryResult{"matrix", nil}, ignoreNull: true, wantErr: "range vector"},
		{name: "string", res: &queryResult{"string", nil}, ignoreNull: true, wantErr: "returned a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := value(tt.res, tt.ignoreNull)
			if testerr.Want(t, "value()", err, tt.wantErr) {
				return
			}
			if v != tt.want {
				t.Fatalf("value() = %v; want %v", v, tt.want)
			}
		})
	}
}

// respond serves body to every request and returns the querier result of
// one instant query against it, over client_golang's client.
func respond(t testing.TB, body string) (*queryResult, error) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	defer srv.Close()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	q := &query{server: u, promQL: "up", header: http.Header{}, params: url.Values{}}
	api, err := newQuerier(srv.Client(), q)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return api.instant(ctx, q, time.Unix(1, 0))
}

func success(kind, raw string) string {
	return `{"status":"success","data":{"resultType":"` + kind + `","result":` + raw + `}}`
}

func TestDecodeResult(t *testing.T) {
	tests := []struct {
		kind, raw string
		want      []float64
		wantErr   bool
	}{
		{kind: "vector", raw: `[{"metric":{},"value":[1.5,"2"]},{"metric":{"a":"b"},"value":[1.5,"NaN"]}]`, want: []float64{2, math.NaN()}},
		{kind: "vector", raw: `[]`, want: nil},
		{kind: "scalar", raw: `[1.5,"+Inf"]`, want: []float64{math.Inf(1)}},
		{kind: "matrix", raw: `[{"metric":{},"values":[[1,"1"]]}]`, want: nil},
		{kind: "vector", raw: `[{"metric":{},"histogram":[1.5,{"count":"1","sum":"1"}]}]`, wantErr: true},
		{kind: "vector", raw: `[{"value":[1.5,"x"]}]`, wantErr: true},
		{kind: "scalar", raw: `{}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			res, err := respond(t, success(tt.kind, tt.raw))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				return
			}
			if res.resultType != tt.kind || len(res.values) != len(tt.want) {
				t.Fatalf("got %s %v, want %s %v", res.resultType, res.values, tt.kind, tt.want)
			}
			for i, v := range tt.want {
				if got := res.values[i]; got != v && !(math.IsNaN(got) && math.IsNaN(v)) {
					t.Fatalf("got %v, want %v", res.values, tt.want)
				}
			}
		})
	}
}

func FuzzDecodeResult(f *testing.F) {
	f.Add("vector", `[{"metric":{},"value":[1.5,"2"]}]`)
	f.Add("scalar", `[1.5,"+Inf"]`)
	f.Fuzz(func(t *testing.T, kind, raw string) {
		res, err := respond(t, success(kind, raw))
		if err != nil {
			return
		}
		_, _ = value(res, true)
	})
}
