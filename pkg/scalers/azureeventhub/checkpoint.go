package azureeventhub

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Checkpoint strategies, as KEDA names them. The empty strategy is KEDA's
// default: azureFunction without blobContainer, else the legacy JSON layout
// <consumerGroup>/<partition>.
const (
	StrategyAzureFunction = "azureFunction"
	StrategyBlobMetadata  = "blobMetadata"
	StrategyGoSdk         = "goSdk"
	StrategyDapr          = "dapr"
)

// FunctionsContainer is the container the Azure Functions Event Hubs
// extension keeps checkpoints in.
const FunctionsContainer = "azure-webjobs-eventhub"

// jsonKind is the format of a checkpoint kept in a blob's body.
type jsonKind int

const (
	jsonNone      jsonKind = iota
	jsonFunctions          // {"SequenceNumber": n, …}: WebJobs extension before 5.0
	jsonGoSdk              // {"checkpoint": {"sequenceNumber": n}, …}: azure-event-hubs-go, Dapr before 1.10
	jsonDefault            // {"SequenceNumber": n} or {"sequence_number": n}: older SDKs, Python
)

// layout is where one strategy keeps a consumer group's checkpoints.
type layout struct {
	// container holds the checkpoint blobs.
	container string
	// prefixes are blob name prefixes listed with metadata, in order of
	// preference; a blob's name is the prefix and the partition ID, its
	// metadata holds sequencenumber (and offset). The first prefix that
	// holds a partition's blob wins.
	prefixes []string
	// jsonPrefix followed by the partition ID names the partition's JSON
	// checkpoint blob, consulted for partitions no prefix holds, when kind
	// is not jsonNone.
	jsonPrefix string
	kind       jsonKind
}

// newLayout returns the layout of strategy for the consumer group cg of
// the event hub hub in the namespace fqdn (host and port, as the SDKs
// name it), with the container the trigger names.
//
//   - azureFunction: container azure-webjobs-eventhub. Extension 5 and
//     later (the .NET blob checkpoint store) keep metadata on
//     <fqdn>/<hub>/<cg>/checkpoint/<id>, all lower case; earlier versions a
//     JSON body on <fqdn>/<hub>/<cg>/<id>. Both are read, the newer first
//     (KEDA reads only the old one, which kedacore/keda#2668 is about).
//   - blobMetadata: metadata on <fqdn>/<hub>/<cg>/checkpoint/<id> with the
//     consumer group lower-cased as KEDA does, as written (the Go SDK's
//     store, Dapr 1.10 and later) and all lower case (the .NET store).
//   - goSdk: a JSON body on <id>; dapr: on dapr-<hub>-<cg>-<id>.
//   - default: a JSON body on <cg>/<id>.
func newLayout(strategy, container, fqdn, hub, cg string) layout {
	lower := strings.ToLower
	checkpointPrefix := func(ns, h, g string) string { return ns + "/" + h + "/" + g + "/checkpoint/" }
	switch {
	case strategy == StrategyAzureFunction || (strategy == "" && container == ""):
		return layout{
			container:  FunctionsContainer,
			prefixes:   dedup(checkpointPrefix(lower(fqdn), lower(hub), lower(cg)), checkpointPrefix(fqdn, hub, lower(cg))),
			jsonPrefix: fqdn + "/" + hub + "/" + cg + "/",
			kind:       jsonFunctions,
		}
	case strategy == StrategyBlobMetadata:
		return layout{container: container, prefixes: dedup(
			checkpointPrefix(fqdn, hub, lower(cg)), checkpointPrefix(fqdn, hub, cg), checkpointPrefix(lower(fqdn), lower(hub), lower(cg)))}
	case strategy == StrategyGoSdk:
		return layout{container: container, kind: jsonGoSdk}
	case strategy == StrategyDapr:
		return layout{container: container, jsonPrefix: "dapr-" + hub + "-" + cg + "-", kind: jsonGoSdk}
	default:
		return layout{container: container, jsonPrefix: cg + "/", kind: jsonDefault}
	}
}

// dedup returns ss without repeats, in order.
func dedup(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// errNoSequenceNumber marks a checkpoint blob without a sequence number.
var errNoSequenceNumber = errors.New("no sequence number")

// decodeMetadata reads the checkpoint from a blob's metadata: the key
// sequencenumber, matched without regard to case (HTTP header
// canonicalisation may capitalise it), as a decimal int64.
func decodeMetadata(md map[string]string) (checkpoint, error) {
	for k, v := range md {
		if !strings.EqualFold(k, "sequencenumber") {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return checkpoint{}, fmt.Errorf("metadata sequencenumber: want an int64, got %q", truncate(v))
		}
		return checkpoint{Found: true, SequenceNumber: n}, nil
	}
	return checkpoint{}, fmt.Errorf("metadata: %w", errNoSequenceNumber)
}

// decodeJSON reads the checkpoint from a blob's JSON body in the format
// kind. A body that holds no sequence number (an empty blob, or a lease
// written before the first checkpoint) is no checkpoint; KEDA reads it
// as sequence number 0 and counts every event since the partition began.
func decodeJSON(kind jsonKind, body []byte) (checkpoint, error) {
	if len(strings.TrimSpace(string(body))) == 0 {
		return checkpoint{}, nil
	}
	var doc struct {
		SequenceNumber *json.Number `json:"SequenceNumber"`
		PySequence     *json.Number `json:"sequence_number"`
		Checkpoint     *struct {
			SequenceNumber *json.Number `json:"sequenceNumber"`
		} `json:"checkpoint"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return checkpoint{}, fmt.Errorf("decode checkpoint JSON: %w", err)
	}
	var n *json.Number
	switch kind {
	case jsonGoSdk:
		if doc.Checkpoint != nil {
			n = doc.Checkpoint.SequenceNumber
		}
	case jsonDefault:
		n = doc.SequenceNumber
		if n == nil || *n == "0" {
			if doc.PySequence != nil {
				n = doc.PySequence
			}
		}
	default:
		n = doc.SequenceNumber
	}
	if n == nil {
		return checkpoint{}, nil
	}
	v, err := strconv.ParseInt(n.String(), 10, 64)
	if err != nil {
		return checkpoint{}, fmt.Errorf("checkpoint sequence number: want an int64, got %q", truncate(n.String()))
	}
	return checkpoint{Found: true, SequenceNumber: v}, nil
}

// truncate shortens s for a message.
func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
