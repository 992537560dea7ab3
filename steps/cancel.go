package steps

// EscStoppable is a step whose run mostly waits (on the tenant, on a
// proof) and may be stopped with Esc without leaving edge-setup: its run
// honours the context between and inside its waits and says what it left.
// Steps that change the system in long commands (netplan, disks) are not:
// Ctrl+C stays the deliberate way to stop them.
type EscStoppable interface {
	EscStops() bool
}
