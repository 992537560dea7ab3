package tenantsim

import "errors"

// AddManagedObject stores a managed object as if owner had created it
// (the demo's devices and groups) and returns its id.
func (s *Sim) AddManagedObject(owner string, fragments map[string]any) string {
	in := deepCopy(fragments)
	for _, k := range systemFields {
		delete(in, k)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextID()
	now := s.now()
	in["id"], in["owner"], in["creationTime"], in["lastUpdated"] = id, owner, now, now
	s.mos[id] = in
	return id
}

// AddChildAsset puts child under parent (a device under its group).
func (s *Sim) AddChildAsset(parent, child string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.mos[parent]
	if p == nil || s.mos[child] == nil {
		return errors.New("tenantsim: no such managed object")
	}
	ca, _ := p["childAssets"].(map[string]any)
	if ca == nil {
		ca = map[string]any{}
		p["childAssets"] = ca
	}
	refs, _ := ca["references"].([]any)
	ca["references"] = append(refs, map[string]any{"managedObject": map[string]any{"id": child}})
	return nil
}
