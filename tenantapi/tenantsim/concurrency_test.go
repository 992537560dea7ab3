package tenantsim

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// TestConcurrentDevices registers many devices in parallel while the
// operator lists and accepts; run with -race.
func TestConcurrentDevices(t *testing.T) {
	s, srv := newServer(t)
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("c%02d", i)
			if err := s.CreateRequest(id); err != nil {
				t.Error(err)
				return
			}
			for {
				a := send(t, srv, credsReq(id, bootPW))
				if a.status == http.StatusOK {
					return
				}
				if st, _ := s.RequestStatus(id); st == StatusPending {
					_ = s.Accept(id)
				}
				send(t, srv, admin(http.MethodGet, "/devicecontrol/newDeviceRequests?pageSize=100", "", ""))
			}
		}()
	}
	wg.Wait()
	for i := range n {
		if _, _, ok := s.DeviceCredentialsIssued(fmt.Sprintf("c%02d", i)); !ok {
			t.Fatalf("device %d got no credentials", i)
		}
	}
}
