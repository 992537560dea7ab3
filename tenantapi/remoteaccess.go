package tenantapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// RemoteAccessConfig is a Cloud Remote Access endpoint of a device. The
// service does not send secrets back: Password and PrivateKey are empty
// in answers.
type RemoteAccessConfig struct {
	ID              string `json:"id,omitempty"`
	Name            string `json:"name"`
	Hostname        string `json:"hostname"`
	Port            int    `json:"port"`
	Protocol        string `json:"protocol"`        // SSH, VNC, TELNET, PASSTHROUGH
	CredentialsType string `json:"credentialsType"` // USER_PASS, KEY_PAIR, CERTIFICATE, PASS_ONLY, NONE
	Username        string `json:"username,omitempty"`
	Password        string `json:"password,omitempty"`
	PrivateKey      string `json:"privateKey,omitempty"`
	PublicKey       string `json:"publicKey,omitempty"`
	HostKey         string `json:"hostKey,omitempty"`
}

// UnmarshalJSON reads answers, whose credentials are nested under
// "credentials" (with "username" or "user").
func (r *RemoteAccessConfig) UnmarshalJSON(data []byte) error {
	type flat RemoteAccessConfig
	var w struct {
		flat
		Credentials *struct {
			Type       string `json:"type"`
			Username   string `json:"username"`
			User       string `json:"user"`
			Password   string `json:"password"`
			PrivateKey string `json:"privateKey"`
			PublicKey  string `json:"publicKey"`
			HostKey    string `json:"hostKey"`
		} `json:"credentials"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*r = RemoteAccessConfig(w.flat)
	if c := w.Credentials; c != nil {
		r.CredentialsType = first(r.CredentialsType, c.Type)
		r.Username = first(r.Username, c.Username, c.User)
		r.Password = first(r.Password, c.Password)
		r.PrivateKey = first(r.PrivateKey, c.PrivateKey)
		r.PublicKey = first(r.PublicKey, c.PublicKey)
		r.HostKey = first(r.HostKey, c.HostKey)
	}
	return nil
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// String never shows the password or private key.
func (r RemoteAccessConfig) String() string {
	return fmt.Sprintf("%s %s://%s@%s:%d (%s, id %s)", r.Name, r.Protocol, r.Username, r.Hostname, r.Port, r.CredentialsType, r.ID)
}

// GoString never shows the password or private key, even with %#v.
func (r RemoteAccessConfig) GoString() string { return r.String() }

func raPath(moID string) string {
	return "/service/remoteaccess/devices/" + url.PathEscape(moID) + "/configurations"
}

// RemoteAccessConfigs lists the device's remote access endpoints.
func (c *Client) RemoteAccessConfigs(ctx context.Context, cr Credentials, moID string) ([]RemoteAccessConfig, error) {
	var out []RemoteAccessConfig
	if _, err := c.do(ctx, call{method: http.MethodGet, path: raPath(moID), cr: &cr, out: &out}); err != nil {
		return nil, err
	}
	return out, nil
}

// CreateRemoteAccessConfig adds an endpoint and returns it as stored.
func (c *Client) CreateRemoteAccessConfig(ctx context.Context, cr Credentials, moID string, cfg RemoteAccessConfig) (*RemoteAccessConfig, error) {
	cfg.ID = ""
	var out RemoteAccessConfig
	if _, err := c.do(ctx, call{method: http.MethodPost, path: raPath(moID), cr: &cr, body: cfg, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateRemoteAccessConfig replaces an endpoint (PUT carries the whole object).
func (c *Client) UpdateRemoteAccessConfig(ctx context.Context, cr Credentials, moID string, cfg RemoteAccessConfig) (*RemoteAccessConfig, error) {
	if cfg.ID == "" {
		return nil, fmt.Errorf("tenantapi: UpdateRemoteAccessConfig needs the configuration's ID")
	}
	var out RemoteAccessConfig
	if _, err := c.do(ctx, call{method: http.MethodPut, path: raPath(moID) + "/" + url.PathEscape(cfg.ID), cr: &cr, body: cfg, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteRemoteAccessConfig removes an endpoint.
func (c *Client) DeleteRemoteAccessConfig(ctx context.Context, cr Credentials, moID, configID string) error {
	_, err := c.do(ctx, call{method: http.MethodDelete, path: raPath(moID) + "/" + url.PathEscape(configID), cr: &cr})
	return err
}
