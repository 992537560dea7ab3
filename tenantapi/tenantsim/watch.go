package tenantsim

import "sync"

// Change is one change to the tenant's data, as the platform's real-time
// notifications report it (realtimeAction CREATE, UPDATE, DELETE).
type Change struct {
	API    string         // APIManagedObject, APIEvent, APIAlarm, APIMeasurement, APIOperation
	Action string         // ActionCreate, ActionUpdate, ActionDelete
	ID     string         // the object's id
	Object map[string]any // a copy of the object after the change, without "self"; nil for DELETE
}

// APIs and actions a Change names.
const (
	APIManagedObject = "managedobject"
	APIEvent         = "event"
	APIAlarm         = "alarm"
	APIMeasurement   = "measurement"
	APIOperation     = "operation"

	ActionCreate = "CREATE"
	ActionUpdate = "UPDATE"
	ActionDelete = "DELETE"
)

type watchers struct {
	deliver sync.Mutex // held while changes are handed out: one at a time, in order
	next    int
	fns     map[int]func(Change)
	pending []Change // queued under Sim.mu, handed out by flush
}

// Watch calls fn for every later change made over HTTP or through the
// Sim's helpers (CreateOperation, CreateEvent, ...), one at a time and in
// the order the changes happened. fn runs after the Sim's lock is
// released, on the goroutine that made the change or on one that is
// delivering an earlier change (so possibly after the call that made the
// change has returned): it may call the Sim, but it must not block for
// long (hand slow work to a goroutine). stop ends the
// watch; it is safe to call more than once. The remote access and Data
// Broker simulations build their notifications on this.
func (s *Sim) Watch(fn func(Change)) (stop func()) {
	s.mu.Lock()
	id := s.watch.next
	s.watch.next++
	if s.watch.fns == nil {
		s.watch.fns = map[int]func(Change){}
	}
	s.watch.fns[id] = fn
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.watch.fns, id)
		s.mu.Unlock()
	}
}

// changedLocked queues a change; callers hold s.mu and call flush after
// releasing it. obj is copied.
func (s *Sim) changedLocked(api, action, id string, obj map[string]any) {
	if len(s.watch.fns) == 0 {
		return
	}
	c := Change{API: api, Action: action, ID: id}
	if obj != nil {
		c.Object = deepCopy(obj)
		delete(c.Object, "self")
	}
	s.watch.pending = append(s.watch.pending, c)
}

// flush hands queued changes to the watchers; callers do not hold s.mu.
// When another goroutine (or a watcher that made a change itself) is
// already handing changes out, that one delivers this change too.
func (s *Sim) flush() {
	for {
		if !s.watch.deliver.TryLock() {
			return
		}
		s.drainChanges()
		s.watch.deliver.Unlock()
		s.mu.Lock()
		more := len(s.watch.pending) > 0
		s.mu.Unlock()
		if !more {
			return
		}
	}
}

func (s *Sim) drainChanges() {
	for {
		s.mu.Lock()
		if len(s.watch.pending) == 0 {
			s.mu.Unlock()
			return
		}
		c := s.watch.pending[0]
		s.watch.pending = s.watch.pending[1:]
		fns := make([]func(Change), 0, len(s.watch.fns))
		for _, fn := range s.watch.fns {
			fns = append(fns, fn)
		}
		s.mu.Unlock()
		for _, fn := range fns {
			fn(c)
		}
	}
}
