package tenantapi

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// device registers and accepts a device and returns its credentials.
func device(t *testing.T, e *env, id string) Credentials {
	t.Helper()
	ctx := t.Context()
	if err := e.sim.CreateRequest(id); err != nil {
		t.Fatal(err)
	}
	_, _ = e.c.RequestDeviceCredentials(ctx, boot, id)
	if err := e.sim.Accept(id); err != nil {
		t.Fatal(err)
	}
	dc, err := e.c.RequestDeviceCredentials(ctx, boot, id)
	if err != nil {
		t.Fatal(err)
	}
	return dc.Credentials()
}

func TestDeviceInventory(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	dev := device(t, e, "serial/1") // a slash survives path escaping

	if _, err := e.c.ExternalID(ctx, dev, "c8y_Serial", "serial/1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("lookup before create: %v", err)
	}
	moID, err := e.c.CreateManagedObject(ctx, dev, map[string]any{
		"name": "Edge serial/1", "type": "c8y_Edge", "c8y_IsDevice": map[string]any{},
		"com_cumulocity_model_Agent": map[string]any{},
		"c8y_SupportedOperations":    []string{"c8y_RemoteAccessConnect"},
	})
	if err != nil || moID == "" {
		t.Fatalf("create: %q %v", moID, err)
	}
	if err := e.c.CreateExternalID(ctx, dev, moID, "c8y_Serial", "serial/1"); err != nil {
		t.Fatal(err)
	}
	got, err := e.c.ExternalID(ctx, dev, "c8y_Serial", "serial/1")
	if err != nil || got != moID {
		t.Fatalf("lookup: %q %v", got, err)
	}
	if err := e.c.UpdateManagedObject(ctx, dev, moID, map[string]any{"c8y_RequiredAvailability": map[string]any{"responseInterval": 10}}); err != nil {
		t.Fatal(err)
	}
	mo, err := e.c.ManagedObject(ctx, dev, moID)
	if err != nil || mo["owner"] != "device_serial/1" || mo["c8y_RequiredAvailability"] == nil || mo["name"] != "Edge serial/1" {
		t.Fatalf("read: %v %v", mo, err)
	}
	simMO, ok := e.sim.ManagedObjectByExternalID("c8y_Serial", "serial/1")
	if !ok || simMO["id"] != moID {
		t.Fatalf("sim: %v", simMO)
	}

	// Another object may not take the same external ID.
	other, err := e.c.CreateManagedObject(ctx, admin, map[string]any{"name": "other"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.c.CreateExternalID(ctx, admin, other, "c8y_Serial", "serial/1"); errStatus(err) != http.StatusConflict {
		t.Fatalf("conflict: %v", err)
	}
	if _, err := e.c.ManagedObject(ctx, dev, other); !errors.Is(err, ErrForbidden) {
		t.Fatalf("foreign object: %v", err)
	}
	if _, err := e.c.ManagedObject(ctx, admin, "999999"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing object: %v", err)
	}
	assertDeviceHeaders(t, e)
}

func TestOperationsClient(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	dev := device(t, e, "op")
	moID, err := e.c.CreateManagedObject(ctx, dev, map[string]any{"name": "op"})
	if err != nil {
		t.Fatal(err)
	}
	opID := e.sim.CreateOperation(moID, map[string]any{"c8y_RemoteAccessConnect": map[string]any{"hostname": "127.0.0.1", "port": 22, "connectionKey": "k1"}})
	ops, err := e.c.Operations(ctx, dev, moID, OpPending)
	if err != nil || len(ops) != 1 || ops[0].ID != opID || ops[0].DeviceID != moID || ops[0].Status != OpPending {
		t.Fatalf("operations %+v %v", ops, err)
	}
	if _, ok := ops[0].Fragments["c8y_RemoteAccessConnect"].(map[string]any); !ok {
		t.Fatalf("fragments %v", ops[0].Fragments)
	}
	if err := e.c.UpdateOperation(ctx, dev, opID, OpExecuting, ""); err != nil {
		t.Fatal(err)
	}
	if err := e.c.UpdateOperation(ctx, dev, opID, OpFailed, "sshd is not running"); err != nil {
		t.Fatal(err)
	}
	if st, why, _ := e.sim.OperationStatus(opID); st != OpFailed || why != "sshd is not running" {
		t.Fatalf("sim: %s %q", st, why)
	}
	if err := e.c.UpdateOperation(ctx, dev, opID, "DONE", ""); errStatus(err) != 422 {
		t.Fatalf("bad status: %v", err)
	}
	ops, err = e.c.Operations(ctx, dev, moID, OpPending)
	if err != nil || len(ops) != 0 {
		t.Fatalf("pending after update: %+v %v", ops, err)
	}
}

func TestRemoteAccessClient(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	moID, err := e.c.CreateManagedObject(ctx, admin, map[string]any{"name": "ra"})
	if err != nil {
		t.Fatal(err)
	}
	list, err := e.c.RemoteAccessConfigs(ctx, admin, moID)
	if err != nil || len(list) != 0 {
		t.Fatalf("empty: %v %v", list, err)
	}
	cfg := RemoteAccessConfig{Name: "ssh", Hostname: "127.0.0.1", Port: 22, Protocol: "SSH", CredentialsType: "USER_PASS", Username: "root", Password: "hunter2-hunter2"}
	if strings.Contains(fmt.Sprint(cfg)+fmt.Sprintf("%#v", cfg), "hunter2") {
		t.Fatal("password printed")
	}
	made, err := e.c.CreateRemoteAccessConfig(ctx, admin, moID, cfg)
	if err != nil || made.ID == "" || made.Username != "root" || made.CredentialsType != "USER_PASS" || made.Port != 22 {
		t.Fatalf("create: %+v %v", made, err)
	}
	if pw, _ := e.sim.RemoteAccessPassword(moID, made.ID); pw != "hunter2-hunter2" {
		t.Fatalf("stored %q", pw)
	}
	list, err = e.c.RemoteAccessConfigs(ctx, admin, moID)
	if err != nil || len(list) != 1 || list[0].ID != made.ID || list[0].Username != "root" {
		t.Fatalf("list: %+v %v", list, err)
	}
	cfg.ID, cfg.Port = made.ID, 2222
	upd, err := e.c.UpdateRemoteAccessConfig(ctx, admin, moID, cfg)
	if err != nil || upd.Port != 2222 {
		t.Fatalf("update: %+v %v", upd, err)
	}
	if err := e.c.DeleteRemoteAccessConfig(ctx, admin, moID, made.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.RemoteAccessConfigs(ctx, reader, moID); !errors.Is(err, ErrForbidden) {
		t.Fatalf("reader: %v", err)
	}
	if ex := Explain(func() error { _, err := e.c.RemoteAccessConfigs(ctx, reader, moID); return err }()); !strings.Contains(ex, "ROLE_REMOTE_ACCESS_ADMIN") {
		t.Fatalf("explain 403: %s", ex)
	}
	bad := cfg
	bad.Port = 0
	if _, err := e.c.CreateRemoteAccessConfig(ctx, admin, moID, bad); errStatus(err) != 422 {
		t.Fatalf("invalid: %v", err)
	}
}

func TestChangeOwnPassword(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	tests := []struct {
		name         string
		cr           Credentials
		oldPw, newPw string
		status       int
	}{
		{"bad auth", Credentials{User: "admin", Password: "nope"}, "nope", "new-password-1", 401},
		{"wrong current", admin, "nope", "new-password-1", 422},
		{"too short", admin, adminPW, "short", 422},
		{"same", admin, adminPW, adminPW, 422},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := e.c.ChangeOwnPassword(ctx, tc.cr, tc.oldPw, tc.newPw)
			if errStatus(err) != tc.status {
				t.Fatalf("%v, want %d", err, tc.status)
			}
		})
	}
	if err := e.c.ChangeOwnPassword(ctx, admin, adminPW, "new-password-1"); err != nil {
		t.Fatal(err)
	}
	if e.sim.UserPassword("admin") != "new-password-1" {
		t.Fatal("not changed")
	}
	var e422 *Error
	err := e.c.ChangeOwnPassword(ctx, Credentials{User: "admin", Password: "new-password-1"}, "new-password-1", "x")
	if !errors.As(err, &e422) || e422.Code != "undefined/validationError" || !strings.Contains(Explain(err), "8 and at most 32") {
		t.Fatalf("policy: %v / %s", err, Explain(err))
	}
}

// A lookup by name must find that object, not the first of the inventory.
func TestManagedObjectsQueryFindsTheRightObject(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	_, _ = e.c.CreateManagedObject(ctx, admin, map[string]any{"name": "edge-a", "c8y_IsDevice": map[string]any{}})
	want, _ := e.c.CreateManagedObject(ctx, admin, map[string]any{"name": "it's edge-b", "c8y_IsDevice": map[string]any{}})
	got, err := e.c.ManagedObjects(ctx, admin, InventoryQuery{Query: "name eq " + QuoteQueryValue("it's edge-b")})
	if err != nil || len(got) != 1 || got[0]["id"] != want {
		t.Fatalf("lookup by name: %v %v", got, err)
	}
	all, err := e.c.ManagedObjects(ctx, admin, InventoryQuery{FragmentType: "c8y_IsDevice", PageSize: 1})
	if err != nil || len(all) != 2 {
		t.Fatalf("paged: %d %v", len(all), err)
	}
	// A filter the sim does not simulate is an error, not the whole inventory.
	if _, err := e.c.ManagedObjects(ctx, admin, InventoryQuery{Query: "name gt 'a'"}); errStatus(err) != 422 {
		t.Fatalf("unsupported operator: %v", err)
	}
}
