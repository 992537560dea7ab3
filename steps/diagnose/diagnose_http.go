package diagnose

// The HTTP and clock checks of Diagnose: GET /tenant/loginOptions through
// tenantapi, and this machine's clock against the tenant's Date header.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/edge-setup/edge-setup/tenantapi"
)

// probeDate reads the tenant's Date header over the checked connection (no
// credentials are sent), so the clock can be compared even when the
// certificate was refused.
func (r *diagRun) probeDate(ctx context.Context) {
	conn := r.conn
	r.conn = nil
	defer conn.Close()
	u := *r.tenant
	u.Path = strings.TrimRight(u.Path, "/") + "/tenant/loginOptions"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		r.dateErr = err
		return
	}
	req.Header.Set("User-Agent", r.userAgent())
	req.Header.Set("Accept", "application/json")
	req.Close = true
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	conn.SetDeadline(time.Now().Add(r.d.Timeout))
	if err := req.Write(conn); err != nil {
		r.dateErr = err
		return
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		r.dateErr = err
		return
	}
	resp.Body.Close()
	r.dateAt = r.now()
	d := resp.Header.Get("Date")
	if d == "" {
		r.dateErr = errors.New("the answer had no Date header")
		return
	}
	t, err := http.ParseTime(d)
	if err != nil {
		r.dateErr = fmt.Errorf("the Date header %q is not a valid date", d)
		return
	}
	r.date = t
}

func (r *diagRun) checkHTTP(ctx context.Context) Check {
	if r.env.NewClient == nil {
		return Check{Status: CheckSkipped, Detail: "no tenant client is configured"}
	}
	c, err := r.env.NewClient(r.tenant.String())
	if err != nil {
		return Check{Status: CheckFail, Detail: oneLine(err.Error()), Fix: "check the tenant URL and the --ca-cert file"}
	}
	defer c.Close()
	start := time.Now()
	err = c.LoginOptions(ctx)
	if err == nil {
		return Check{Status: CheckOK, Detail: fmt.Sprintf("GET /tenant/loginOptions answered like a Cumulocity tenant in %s", roundDuration(time.Since(start)))}
	}
	detail := "GET /tenant/loginOptions: " + tenantapi.Explain(err)
	via := ""
	if r.proxy != nil {
		via = "; the answer came through the proxy from " + r.proxyVar + ", which may be answering instead of the tenant"
	}
	var te *tenantapi.Error
	switch {
	case errors.Is(err, context.Canceled):
		return Check{Status: CheckSkipped, Detail: "not run: stopped"}
	case errors.As(err, &te) && te.StatusCode >= 300 && te.StatusCode < 400:
		return Check{Status: CheckFail, Detail: detail, Fix: "use the address it redirects to as the tenant URL (option 7)"}
	case errors.As(err, &te) && (te.StatusCode >= 500 || te.StatusCode == http.StatusTooManyRequests):
		return Check{Status: CheckFail, Detail: detail, Fix: "try again in a few minutes; if it persists, ask the platform operator about the tenant's status" + via}
	case errors.As(err, &te) && te.StatusCode == http.StatusProxyAuthRequired:
		return Check{Status: CheckFail, Detail: detail, Fix: "put the proxy user and password in " + r.proxyVar + " (http://user:password@proxy:port)"}
	case errors.Is(err, tenantapi.ErrNotCumulocity), errors.Is(err, tenantapi.ErrMalformedBody), errors.Is(err, tenantapi.ErrBodyTooLarge), errors.As(err, &te):
		return Check{Status: CheckFail, Detail: detail, Fix: "check that the URL is the tenant's address, e.g. https://acme.cumulocity.com" + via}
	}
	return Check{Status: CheckFail, Detail: detail, Fix: "the checks above passed, so the connection works but the request did not: try again; if it persists, check the proxy and firewall"}
}

func (r *diagRun) checkClock() Check {
	if r.date.IsZero() {
		why := "the tenant's answer could not be read"
		if r.dateErr != nil {
			why = oneLine(r.dateErr.Error())
		}
		return Check{Status: CheckSkipped, Detail: "not compared: " + why}
	}
	// The Date header has whole seconds: compare whole seconds, as Unix
	// seconds (a time.Duration holds only 292 years: a clock centuries off
	// must not overflow into "agrees").
	skew := r.dateAt.Unix() - r.date.Unix()
	abs := skew
	if abs < 0 {
		abs = -abs
	}
	// A second or two either way is the request's own duration.
	if abs <= 2 {
		return Check{Status: CheckOK, Detail: "this machine's clock agrees with the tenant's"}
	}
	dir := "ahead of"
	if skew < 0 {
		dir = "behind"
	}
	tenantAt := r.date.UTC().Format("15:04:05 MST")
	if abs >= 24*60*60 {
		tenantAt = r.date.UTC().Format("2006-01-02 15:04:05 MST") // days apart: both dates
	}
	detail := fmt.Sprintf("this machine's clock is %s %s the tenant's (here %s, tenant %s)",
		skewText(abs), dir, r.dateAt.UTC().Format("2006-01-02 15:04:05 MST"), tenantAt)
	fix := "turn on time synchronisation (timedatectl set-ntp true) and check that the NTP server is reachable, or set the clock (date -s)"
	switch {
	case abs > int64(ClockSkewFail/time.Second):
		return Check{Status: CheckFail, Detail: detail + ": TLS certificates and login tokens fail at this difference", Fix: fix}
	case abs > int64(ClockSkewWarn/time.Second):
		return Check{Status: CheckWarn, Detail: detail + ": tokens may be refused as it grows", Fix: fix}
	}
	return Check{Status: CheckOK, Detail: detail}
}

// skewText is a clock difference of secs seconds for people: "7s",
// "3h25m0s", "12 days", "about 300 years (109575 days)".
func skewText(secs int64) string {
	const day = 24 * 60 * 60
	switch {
	case secs >= 2*365*day:
		const year = 365*day + day/4
		return fmt.Sprintf("about %d years (%d days)", (secs+year/2)/year, secs/day)
	case secs >= 2*day:
		return fmt.Sprintf("%d days", secs/day)
	}
	return (time.Duration(secs) * time.Second).String()
}

func roundDuration(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(time.Millisecond)
}
