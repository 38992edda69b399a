package helm

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// metricSources are the files that define the programs' own metrics,
// relative to this package.
func metricSources() []string {
	return []string{
		filepath.Join("..", "..", "pkg", "poll", "metrics.go"),
		filepath.Join("..", "..", "pkg", "poll", "kedametrics.go"),
		filepath.Join("..", "..", "pkg", "activator", "stats.go"),
		filepath.Join("..", "..", "pkg", "httpfront", "metrics.go"),
	}
}

// libraryMetrics are the metrics of the apiserver library that the
// adapter's /metrics exports (k8s.io/apiserver/pkg/endpoints/metrics),
// by name and type.
func libraryMetrics() map[string]string {
	return map[string]string{
		"apiserver_request_total":            "Counter",
		"apiserver_request_duration_seconds": "Histogram",
	}
}

// exportedSeries returns every series name the programs export: the
// metrics defined in metricSources, read from their prometheus.*Opts
// literals, and libraryMetrics; a histogram or summary contributes its
// _bucket, _sum and _count series too.
func exportedSeries(t *testing.T) map[string]bool {
	t.Helper()
	metrics := libraryMetrics()
	for _, path := range metricSources() {
		found, err := metricsIn(path)
		if err != nil {
			t.Fatalf("read metrics of %s: %v", path, err)
		}
		if len(found) == 0 {
			t.Fatalf("no metrics found in %s: has the way they are defined changed?", path)
		}
		for name, typ := range found {
			metrics[name] = typ
		}
	}
	series := map[string]bool{}
	for name, typ := range metrics {
		series[name] = true
		if typ == "Histogram" || typ == "Summary" {
			series[name+"_sum"], series[name+"_count"] = true, true
		}
		if typ == "Histogram" {
			series[name+"_bucket"] = true
		}
	}
	return series
}

// metricsIn parses the Go file at path and returns the metrics its
// prometheus.<Type>Opts literals define, by full name (namespace,
// subsystem and name joined with "_") and type, and those its calls of
// pkg/poll's lean vectors define (leanMetric). Name, Namespace and
// Subsystem may be string literals or string constants of the file.
func metricsIn(path string) (map[string]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		return nil, err
	}
	consts := stringConsts(f)
	out := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		if name, typ := leanMetric(n, consts); name != "" {
			out[name] = typ
			return true
		}
		lit, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		sel, ok := lit.Type.(*ast.SelectorExpr)
		if !ok || !strings.HasSuffix(sel.Sel.Name, "Opts") {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "prometheus" {
			return true
		}
		parts := map[string]string{}
		for _, e := range lit.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			if k, ok := kv.Key.(*ast.Ident); ok {
				parts[k.Name] = stringValue(kv.Value, consts)
			}
		}
		var name []string
		for _, p := range []string{parts["Namespace"], parts["Subsystem"], parts["Name"]} {
			if p != "" {
				name = append(name, p)
			}
		}
		out[strings.Join(name, "_")] = strings.TrimSuffix(sel.Sel.Name, "Opts")
		return true
	})
	return out, nil
}

// leanMetric reads a call of pkg/poll's newLeanVec(name, help,
// prometheus.<Kind>Value, ...) or newLeanHistogramVec(name, ...): the
// metric's name and type ("Gauge", "Counter", "Histogram"); "" when n is
// no such call.
func leanMetric(n ast.Node, consts map[string]string) (name, typ string) {
	call, ok := n.(*ast.CallExpr)
	if !ok || len(call.Args) == 0 {
		return "", ""
	}
	fn, ok := call.Fun.(*ast.Ident)
	if !ok {
		return "", ""
	}
	switch fn.Name {
	case "newLeanHistogramVec":
		return stringValue(call.Args[0], consts), "Histogram"
	case "newLeanVec":
		if len(call.Args) < 3 {
			return "", ""
		}
		kind, ok := call.Args[2].(*ast.SelectorExpr)
		if !ok {
			return "", ""
		}
		return stringValue(call.Args[0], consts), strings.TrimSuffix(kind.Sel.Name, "Value")
	}
	return "", ""
}

// stringConsts returns the file's string constants by name.
func stringConsts(f *ast.File) map[string]string {
	consts := map[string]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if i < len(vs.Values) {
					consts[n.Name] = stringValue(vs.Values[i], nil)
				}
			}
		}
	}
	return consts
}

// stringValue is the value of a string literal or of a constant in consts;
// "" for anything else.
func stringValue(e ast.Expr, consts map[string]string) string {
	switch v := e.(type) {
	case *ast.BasicLit:
		if s, err := strconv.Unquote(v.Value); err == nil {
			return s
		}
	case *ast.Ident:
		return consts[v.Name]
	}
	return ""
}
