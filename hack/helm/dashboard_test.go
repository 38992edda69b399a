package helm

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// dashboardPath is the Grafana dashboard, relative to this package.
func dashboardPath() string {
	return filepath.Join("..", "..", "deploy", "grafana", "sluice-dashboard.json")
}

// dashboard is the part of a Grafana dashboard the test reads.
type dashboard struct {
	SchemaVersion int     `json:"schemaVersion"`
	Panels        []panel `json:"panels"`
	Templating    struct {
		List []struct {
			Name  string          `json:"name"`
			Type  string          `json:"type"`
			Query json.RawMessage `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

// panel is a dashboard panel; rows nest their panels.
type panel struct {
	ID      int     `json:"id"`
	Type    string  `json:"type"`
	Title   string  `json:"title"`
	Panels  []panel `json:"panels"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
}

// TestDashboardNamesExportedMetrics parses the dashboard and checks that
// every query names only series the programs export, that every panel
// with queries names at least one, and that the metrics it must show are
// all on it.
func TestDashboardNamesExportedMetrics(t *testing.T) {
	raw, err := os.ReadFile(dashboardPath())
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("parse %s: %v", dashboardPath(), err)
	}
	if d.SchemaVersion < 36 {
		t.Errorf("schemaVersion %d: too old for a datasource variable in panels", d.SchemaVersion)
	}
	exported := exportedSeries(t)
	used := map[string]bool{}
	check := func(where, expr string) {
		names := metricNames(expr)
		if len(names) == 0 {
			t.Errorf("%s: query %q names no Sluice or apiserver metric", where, expr)
		}
		for _, n := range names {
			used[n] = true
			if _, ok := exported[n]; !ok {
				t.Errorf("%s: query %q names %s, which no program exports", where, expr, n)
			}
		}
		for _, p := range labelUses(expr, exported) {
			if len(p.series) == 0 {
				t.Errorf("%s: query %q selects or groups on %s, which none of its series has", where, expr, p.label)
			}
		}
	}
	ids := map[int]string{}
	for _, p := range flatten(d.Panels) {
		if other, dup := ids[p.ID]; dup {
			t.Errorf("panels %q and %q share id %d", other, p.Title, p.ID)
		}
		ids[p.ID] = p.Title
		if p.Type != "row" && len(p.Targets) == 0 {
			t.Errorf("panel %q has no queries", p.Title)
		}
		for _, tg := range p.Targets {
			check("panel "+p.Title, tg.Expr)
		}
	}
	checkVariables(t, d, check)
	for _, m := range requiredSeries() {
		if !used[m] {
			t.Errorf("no panel shows %s", m)
		}
	}
}

// checkVariables checks the datasource, namespace and scaledObject
// variables exist and passes each query variable's query to check.
func checkVariables(t *testing.T, d dashboard, check func(where, expr string)) {
	t.Helper()
	vars := map[string]string{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v.Type
		if v.Type != "query" {
			continue
		}
		var q struct {
			Query string `json:"query"`
		}
		if err := json.Unmarshal(v.Query, &q); err != nil {
			t.Errorf("variable %s: query: %v", v.Name, err)
			continue
		}
		check("variable "+v.Name, q.Query)
	}
	for name, typ := range map[string]string{"datasource": "datasource", "namespace": "query", "scaledObject": "query"} {
		if vars[name] != typ {
			t.Errorf("variable %s: type %q, want %q", name, vars[name], typ)
		}
	}
}

// requiredSeries are the series the dashboard must show.
func requiredSeries() []string {
	return []string{
		"sluice_scaler_metrics_value",
		"sluice_scaler_active",
		"sluice_scaler_errors_total",
		"sluice_scaler_poll_duration_seconds_bucket",
		"sluice_poll_sources",
		"sluice_scaledobjects",
		"apiserver_request_total",
		"apiserver_request_duration_seconds_bucket",
		"sluice_activator_reconciles_total",
		"sluice_activator_scale_operations_total",
		"sluice_http_held_requests",
		"sluice_http_rejected_requests_total",
		"sluice_http_wakes_total",
		"sluice_http_hold_duration_seconds_bucket",
	}
}

// flatten returns panels and the panels of their rows.
func flatten(panels []panel) []panel {
	var out []panel
	for _, p := range panels {
		out = append(out, p)
		out = append(out, flatten(p.Panels)...)
	}
	return out
}

// metricNames returns the Sluice and apiserver metric names in a PromQL
// expression: identifiers starting with sluice_ or apiserver_.
func metricNames(expr string) []string {
	return metricRE().FindAllString(expr, -1)
}

// labelUse is one label a query selects ({label="…"}) or groups on (by,
// without, a Grafana label_values variable), with the series of the query
// that carry it; none means the query reads a label nothing exports.
type labelUse struct {
	label  string
	series []string
}

// labelUses returns the labels expr selects or groups on. A selector's
// labels must be on its own series; a grouping's, or a label_values
// variable's, on one of the series the query names. exported maps each
// series to its labels.
func labelUses(expr string, exported map[string][]string) []labelUse {
	names := metricNames(expr)
	carrying := func(label string, among []string) labelUse {
		u := labelUse{label: label}
		for _, n := range among {
			if slices.Contains(exported[n], label) {
				u.series = append(u.series, n)
			}
		}
		return u
	}
	var uses []labelUse
	for _, m := range selectorRE().FindAllStringSubmatch(expr, -1) {
		for _, l := range matcherRE().FindAllStringSubmatch(m[2], -1) {
			uses = append(uses, carrying(l[1], []string{m[1]}))
		}
	}
	var grouped []string
	for _, g := range groupingRE().FindAllStringSubmatch(expr, -1) {
		grouped = append(grouped, strings.Split(g[1], ",")...)
	}
	if m := labelValuesRE().FindStringSubmatch(expr); m != nil {
		grouped = append(grouped, m[1])
	}
	for _, l := range grouped {
		if l = strings.TrimSpace(l); l != "" {
			uses = append(uses, carrying(l, names))
		}
	}
	return uses
}

// metricRE matches a Sluice or apiserver metric name.
func metricRE() *regexp.Regexp { return regexp.MustCompile(`\b(?:sluice|apiserver)_[A-Za-z0-9_]*`) }

// selectorRE matches a metric name and its label matchers: {…}.
func selectorRE() *regexp.Regexp {
	return regexp.MustCompile(`\b((?:sluice|apiserver)_[A-Za-z0-9_]*)\s*\{([^}]*)\}`)
}

// matcherRE matches one label matcher: label =, !=, =~ or !~ "…".
func matcherRE() *regexp.Regexp {
	return regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)\s*"`)
}

// groupingRE matches by (…) and without (…).
func groupingRE() *regexp.Regexp { return regexp.MustCompile(`\b(?:by|without)\s*\(([^)]*)\)`) }

// labelValuesRE matches Grafana's label_values(query, label).
func labelValuesRE() *regexp.Regexp {
	return regexp.MustCompile(`^\s*label_values\(.*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$`)
}
