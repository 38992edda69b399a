package scalers

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// knownParams records the parameters a constructor declared through
// Decode, so that Registry.Build can name the metadata keys nobody read.
// It is safe for concurrent use (a constructor may decode in goroutines).
type knownParams struct {
	mu      sync.Mutex
	decoded bool
	sources map[string][]source // parameter name → where it may come from
}

func newKnownParams() *knownParams {
	return &knownParams{sources: make(map[string][]source)}
}

// add records the specs of one decoded struct. A nil receiver does nothing.
func (k *knownParams) add(specs []*paramSpec) {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.decoded = true
	for _, p := range specs {
		for _, s := range p.from {
			if !slices.Contains(k.sources[p.name], s) {
				k.sources[p.name] = append(k.sources[p.name], s)
			}
		}
	}
}

// unknownWarning returns a status warning naming every metadata key of cfg
// that no declared parameter reads, or "" when there is none or when the
// constructor decoded nothing (then it is not known what it reads). Keys
// are reported in sorted order:
//
//   - a key that is no parameter of the type;
//   - a parameter that is read only from TriggerAuthentication or the
//     environment (a secret), written in plain metadata;
//   - `<name>FromEnv` for a parameter not read from the environment.
//
// Auth params are not checked: one TriggerAuthentication may serve
// triggers of several types. KEDA's own check (KEDA_CHECK_UNEXPECTED_SCALERS_PARAMS)
// looks at trigger metadata only as well, and KEDA reads no metadata key
// outside a trigger's own declaration, so there are no common keys to allow.
func (k *knownParams) unknownWarning(cfg Config) string {
	if k == nil {
		return ""
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.decoded {
		return ""
	}
	var msgs []string
	for _, key := range slices.Sorted(maps.Keys(cfg.Metadata)) {
		if m := k.check(key); m != "" {
			msgs = append(msgs, m)
		}
	}
	return strings.Join(msgs, "; ")
}

// check returns the remark for one metadata key, "" when it is read.
func (k *knownParams) check(key string) string {
	if srcs, ok := k.sources[key]; ok {
		if slices.Contains(srcs, fromMetadata) {
			return ""
		}
		where := make([]string, 0, len(srcs))
		for _, s := range srcs {
			where = append(where, s.describe(key))
		}
		return fmt.Sprintf("metadata %q is ignored: it is read only from %s", key, strings.Join(where, " or "))
	}
	if name, ok := strings.CutSuffix(key, "FromEnv"); ok && name != "" {
		if srcs, ok := k.sources[name]; ok {
			if slices.Contains(srcs, fromEnv) {
				return ""
			}
			return fmt.Sprintf("metadata %q is ignored: %s is not read from the environment", key, name)
		}
	}
	return fmt.Sprintf("metadata %q is not a parameter of this trigger type and is ignored", key)
}
