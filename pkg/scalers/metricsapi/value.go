package metricsapi

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/tidwall/gjson"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/yaml"
)

// yamlValue reads the number at the path loc of a YAML body, as KEDA's
// format yaml does: the document is converted to JSON and read as format
// json reads it. KEDA's yaml path is keys and list indices separated by
// dots, which a GJSON path reads the same way.
func yamlValue(body []byte, loc string) (float64, error) {
	j, err := yaml.YAMLToJSON(body)
	if err != nil {
		return 0, errors.New("parse response: not valid YAML")
	}
	return jsonValue(j, loc)
}

// jsonValue reads the number at the GJSON path loc of body.
func jsonValue(body []byte, loc string) (float64, error) {
	if !gjson.ValidBytes(body) {
		return 0, errors.New("parse response: not valid JSON")
	}
	r := gjson.GetBytes(body, loc)
	switch {
	case !r.Exists():
		return 0, fmt.Errorf("value location %q not found in response", loc)
	case r.Type == gjson.Number:
		return r.Num, nil
	case r.Type == gjson.String:
		v, err := parseNumber(r.Str)
		if err != nil {
			return 0, fmt.Errorf("value at %q: %w", loc, err)
		}
		return v, nil
	default:
		return 0, fmt.Errorf("value at %q: want a number, got %s", loc, describe(r))
	}
}

func describe(r gjson.Result) string {
	switch {
	case r.IsObject():
		return "an object"
	case r.IsArray():
		return "an array"
	case r.IsBool():
		return "a boolean"
	default:
		return "null"
	}
}

// parseNumber reads a decimal number or a Kubernetes quantity ("1.5k").
func parseNumber(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if v, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
		return v, nil
	}
	q, err := resource.ParseQuantity(s)
	if err != nil {
		if len(s) > 32 {
			s = s[:32] + "…"
		}
		return 0, fmt.Errorf("want a number or quantity, got %q", s)
	}
	return q.AsApproximateFloat64(), nil
}

// prometheusValue reads the value of the one series sel selects from body,
// in the Prometheus text exposition format.
func prometheusValue(body []byte, sel *selector) (float64, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("parse response: %w", err)
	}
	name, part := sel.name, ""
	fam, ok := families[name]
	if !ok {
		for _, suffix := range []string{"_count", "_sum"} {
			if base, found := strings.CutSuffix(name, suffix); found {
				if fam, ok = families[base]; ok {
					part = suffix
				}
				break
			}
		}
	}
	if !ok {
		return 0, fmt.Errorf("metric %q not found in response", sel.name)
	}
	var values []float64
	for _, m := range fam.GetMetric() {
		if !sel.matches(m.GetLabel()) {
			continue
		}
		v, err := sampleValue(m, part)
		if err != nil {
			return 0, fmt.Errorf("metric %q: %w", sel.name, err)
		}
		values = append(values, v)
	}
	switch len(values) {
	case 0:
		return 0, fmt.Errorf("no series in response matches %s", sel)
	case 1:
		return values[0], nil
	default:
		return 0, fmt.Errorf("%d series in response match %s; add label matchers to select one", len(values), sel)
	}
}
