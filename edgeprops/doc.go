// Package edgeprops reads and writes the Cumulocity IoT Edge appliance's files
// under a root directory ("/" on a real Edge, a temporary directory in tests
// and in the demo): the Edge agent's properties, its device ID and device
// credentials, the post-installer's config.dat, and edge-setup's own state.
//
// Every file operation under the root goes through Root (confined.go): it
// walks from the root's descriptor with openat and acts on the directory's
// descriptor, so nothing, not even a directory swapped for a link while it
// works, leads it out of the root. The *Under functions and the Store's
// methods use it.
//
// Every write is atomic and durable (see WriteFileAtomic) and keeps the
// comments, order and unknown keys of the file it rewrites (see Properties).
// Store methods that read, modify and write a file are serialised within the
// process and, unless the Store already holds the process lock (Store.Lock),
// take that lock for the duration of the write, so two edge-setup processes
// never interleave a read-modify-write.
package edgeprops

// Paths of the Edge's files, relative to the Store's root.
const (
	AgentDir         = "usr/edge/properties/edge-agent"
	DeviceIDFile     = AgentDir + "/device-id"
	AgentPropsFile   = AgentDir + "/edge-agent.properties"
	CredentialsFile  = AgentDir + "/credentials.properties"
	PostInstallerDir = "opt/c8y/utilities/post-installer"
	ConfigDatFile    = PostInstallerDir + "/config.dat"
	StateDir         = "var/lib/edge-setup" // edge-setup's own state (completion records etc.)
	LockFile         = "run/edge-setup.lock"
)
