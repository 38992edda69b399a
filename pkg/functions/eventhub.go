package functions

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// eventHubExt is what the Event Hubs extension a project uses means for
// its azure-eventhub trigger.
type eventHubExt struct {
	// strategy and container are the trigger's checkpointStrategy and
	// blobContainer ("" to leave it out).
	strategy, container string
	// batchPath is the host.json setting Azure documents as the target
	// per instance when targetUnprocessedEventThreshold is not set, and
	// batchDefault its default; empty when unknown.
	batchPath    []string
	batchDefault string
}

// eventHubExtension tells the Event Hubs extension from host.json's
// extension bundle: bundles 3 and later carry extension 5+, which keeps
// checkpoints in blob metadata under
// azure-webjobs-eventhub/<ns>/<hub>/<group>/checkpoint/<partition>
// (checkpointStrategy blobMetadata, which KEDA reads too); bundles 1 and 2
// carry extensions 3 and 4, which keep JSON checkpoints
// (checkpointStrategy azureFunction). Without a bundle (a .NET project
// referencing the extension package) the version is unknown:
// azureFunction, for which Sluice reads both layouts.
func eventHubExtension(host map[string]any) eventHubExt {
	legacy := eventHubExt{strategy: "azureFunction",
		batchPath: []string{"extensions", "eventHubs", "eventProcessorOptions", "maxBatchSize"}, batchDefault: "10"}
	switch major := bundleMajor(host); {
	case major >= 3:
		return eventHubExt{strategy: "blobMetadata", container: "azure-webjobs-eventhub",
			batchPath: []string{"extensions", "eventHubs", "maxEventBatchSize"}, batchDefault: "100"}
	case major > 0:
		return legacy
	}
	return eventHubExt{strategy: "azureFunction"}
}

// target returns the per-replica target from host.json, as Azure
// documents for target-based scaling: extensions.eventHubs.
// targetUnprocessedEventThreshold when set, else the extension's batch
// size setting or its default; "" when neither is known.
func (e eventHubExt) target(host map[string]any) (string, error) {
	for _, path := range [][]string{{"extensions", "eventHubs", "targetUnprocessedEventThreshold"}, e.batchPath} {
		if len(path) == 0 {
			continue
		}
		v, ok := lookupPath(host, path)
		if !ok {
			continue
		}
		n, ok := v.(float64)
		if !ok || n < 1 || n != math.Trunc(n) || n > math.MaxInt32 {
			return "", fmt.Errorf("%s: %s: must be a whole number of at least 1, got %v", HostFile, strings.Join(path, "."), v)
		}
		return strconv.FormatInt(int64(n), 10), nil
	}
	return e.batchDefault, nil
}

// bundleMajor returns the major version of host.json's extension bundle
// range ("[4.*, 5.0.0)" is 4), or 0 when there is none or it is not
// understood.
func bundleMajor(host map[string]any) int {
	v, ok := lookupPath(host, []string{"extensionBundle", "version"})
	s, isString := v.(string)
	if !ok || !isString {
		return 0
	}
	s = strings.TrimLeft(strings.TrimSpace(s), "[( ")
	end := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if end >= 0 {
		s = s[:end]
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}

// lookupPath walks JSON objects along path; keys match without regard to
// case, as the Functions host reads host.json.
func lookupPath(doc map[string]any, path []string) (any, bool) {
	var cur any = doc
	for _, key := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		found := false
		for k, v := range m {
			if strings.EqualFold(k, key) {
				cur, found = v, true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	return cur, true
}
