package tenantsim

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestAnswersUseLowerCaseMediaTypes(t *testing.T) {
	_, srv := newServer(t)
	for _, c := range []struct{ path, accept, want string }{
		{"/inventory/managedObjects", "application/vnd.com.nsn.cumulocity.managedObjectCollection+json", "managedobjectcollection"},
		{"/devicecontrol/newDeviceRequests", "application/json", "newdevicerequestcollection"},
		{"/user/currentUser", "", "currentuser"},
	} {
		q := admin("GET", c.path, "", "")
		q.accept = c.accept
		a := send(t, srv, q)
		if want := "application/vnd.com.nsn.cumulocity." + c.want + "+json;"; !strings.HasPrefix(a.header.Get("Content-Type"), want) {
			t.Errorf("%s: Content-Type %q, want %s...", c.path, a.header.Get("Content-Type"), want)
		}
	}
}

func TestNextLinkOnFullPages(t *testing.T) {
	for _, onlyWhenMore := range []bool{false, true} {
		t.Run(fmt.Sprint("nextOnlyWhenMore=", onlyWhenMore), func(t *testing.T) {
			s := New(Options{NextOnlyWhenMore: onlyWhenMore, Users: []User{{Name: "admin", Password: adminPW, Roles: AllRoles()}}})
			srv := newTestServer(t, s)
			for i := range 4 {
				_ = s.CreateRequest(fmt.Sprint("d", i))
			}
			get := func(page string) answer {
				return send(t, srv, admin(http.MethodGet, "/devicecontrol/newDeviceRequests?pageSize=2&withTotalElements=true&currentPage="+page, "newDeviceRequestCollection", ""))
			}
			if a := get("1"); a.json["next"] == nil {
				t.Fatalf("page 1 of 2 without next: %s", a.body)
			}
			last := get("2")
			if hasNext := last.json["next"] != nil; hasNext == onlyWhenMore {
				t.Fatalf("full last page: next present %v: %s", hasNext, last.body)
			}
			if n := last.json["statistics"].(map[string]any)["totalElements"]; n != 4.0 {
				t.Fatalf("totalElements %v", n)
			}
			if a := get("3"); a.json["next"] != nil || len(a.json["newDeviceRequests"].([]any)) != 0 {
				t.Fatalf("empty page 3: %s", a.body)
			}
		})
	}
}
