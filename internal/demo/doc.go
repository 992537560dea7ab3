// Package demo is everything --demo starts: a cloud tenant and the Edge's
// own platform (tenantsim on loopback ports), a sandbox root seeded with
// the files the options read, an SSH server and relay for option S, and
// the Edge devices whose data B forwards. cmd/edge-setup only wires it in
// (Start, Banner, Intro, Close).
package demo
