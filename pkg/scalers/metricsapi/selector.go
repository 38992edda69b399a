package metricsapi

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	dto "github.com/prometheus/client_model/go"
)

// selector is a metric name with equality label matchers:
// name{label="value",…}.
type selector struct {
	name   string
	labels []labelPair
}

type labelPair struct{ name, value string }

// String renders the selector in the syntax parseSelector reads.
func (s *selector) String() string {
	if len(s.labels) == 0 {
		return s.name
	}
	parts := make([]string, len(s.labels))
	for i, l := range s.labels {
		parts[i] = l.name + "=" + strconv.Quote(l.value)
	}
	return s.name + "{" + strings.Join(parts, ",") + "}"
}

// matches reports whether every matcher equals the series' label.
func (s *selector) matches(labels []*dto.LabelPair) bool {
	for _, want := range s.labels {
		if !slices.ContainsFunc(labels, func(l *dto.LabelPair) bool {
			return l.GetName() == want.name && l.GetValue() == want.value
		}) {
			return false
		}
	}
	return true
}

// parseSelector reads `name` or `name{a="x", b="y"}`. Names follow the
// classic Prometheus character set; values are double-quoted Go-style
// strings.
func parseSelector(s string) (*selector, error) {
	s = strings.TrimSpace(s)
	name, rest, hasLabels := strings.Cut(s, "{")
	name = strings.TrimSpace(name)
	if !validName(name, true) {
		return nil, fmt.Errorf("want a metric name optionally followed by {label=\"value\",…}, got %q", s)
	}
	sel := &selector{name: name}
	if !hasLabels {
		return sel, nil
	}
	body, ok := strings.CutSuffix(strings.TrimSpace(rest), "}")
	if !ok {
		return nil, errors.New("label matchers: missing closing }")
	}
	for body = strings.TrimSpace(body); body != ""; {
		eq := strings.IndexByte(body, '=')
		if eq < 0 {
			return nil, errors.New("label matchers: want label=\"value\"")
		}
		lname := strings.TrimSpace(body[:eq])
		if !validName(lname, false) {
			return nil, fmt.Errorf("label matchers: invalid label name %q", lname)
		}
		if slices.ContainsFunc(sel.labels, func(l labelPair) bool { return l.name == lname }) {
			return nil, fmt.Errorf("label matchers: label %q twice", lname)
		}
		value, after, err := cutQuoted(strings.TrimSpace(body[eq+1:]))
		if err != nil {
			return nil, fmt.Errorf("label matchers: label %q: %w", lname, err)
		}
		sel.labels = append(sel.labels, labelPair{lname, value})
		after = strings.TrimSpace(after)
		if after != "" && after[0] != ',' {
			return nil, errors.New("label matchers: want , between matchers")
		}
		body = strings.TrimSpace(strings.TrimPrefix(after, ","))
	}
	return sel, nil
}

// cutQuoted reads a leading double-quoted string from s.
func cutQuoted(s string) (value, rest string, err error) {
	if !strings.HasPrefix(s, `"`) {
		return "", "", errors.New("want a double-quoted value")
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			v, err := strconv.Unquote(s[:i+1])
			if err != nil {
				return "", "", errors.New("invalid escape in value")
			}
			return v, s[i+1:], nil
		}
	}
	return "", "", errors.New("unterminated value")
}

// validName reports whether s is a classic metric name (colons allowed) or
// label name.
func validName(s string, metric bool) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') ||
			(i > 0 && r >= '0' && r <= '9') || (metric && r == ':')
		if !ok {
			return false
		}
	}
	return true
}

// sampleValue returns a series' value: the sample of a gauge, counter or
// untyped metric, or the count or sum (part "_count" or "_sum") of a
// summary or histogram.
func sampleValue(m *dto.Metric, part string) (float64, error) {
	switch {
	case part == "" && m.Gauge != nil:
		return m.Gauge.GetValue(), nil
	case part == "" && m.Counter != nil:
		return m.Counter.GetValue(), nil
	case part == "" && m.Untyped != nil:
		return m.Untyped.GetValue(), nil
	case part == "_count" && m.Summary != nil:
		return float64(m.Summary.GetSampleCount()), nil
	case part == "_sum" && m.Summary != nil:
		return m.Summary.GetSampleSum(), nil
	case part == "_count" && m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount()), nil
	case part == "_sum" && m.Histogram != nil:
		return m.Histogram.GetSampleSum(), nil
	default:
		return 0, errors.New("is a summary or histogram: select <name>_count or <name>_sum")
	}
}
