package tenantsim

// AddManagedObject stores a managed object as if owner had created it
// (the demo's devices and groups) and returns its id.
func (s *Sim) AddManagedObject(owner string, fragments map[string]any) string {
	in := deepCopy(fragments)
	for _, k := range systemFields {
		delete(in, k)
	}
	for _, k := range referenceFields {
		delete(in, k)
	}
	s.mu.Lock()
	id := s.nextID()
	now := s.now()
	in["id"], in["owner"], in["creationTime"], in["lastUpdated"] = id, owner, now, now
	s.mos[id] = in
	s.changedLocked(APIManagedObject, ActionCreate, id, in)
	s.mu.Unlock()
	s.flush()
	return id
}
