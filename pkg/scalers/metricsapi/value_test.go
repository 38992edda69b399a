package metricsapi

import (
	"strconv"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers/internal/testerr"
)

func TestParseSelector(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr string
	}{
		{in: "queue_depth", want: "queue_depth"},
		{in: " ns:queue_depth ", want: "ns:queue_depth"},
		{in: `q{queue="a"}`, want: `q{queue="a"}`},
		{in: `q{ queue = "a" , zone="x\"}y" , }`, want: `q{queue="a",zone="x\"}y"}`},
		{in: `q{}`, want: "q"},
		{in: "", wantErr: "want a metric name"},
		{in: "a.b", wantErr: "want a metric name"},
		{in: "1abc", wantErr: "want a metric name"},
		{in: `q{a="b"`, wantErr: "missing closing }"},
		{in: `q{a}`, wantErr: `want label="value"`},
		{in: `q{a=b}`, wantErr: "want a double-quoted value"},
		{in: `q{a="b}`, wantErr: "unterminated value"},
		{in: `q{a="b" c="d"}`, wantErr: "want , between matchers"},
		{in: `q{a="b",a="c"}`, wantErr: `label "a" twice`},
		{in: `q{a-b="c"}`, wantErr: "invalid label name"},
		{in: `q{a="\q"}`, wantErr: "invalid escape"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			sel, err := parseSelector(tt.in)
			if testerr.Want(t, "parseSelector("+strconv.Quote(tt.in)+")", err, tt.wantErr) {
				return
			}
			if sel.String() != tt.want {
				t.Fatalf("parseSelector(%q) = %v; want %s", tt.in, sel, tt.want)
			}
		})
	}
}

func TestPrometheusValue(t *testing.T) {
	const text = `# TYPE jobs gauge
jobs{queue="a",zone="x"} 3
jobs{queue="b",zone="x"} 4
# TYPE done_total counter
done_total 17
untyped_thing 2.5
# TYPE latency summary
latency{quantile="0.5"} 0.1
latency_sum 12.5
latency_count 40
# TYPE size histogram
size_bucket{le="1"} 2
size_bucket{le="+Inf"} 5
size_sum 9
size_count 5
`
	tests := []struct {
		sel     string
		want    float64
		wantErr string
	}{
		{sel: `jobs{queue="b"}`, want: 4},
		{sel: `jobs{zone="x",queue="a"}`, want: 3},
		{sel: "done_total", want: 17},
		{sel: "untyped_thing", want: 2.5},
		{sel: "latency_count", want: 40},
		{sel: "latency_sum", want: 12.5},
		{sel: "size_count", want: 5},
		{sel: "size_sum", want: 9},
		{sel: "jobs", wantErr: "2 series"},
		{sel: `jobs{queue="c"}`, wantErr: "no series"},
		{sel: "latency", wantErr: "select <name>_count"},
		{sel: "absent", wantErr: `metric "absent" not found`},
		{sel: "absent_count", wantErr: `metric "absent_count" not found`},
	}
	for _, tt := range tests {
		t.Run(tt.sel, func(t *testing.T) {
			sel, err := parseSelector(tt.sel)
			if err != nil {
				t.Fatal(err)
			}
			got, err := prometheusValue([]byte(text), sel)
			if testerr.Want(t, "prometheusValue()", err, tt.wantErr) {
				return
			}
			if got != tt.want {
				t.Fatalf("prometheusValue() = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in      string
		want    float64
		wantErr bool
	}{
		{in: "12", want: 12},
		{in: "-1.5", want: -1.5},
		{in: "1.5k", want: 1500},
		{in: "2Ki", want: 2048},
		{in: "100m", want: 0.1},
		{in: "NaN", wantErr: true},
		{in: "Inf", wantErr: true},
		{in: "", wantErr: true},
		{in: "twelve", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseNumber(tt.in)
			if (err != nil) != tt.wantErr || (!tt.wantErr && got != tt.want) {
				t.Fatalf("parseNumber(%q) = %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func FuzzParseSelector(f *testing.F) {
	for _, s := range []string{"q", `q{a="b"}`, `q{a="\"}",b="c",}`, `q{a=`, "{", `q{a="\x"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sel, err := parseSelector(s)
		if err != nil {
			return
		}
		again, err := parseSelector(sel.String())
		if err != nil || again.String() != sel.String() {
			t.Fatalf("round trip of %q: %v, %v", sel.String(), again, err)
		}
	})
}

func FuzzValue(f *testing.F) {
	f.Add([]byte(`{"v":"1.5k"}`), "v")
	f.Add([]byte("# TYPE q gauge\nq{a=\"b\"} 1\n"), `q{a="b"}`)
	f.Add([]byte("q_count 1\n"), "q_count")
	f.Add([]byte("a:\n  - b: &x 1\n  - *x\n"), "a.0.b")
	f.Fuzz(func(t *testing.T, body []byte, loc string) {
		_, _ = jsonValue(body, loc)
		_, _ = yamlValue(body, loc)
		if sel, err := parseSelector(loc); err == nil {
			_, _ = prometheusValue(body, sel)
		}
	})
}
