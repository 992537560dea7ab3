package tenantapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// LoginOptions proves the URL is a Cumulocity tenant: GET
// /tenant/loginOptions needs no credentials. It returns nil when the answer
// looks like a tenant's, ErrNotCumulocity (saying what was seen) when
// something else answers, and network or 5xx/429 errors as they are.
func (c *Client) LoginOptions(ctx context.Context) error {
	var out struct {
		LoginOptions []map[string]any `json:"loginOptions"`
	}
	resp, err := c.do(ctx, call{method: http.MethodGet, path: "/tenant/loginOptions", media: "loginOptionCollection", out: &out})
	var e *Error
	switch {
	case err == nil:
		if !strings.Contains(strings.ToLower(resp.Header().Get("Content-Type")), "json") || out.LoginOptions == nil {
			return fmt.Errorf("%w: %s answered %d with %s and no login options", ErrNotCumulocity, c.base, resp.StatusCode(), describeType(resp.Header().Get("Content-Type")))
		}
		return nil
	case errors.Is(err, ErrBodyTooLarge):
		return fmt.Errorf("%w: %s answered with more than %s", ErrNotCumulocity, c.base, size(c.maxBody))
	case errors.Is(err, ErrMalformedBody):
		return fmt.Errorf("%w: %s answered %d with %s that is not JSON", ErrNotCumulocity, c.base, resp.StatusCode(), describeType(resp.Header().Get("Content-Type")))
	case errors.As(err, &e):
		switch {
		case e.StatusCode >= 500, e.StatusCode == http.StatusTooManyRequests:
			return err // a tenant (or its proxy) in trouble: worth another try
		case e.Location != "":
			return fmt.Errorf("%w: %s answered %d and redirects to %s (use that address if it is the tenant)", ErrNotCumulocity, c.base, e.StatusCode, e.Location)
		}
		return fmt.Errorf("%w: %s answered %d %s with %s", ErrNotCumulocity, c.base, e.StatusCode, http.StatusText(e.StatusCode), describeType(resp.Header().Get("Content-Type")))
	}
	return err
}

// Health is the status of GET /tenant/health (no credentials), "UP" when
// the platform (an Edge's local one) is ready.
func (c *Client) Health(ctx context.Context) (string, error) {
	var out struct {
		Status string `json:"status"`
	}
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/tenant/health", out: &out}); err != nil {
		return "", err
	}
	return out.Status, nil
}

// Tenant is the answer of GET /tenant/currentTenant.
type Tenant struct {
	Name       string `json:"name"` // the tenant ID, e.g. t12345678
	DomainName string `json:"domainName"`
}

// CurrentTenant is the tenant the credentials belong to.
func (c *Client) CurrentTenant(ctx context.Context, cr Credentials) (*Tenant, error) {
	var t Tenant
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/tenant/currentTenant", cr: &cr, media: "currentTenant", out: &t}); err != nil {
		return nil, err
	}
	return &t, nil
}

// User is the answer of GET /user/currentUser.
type User struct {
	UserName string
	Roles    []string // effective role ids, e.g. ROLE_DEVICE_CONTROL_ADMIN
}

// HasRole reports whether the user holds role.
func (u *User) HasRole(role string) bool {
	for _, r := range u.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// CurrentUser is the user the credentials belong to, with effective roles.
func (c *Client) CurrentUser(ctx context.Context, cr Credentials) (*User, error) {
	var out struct {
		UserName       string `json:"userName"`
		EffectiveRoles []struct {
			ID string `json:"id"`
		} `json:"effectiveRoles"`
	}
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/user/currentUser", cr: &cr, media: "currentUser", out: &out}); err != nil {
		return nil, err
	}
	u := &User{UserName: out.UserName}
	for _, r := range out.EffectiveRoles {
		u.Roles = append(u.Roles, r.ID)
	}
	return u, nil
}

// ChangeOwnPassword changes the password of the user cr names. The tenant
// answers 422 when oldPw is wrong or newPw breaks its password policy.
func (c *Client) ChangeOwnPassword(ctx context.Context, cr Credentials, oldPw, newPw string) error {
	body := map[string]string{"currentUserPassword": oldPw, "newPassword": newPw}
	_, err := c.do(ctx, call{method: http.MethodPut, path: "/user/currentUser/password", cr: &cr, body: body})
	return err
}
