// Package options holds one file per menu entry (1-8, S, B) and the one
// menu table both front ends and `apply` read; the engines they drive live
// in steps/registration, steps/databroker, steps/remoteaccess and
// steps/system, the contract they implement in steps.
package options
