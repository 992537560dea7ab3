package tenantsim

import (
	"encoding/json"
	"iter"
	"maps"
	"strconv"
)

// brokerState is the Data Broker part of a tenant: the connectors it is the
// source of, and the subscriptions it is the destination of.
type brokerState struct {
	connectors map[string]*connector
	// sources: subscription code -> what the source told about itself
	// when it connected (customProperties.c8y_BrokerSource).
	sources map[string]map[string]any
	// groups: subscription code -> the virtual group's managed object id.
	groups map[string]string
	// running: a RunBroker loop forwards this tenant's connectors.
	running bool
}

// brokerInitLocked makes the maps; callers hold s.mu.
func (s *Sim) brokerInitLocked() {
	if s.broker.connectors == nil {
		s.broker.connectors = map[string]*connector{}
		s.broker.sources = map[string]map[string]any{}
		s.broker.groups = map[string]string{}
	}
}

func mapValues[K comparable, V any](m map[K]V) iter.Seq[V] { return maps.Values(m) }

// anyID reads an id that JSON may carry as a string or a number.
func anyID(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

func anyString(v any) string { s, _ := v.(string); return s }
