package registration

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/edge-setup/edge-setup/steps/safetext"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// What a bulk registration did with one device.
const (
	BulkOutcomeCreated  = "created"
	BulkOutcomeExists   = "already there"
	BulkOutcomeUpdated  = "credentials updated"
	BulkOutcomeFailed   = "failed"
	BulkOutcomeAccepted = "accepted"
)

// BulkDevice is one device of a bulk registration as the operator sees it.
type BulkDevice struct {
	DeviceID string `json:"deviceId"`
	Outcome  string `json:"outcome"`
	// Status is the registration request's status when it was read
	// (WAITING_FOR_CONNECTION, PENDING_ACCEPTANCE, ACCEPTED).
	Status string `json:"status,omitempty"`
	// Reason is the platform's reason for a failure, or what comes next.
	Reason string `json:"reason,omitempty"`
}

// BulkDeviceIDs reads the device IDs of a bulk registration CSV: a header
// line starting with ID, then one device a line (tab, ';' or ',' between
// the columns).
func BulkDeviceIDs(csv []byte) ([]string, error) {
	lines := strings.Split(strings.ReplaceAll(strings.TrimSpace(string(csv)), "\r\n", "\n"), "\n")
	i := strings.IndexAny(lines[0], "\t;,")
	sep := ";"
	if i >= 0 {
		sep = lines[0][i : i+1]
	}
	if first, _, _ := strings.Cut(lines[0], sep); !strings.EqualFold(strings.TrimSpace(first), "ID") {
		return nil, errors.New("the first line must name the columns, starting with ID: write ID;PATH and then one device ID a line (or the full form ID;CREDENTIALS;TYPE;NAME;ICCID;IDTYPE;PATH;SHELL;AUTH_TYPE)")
	}
	var ids []string
	for n, l := range lines[1:] {
		if strings.TrimSpace(l) == "" {
			continue
		}
		id, _, _ := strings.Cut(l, sep)
		id = strings.TrimSpace(id)
		if id == "" {
			return nil, fmt.Errorf("line %d has no device ID", n+2)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, errors.New("the file names no device: add one device ID a line after the ID;PATH line")
	}
	return ids, nil
}

// BulkRegister uploads csv as user and reports every device of it: created,
// already there (with its request's status) or failed with the platform's
// reason. With accept it then accepts the requests that are pending (the
// device has polled once), as the tenant's "Accept all" does.
func BulkRegister(ctx context.Context, client *tenantapi.Client, user tenantapi.Credentials, csv []byte, accept bool) ([]BulkDevice, error) {
	ids, err := BulkDeviceIDs(csv)
	if err != nil {
		return nil, err
	}
	res, err := client.BulkRegister(ctx, user, csv)
	if err != nil {
		return nil, fmt.Errorf("the bulk registration failed: %s", tenantapi.Explain(err))
	}
	failed := map[string]tenantapi.BulkDeviceResult{}
	for _, f := range res.FailedCreation {
		failed[f.DeviceID] = f
	}
	updated := map[string]bool{}
	for _, u := range res.CredentialUpdated {
		updated[u.DeviceID] = true
	}
	out := make([]BulkDevice, 0, len(ids))
	for _, id := range ids {
		d := BulkDevice{DeviceID: id, Outcome: BulkOutcomeCreated, Status: tenantapi.StatusWaitingForConnection}
		f, isFailed := failed[id]
		switch {
		case isFailed:
			// A failed line of a device that has a request is one that was
			// there before; any other failure keeps the platform's reason.
			if req, err := client.NewDeviceRequest(ctx, user, id); err == nil {
				d.Outcome, d.Status = BulkOutcomeExists, req.Status
			} else {
				d.Outcome, d.Status, d.Reason = BulkOutcomeFailed, "", safetext.Line(f.FailureReason)
			}
		case updated[id]:
			d.Outcome, d.Status = BulkOutcomeUpdated, ""
		}
		if accept && d.Status == tenantapi.StatusPendingAcceptance {
			if _, err := client.AcceptNewDeviceRequest(ctx, user, id); err != nil {
				d.Reason = "accepting it failed: " + tenantapi.Explain(err)
			} else {
				d.Outcome, d.Status = BulkOutcomeAccepted, tenantapi.StatusAccepted
			}
		}
		if d.Status == tenantapi.StatusWaitingForConnection && d.Reason == "" {
			d.Reason = "accepted once the Edge has asked for its credentials (run register --bulk again with --accept then)"
		}
		out = append(out, d)
	}
	return out, nil
}
