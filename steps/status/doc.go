// Package status gathers what `edge-setup status` shows: the device ID, the
// cloud URL, the live registration state, the completed options, the
// microservice hosting state and what option S set up. It only reads.
package status
