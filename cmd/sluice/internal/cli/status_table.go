package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"sigs.k8s.io/yaml"
)

// statusRow is what status reports about one ScaledObject.
type statusRow struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Target is "<Kind>/<name>".
	Target string `json:"target"`
	// Replicas is the target's current replica count; nil when unknown,
	// and then ReplicasError says why.
	Replicas      *int32 `json:"replicas,omitempty"`
	ReplicasError string `json:"replicasError,omitempty"`
	Min           int32  `json:"minReplicas"`
	Max           int32  `json:"maxReplicas"`
	// Ready and Active are the conditions' statuses: True, False, Unknown
	// or "" when absent.
	Ready  string `json:"ready"`
	Active string `json:"active"`
	// Reason explains why the object is not Ready.
	Reason   string       `json:"reason,omitempty"`
	Triggers []triggerRow `json:"triggers"`
}

// triggerRow is one trigger of a ScaledObject and its metric.
type triggerRow struct {
	Type   string `json:"type"`
	Name   string `json:"name,omitempty"`
	Metric string `json:"metric,omitempty"`
	// Value is the metric's current value from the external metrics API;
	// empty when Error says why there is none.
	Value  string `json:"value,omitempty"`
	Target string `json:"target,omitempty"`
	Error  string `json:"error,omitempty"`
}

// cell is a table cell; colour is an ANSI SGR code, or "".
type cell struct {
	text, colour string
}

// ANSI colours of the table.
const (
	colourGreen = "32"
	colourRed   = "31"
)

// writeStatus writes rows as a table (the namespace column only when
// allNamespaces, colour only when colour), or as YAML or JSON data.
func writeStatus(w io.Writer, rows []statusRow, format string, allNamespaces, colour bool) error {
	switch format {
	case "table", "":
		return writeTable(w, statusCells(rows, allNamespaces), colour)
	case "json":
		b, err := json.MarshalIndent(map[string]any{"items": rows}, "", "  ")
		if err != nil {
			return fmt.Errorf("render json: %w", err)
		}
		_, err = w.Write(append(b, '\n'))
		return err
	case "yaml":
		b, err := yaml.Marshal(map[string]any{"items": rows})
		if err != nil {
			return fmt.Errorf("render yaml: %w", err)
		}
		_, err = w.Write(b)
		return err
	default:
		return fmt.Errorf("-o %q: must be table, yaml or json", format)
	}
}

// statusCells lays rows out as table lines: one per trigger, the object's
// columns on its first.
func statusCells(rows []statusRow, allNamespaces bool) [][]cell {
	header := []string{"NAME", "TARGET", "REPLICAS", "MIN/MAX", "READY", "ACTIVE", "TRIGGER", "VALUE/TARGET", "REASON"}
	if allNamespaces {
		header = append([]string{"NAMESPACE"}, header...)
	}
	lines := [][]cell{plain(header...)}
	for _, r := range rows {
		replicas := cell{text: "?"}
		if r.Replicas != nil {
			replicas.text = strconv.Itoa(int(*r.Replicas))
		}
		obj := []cell{
			{text: r.Name}, {text: r.Target}, replicas,
			{text: fmt.Sprintf("%d/%d", r.Min, r.Max)},
			condition(r.Ready, colourRed), condition(r.Active, ""),
		}
		if allNamespaces {
			obj = append([]cell{{text: r.Namespace}}, obj...)
		}
		triggers := r.Triggers
		if len(triggers) == 0 {
			triggers = []triggerRow{{}}
		}
		for i, t := range triggers {
			line := obj
			if i > 0 {
				line = make([]cell, len(obj))
			}
			reason := cell{}
			if i == 0 {
				reason = cell{text: r.Reason}
			}
			line = append(line[:len(line):len(line)], cell{text: triggerName(t)}, metricCell(t), reason)
			lines = append(lines, line)
		}
	}
	return lines
}

// plain returns cells without colour.
func plain(texts ...string) []cell {
	out := make([]cell, len(texts))
	for i, t := range texts {
		out[i] = cell{text: t}
	}
	return out
}

// condition renders a condition status: True in green, False in
// falseColour, absent as "-".
func condition(status, falseColour string) cell {
	switch status {
	case "":
		return cell{text: "-"}
	case "True":
		return cell{text: status, colour: colourGreen}
	case "False":
		return cell{text: status, colour: falseColour}
	}
	return cell{text: status}
}

// triggerName is "<type>" or "<name> (<type>)".
func triggerName(t triggerRow) string {
	if t.Type == "" {
		return "-"
	}
	if t.Name != "" {
		return t.Name + " (" + t.Type + ")"
	}
	return t.Type
}

// metricCell is "<value>/<target>", or the error in red.
func metricCell(t triggerRow) cell {
	switch {
	case t.Error != "":
		return cell{text: "error: " + t.Error, colour: colourRed}
	case t.Value == "" && t.Target == "":
		return cell{text: "-"}
	}
	return cell{text: orDash(t.Value) + "/" + orDash(t.Target)}
}

// orDash returns s, or "-" when s is empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// writeTable writes lines in columns three spaces apart, trailing spaces
// trimmed; with colour, cells that have one are wrapped in ANSI codes
// (widths count the text only).
func writeTable(w io.Writer, lines [][]cell, colour bool) error {
	var widths []int
	for _, l := range lines {
		for i, c := range l {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c.text))
		}
	}
	var b strings.Builder
	for _, l := range lines {
		var line strings.Builder
		for i, c := range l {
			text := c.text
			if colour && c.colour != "" {
				text = "\033[" + c.colour + "m" + text + "\033[0m"
			}
			line.WriteString(text)
			if i < len(l)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c.text)+3))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
