package tenantsim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// errDestinationRefused: the destination refused the broker user (401):
// the subscription is disabled there.
var errDestinationRefused = errors.New("the destination refused the broker user")

// checkDestination finds the virtual group (once) and proves the broker
// user: errDestinationRefused when the destination disabled it.
func (f *forwarder) checkDestination(ctx context.Context, c snapshot) error {
	var out struct {
		ManagedObjects []struct {
			ID string `json:"id"`
		} `json:"managedObjects"`
	}
	url := c.instance + "/inventory/managedObjects?fragmentType=" + brokerSourceFrag + "&owner=" + c.link.username
	if _, err := f.sendAs(ctx, c.link, http.MethodGet, url, "", nil, &out); err != nil {
		return err
	}
	if len(out.ManagedObjects) > 0 {
		c.link.group = out.ManagedObjects[0].ID
	}
	return nil
}

func (f *forwarder) sendAs(ctx context.Context, l *brokerLink, method, url, media string, body, out any) (int, error) {
	return f.send(ctx, method, url, l.tenant+"/"+l.username, l.password, media, body, out)
}

// send makes one request to the destination. A 404 is an answer (status
// returned, no error); 401 is errDestinationRefused; other non-2xx answers
// and transport failures are errors.
func (f *forwarder) send(ctx context.Context, method, url, login, pw, media string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, err
	}
	req.SetBasicAuth(login, pw)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := f.hc.Do(req)
	if err != nil {
		return 0, errors.New("connection failed")
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return 0, errors.New("the answer broke off")
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return resp.StatusCode, errDestinationRefused
	case resp.StatusCode == http.StatusNotFound:
		return resp.StatusCode, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return resp.StatusCode, fmt.Errorf("the destination answered %d", resp.StatusCode)
	}
	if out != nil && len(bytes.TrimSpace(data)) > 0 {
		_ = json.Unmarshal(data, out)
	}
	_ = media
	return resp.StatusCode, nil
}
