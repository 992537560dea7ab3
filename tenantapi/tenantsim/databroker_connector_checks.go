package tenantsim

import (
	"net/url"
	"slices"
	"strings"
)

// connectorServerFields are owned by the platform: a client that sends
// them is refused.
var connectorServerFields = []string{"id", "status", "destinationStatus", "suspendReason", "tenantId",
	"username", "password", "code", "lastSynchronizationTime", "self"}

var brokerAPIs = []string{"alarm", "event", "measurement", "managedObject", "operation", "*"}

func serverField(in map[string]any) string {
	for _, f := range connectorServerFields {
		if _, ok := in[f]; ok {
			return f
		}
	}
	return ""
}

// duplicateLocked words a clash with another connector as the platform does.
func (s *Sim) duplicateLocked(self, name, instance string) string {
	for _, o := range s.broker.connectors {
		switch {
		case o.id == self:
		case o.instanceURL == instance:
			return "Duplicated connector for instanceUrl " + instance + "!"
		case o.name == name:
			return "Duplicated connector for name " + name + "!"
		}
	}
	return ""
}

// checkInstanceURL: an http(s) URL of another tenant (a connector to this
// very tenant would be a cycle).
func checkInstanceURL(raw, ownHost string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "instanceUrl: must be the URL of the destination tenant, like https://acme.cumulocity.com."
	}
	if strings.EqualFold(u.Host, ownHost) {
		return "Cycle detected for route " + raw + "!"
	}
	return ""
}

// checkFilters wants at least one filter, each with known APIs and at most
// one of sourceId and deviceGroupId.
func checkFilters(v any) ([]any, string) {
	list, _ := v.([]any)
	if len(list) == 0 {
		return nil, "filters: at least one filter is required."
	}
	for i, f := range list {
		m, ok := f.(map[string]any)
		if !ok {
			return nil, "filters: each filter must be an object."
		}
		apis, _ := m["apis"].([]any)
		if len(apis) == 0 {
			return nil, "filters[" + itoa(int64(i)) + "].apis: name at least one of alarm, event, measurement, managedObject, operation or *."
		}
		for _, a := range apis {
			if !slices.Contains(brokerAPIs, anyString(a)) {
				return nil, "filters[" + itoa(int64(i)) + "].apis: '" + anyString(a) + "' is not one of alarm, event, measurement, managedObject, operation, *."
			}
		}
		if anyID(m["sourceId"]) != "" && anyID(m["deviceGroupId"]) != "" {
			return nil, "filters[" + itoa(int64(i)) + "]: give sourceId or deviceGroupId, not both."
		}
	}
	return deepCopySlice(list), ""
}
