package tenantapi

import (
	"context"
	"net/http"
)

// Bulk registration statuses of one device (bulkNewDeviceStatus).
const (
	BulkCreated           = "CREATED"
	BulkFailed            = "FAILED"
	BulkCredentialUpdated = "CREDENTIAL_UPDATED"
)

// BulkResult is the tenant's answer to a bulk registration
// (BulkNewDeviceRequest): counts over the CSV's lines without the header,
// the devices whose credentials were updated and the lines that failed.
type BulkResult struct {
	NumberOfAll        int                `json:"numberOfAll"`
	NumberOfCreated    int                `json:"numberOfCreated"`
	NumberOfFailed     int                `json:"numberOfFailed"`
	NumberOfSuccessful int                `json:"numberOfSuccessful"`
	CredentialUpdated  []BulkDeviceResult `json:"credentialUpdatedList"`
	FailedCreation     []BulkDeviceResult `json:"failedCreationList"`
}

// BulkDeviceResult is one entry of those lists; DeviceID may be empty when
// the tenant could not read it from the line.
type BulkDeviceResult struct {
	Status        string `json:"bulkNewDeviceStatus"`
	DeviceID      string `json:"deviceId"`
	FailureReason string `json:"failureReason"`
	Line          string `json:"line"`
}

// BulkRegister uploads a CSV of devices (POST
// /devicecontrol/bulkNewDeviceRequests, the multipart part "file"): the
// simple form `ID;PATH` creates registration requests to accept, the full
// form creates devices with credentials. It needs ROLE_DEVICE_CONTROL_ADMIN.
func (c *Client) BulkRegister(ctx context.Context, cr Credentials, csv []byte) (*BulkResult, error) {
	var out BulkResult
	if _, err := c.do(ctx, call{method: http.MethodPost, path: "/devicecontrol/bulkNewDeviceRequests", cr: &cr,
		media: "bulkNewDeviceRequest", file: csv, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}
