package adapter

import (
	"sync"

	"github.com/sluice-dev/sluice/pkg/poll"
)

// depIndex maps each Secret and ConfigMap to the ScaledObjects whose
// triggers read it at their last resolution.
type depIndex struct {
	mu     sync.Mutex
	users  map[objRef]map[poll.Key]bool
	depsOf map[poll.Key][]objRef
}

func newDepIndex() *depIndex {
	return &depIndex{users: map[objRef]map[poll.Key]bool{}, depsOf: map[poll.Key][]objRef{}}
}

// set records that key now reads refs (nothing when refs is empty).
func (d *depIndex) set(key poll.Key, refs []objRef) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, ref := range d.depsOf[key] {
		delete(d.users[ref], key)
		if len(d.users[ref]) == 0 {
			delete(d.users, ref)
		}
	}
	if len(refs) == 0 {
		delete(d.depsOf, key)
		return
	}
	d.depsOf[key] = refs
	for _, ref := range refs {
		if d.users[ref] == nil {
			d.users[ref] = map[poll.Key]bool{}
		}
		d.users[ref][key] = true
	}
}

// usersOf returns the objects that read ref.
func (d *depIndex) usersOf(ref objRef) []poll.Key {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]poll.Key, 0, len(d.users[ref]))
	for k := range d.users[ref] {
		out = append(out, k)
	}
	return out
}

// objectChanged re-resolves, at once, every ScaledObject whose triggers
// read the Secret or ConfigMap ref.
func (c *controller) objectChanged(ref objRef) {
	for _, k := range c.deps.usersOf(ref) {
		c.queue.Add(k.Namespace + "/" + k.Name)
	}
}
