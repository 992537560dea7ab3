package tenantapi

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
)

// AuthHeader is the Authorization header value a request as cr carries.
// It is the one place a login is turned into a header: REST calls (do) and
// WebSockets (remote access) both use it, so a tenant that needs another
// login scheme for users is handled here for all of them.
func (c *Client) AuthHeader(ctx context.Context, cr Credentials) (string, error) {
	if strings.Contains(cr.Login(), ":") {
		return "", fmt.Errorf("the user name %q contains ':', which Basic authentication cannot carry", cr.Login())
	}
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(cr.Login()+":"+cr.Password)), nil
}
