package scalers

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Registry maps trigger type names to their constructors. The zero value is
// not usable; create one with NewRegistry. A Registry is filled once at
// start-up and read afterwards: Register must not be called concurrently
// with Build or Types, while Build and Types may be called concurrently.
type Registry struct {
	constructors map[string]Constructor
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{constructors: make(map[string]Constructor)}
}

// Register adds the constructor for the trigger type name. It rejects an
// empty or blank name, a nil constructor and a name registered before.
func (r *Registry) Register(name string, c Constructor) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("register trigger type: empty name")
	case c == nil:
		return fmt.Errorf("register trigger type %q: nil constructor", name)
	}
	if _, ok := r.constructors[name]; ok {
		return fmt.Errorf("register trigger type %q: already registered", name)
	}
	r.constructors[name] = c
	return nil
}

// Build returns the Trigger built by the constructor registered for
// cfg.Type. Metadata keys that no parameter the constructor decoded (see
// Decode) reads are added to the trigger's Warning. An unknown type yields an error naming the trigger, the type and
// every known type. A constructor's error is returned unchanged: by the
// Constructor contract it already names the trigger and the parameter.
func (r *Registry) Build(cfg Config) (*Trigger, error) {
	c, ok := r.constructors[cfg.Type]
	if !ok {
		return nil, fmt.Errorf("%s: unknown trigger type %q (known types: %s)",
			TriggerLabel(cfg), cfg.Type, strings.Join(r.Types(), ", "))
	}
	cfg.known = newKnownParams()
	t, err := c(cfg)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, fmt.Errorf("%s: constructor returned no trigger", TriggerLabel(cfg))
	}
	if w := cfg.known.unknownWarning(cfg); w != "" {
		if t.Warning != "" {
			w = t.Warning + "; " + w
		}
		t.Warning = w
	}
	return t, nil
}

// Types returns the registered type names, sorted.
func (r *Registry) Types() []string {
	return slices.Sorted(maps.Keys(r.constructors))
}

// Shared returns the Constructor of a trigger type whose triggers share one
// value, such as a client cache: shared, or the one newShared returns when
// shared is nil (a trigger type's New given no cache gets a private one).
// It decodes each trigger's parameters into a new P with Decode and hands
// them to build with the shared value.
func Shared[S, P any](shared *S, newShared func() *S, build func(cfg Config, p *P, shared *S) (*Trigger, error)) Constructor {
	if shared == nil {
		shared = newShared()
	}
	return func(cfg Config) (*Trigger, error) {
		var p P
		if err := Decode(cfg, &p); err != nil {
			return nil, err
		}
		return build(cfg, &p, shared)
	}
}
