// Package diagnose is the connectivity diagnosis (menu D and `edge-setup
// diagnose`): URL, proxy, DNS, TCP, TLS, HTTP and clock checks against the
// tenant, each with what it found and what to do.
package diagnose
