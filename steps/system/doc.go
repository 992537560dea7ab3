// Package system is what the options read and change on the Edge VM
// itself, under the root: netplan and Docker's bridge, the disk layout
// (lsblk), addresses and subnets, certificate, key and licence files,
// password rules and history, parameter files and the F/C input mode, the
// cloud URL, the completion record and the options' prerequisites.
package system
