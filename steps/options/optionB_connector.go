package options

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/databroker"
	"github.com/edge-setup/edge-setup/steps/safetext"
	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/databroker"
)

// DataBrokerConnector is "new connector" of menu entry B (and the option B
// of answers files): the connector's title, what to share, whose data and
// which fragments, validated against the Edge before it is saved. The link
// with the cloud tenant follows (the TUI's link screen, or apply).
type DataBrokerConnector struct{}

// Answer keys of the Data Broker (also the keys of answer files; the
// title comes from the entry's `databroker:` key there).
const (
	KeyDBTitle       = "title"
	KeyDBDescription = "description"
	KeyDBShare       = "share"
	KeyDBDevices     = "devices"
	KeyDBFragments   = "fragments"
	KeyDBType        = "type_filter"
	// KeyDBWanted marks answers from a file (set by the answers walk).
	KeyDBWanted = "_databroker_wanted"
)

// lookupTimeout bounds the reads of the Edge a prompt makes.
const lookupTimeout = 20 * time.Second

func (DataBrokerConnector) Number() int    { return steps.DataBrokerNumber }
func (DataBrokerConnector) Letter() string { return steps.DataBrokerLetter }
func (DataBrokerConnector) Title(*steps.Env) string {
	return "Data Broker: new connector to the cloud tenant"
}
func (DataBrokerConnector) Available(env *steps.Env) error { return DataBroker{}.Available(env) }

func (DataBrokerConnector) NextPrompt(env *steps.Env, a steps.Answers) (*steps.Prompt, error) {
	b, err := NewDataBroker(env, nil)
	if err != nil {
		return nil, err
	}
	p, err := connectorFieldPrompt(env, b, a, nil)
	if p != nil || err != nil {
		return p, err
	}
	return cloudUserPrompt(env, b.CloudURL, a), nil
}

// connectorFieldPrompt asks a connector's fields in order, nil once all
// are answered: creating one and editing one (cur: its defaults, and not a
// duplicate of itself) ask the same with the same checks, each at its field.
func connectorFieldPrompt(env *steps.Env, b *databroker.Broker, a steps.Answers, cur *wire.Connector) (*steps.Prompt, error) {
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	defer cancel()
	d := connectorDefaults(env, cur)
	switch {
	case !a.Has(KeyDBTitle):
		existing, err := b.Edge.Connectors(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot read the Edge's connectors at %s: %v", edgeURL(env), safetext.Line(tenantapi.Explain(err)))
		}
		target := b.CloudURL
		if cur != nil {
			target = cur.InstanceURL
			existing = slices.DeleteFunc(existing, func(c wire.Connector) bool { return c.ID == cur.ID })
		}
		return &steps.Prompt{Key: KeyDBTitle, Text: "* Enter a title for the connector:",
			Help:    "The cloud tenant shows it on the data subscription and names the group of this Edge's devices after it.",
			Default: d[KeyDBTitle],
			Validate: func(s string) (string, error) {
				t, err := databroker.ValidateTitle(s)
				if err != nil {
					return "", err
				}
				w := databroker.Wanted{Title: t, Target: target}
				others := existing
				if a[KeyDBWanted] != "" {
					// An answers file names the connector it wants: the one of
					// that title is kept or changed (Ensure), not a duplicate.
					others = slices.DeleteFunc(slices.Clone(existing), func(c wire.Connector) bool { return c.Name == t })
				}
				return t, w.CheckAgainst(others)
			}}, nil
	case !a.Has(KeyDBDescription):
		return &steps.Prompt{Key: KeyDBDescription, Text: "* Enter a description (optional):", Default: d[KeyDBDescription], Validate: databroker.ValidateDescription}, nil
	case !a.Has(KeyDBShare):
		return &steps.Prompt{Key: KeyDBShare, Text: "* What to share: measurements, alarms, events, managed objects, or all:",
			Help:    "Words or letters (m a e o), separated by commas. Operations are not shared: they come back from the cloud.",
			Default: d[KeyDBShare], Validate: databroker.ParseShare}, nil
	case !a.Has(KeyDBDevices):
		devices, err := b.Edge.Objects(ctx, "c8y_IsDevice")
		if err != nil {
			return nil, fmt.Errorf("cannot read the Edge's devices: %v", safetext.Line(tenantapi.Explain(err)))
		}
		groups, err := b.Edge.Objects(ctx, "c8y_IsDeviceGroup")
		if err != nil {
			return nil, fmt.Errorf("cannot read the Edge's groups: %v", safetext.Line(tenantapi.Explain(err)))
		}
		return &steps.Prompt{Key: KeyDBDevices, Text: "* Whose data: all, or the name of one group or device of the Edge:",
			Help:    fmt.Sprintf("The Edge has %s and %s; a group includes its subgroups.", countOf(len(devices), "device"), countOf(len(groups), "group")),
			Default: d[KeyDBDevices],
			Validate: func(s string) (string, error) {
				sc, err := databroker.PickScope(s, devices, groups)
				return sc.String(), err
			}}, nil
	case !a.Has(KeyDBFragments):
		return &steps.Prompt{Key: KeyDBFragments, Text: "* Fragments to copy (blank: all; or a comma-separated list such as c8y_Temperature):",
			Default: d[KeyDBFragments],
			Validate: func(s string) (string, error) {
				f, err := databroker.ParseFragments(s)
				return strings.Join(f, ","), err
			}}, nil
	case !a.Has(KeyDBType):
		return &steps.Prompt{Key: KeyDBType, Text: "* Type filter (blank: every type):", Default: d[KeyDBType], Validate: databroker.ValidateType}, nil
	}
	return nil, nil
}

// connectorDefaults prefill the fields: a new connector's, or cur's own.
func connectorDefaults(env *steps.Env, cur *wire.Connector) steps.Answers {
	if cur == nil {
		return steps.Answers{KeyDBTitle: defaultTitle(env), KeyDBShare: "all", KeyDBDevices: "all"}
	}
	f := cur.Filters[0]
	share := databroker.ShareWords(strings.Join(f.APIs, ","))
	if slices.Contains(f.APIs, wire.APIAll) || len(f.APIs) == len(databroker.AllShares) {
		share = "all"
	}
	scope := "all"
	switch {
	case f.SourceID != "":
		scope = "device " + f.SourceID
	case f.DeviceGroupID != "":
		scope = "group " + f.DeviceGroupID
	}
	return steps.Answers{KeyDBTitle: cur.Name, KeyDBDescription: cur.Description, KeyDBShare: share, KeyDBDevices: scope,
		KeyDBFragments: strings.Join(f.FragmentsToCopy, ","), KeyDBType: f.TypeFilter}
}

// cloudUserPrompt asks for the cloud tenant user that creates and accepts
// the data subscription (not when C8Y_USER/C8Y_PASSWORD are set).
func cloudUserPrompt(env *steps.Env, cloudURL string, a steps.Answers) *steps.Prompt {
	if EnvTenantUser(env) != nil {
		return nil
	}
	if !a.Has(steps.KeyTenantUser) {
		def, help := "", "A user of "+cloudURL+" with device registration rights. Not stored."
		if mem := env.RememberedTenantUser(); mem != nil {
			def, help = mem.Login(), option7UserHelp+" Clear it to show the security code instead."
		}
		return &steps.Prompt{Key: steps.KeyTenantUser,
			Text:    "* Enter a cloud tenant user to create and accept the data subscription from here (leave blank to show the security code for the cloud's admin):",
			Help:    help,
			Default: def,
			Validate: func(s string) (string, error) {
				s = strings.TrimSpace(s)
				if strings.ContainsAny(s, " \t:") {
					return "", errors.New("a user name has no spaces or ':'; write tenantID/user if the tenant needs it")
				}
				return s, nil
			}}
	}
	if a[steps.KeyTenantUser] != "" && !a.Has(steps.KeyTenantPassword) && option7User(env, a[steps.KeyTenantUser]) == nil {
		return &steps.Prompt{Key: steps.KeyTenantPassword, Text: fmt.Sprintf(PromptTenantPassword, a[steps.KeyTenantUser]), Secret: true,
			Validate: required("the password"),
			Verify: func(ctx context.Context, pw string) error {
				return steps.VerifyTenantUser(ctx, env, cloudURL, steps.TenantUserCredentials(env, a[steps.KeyTenantUser], pw))
			}}
	}
	return nil
}

func defaultTitle(env *steps.Env) string {
	d, err := env.Props.LoadConfigDat()
	if err == nil && d.Get(steps.CfgDomain) != "" {
		return "Edge " + d.Get(steps.CfgDomain)
	}
	return "Edge data"
}

// wanted builds the connector the answers describe.
func wantedConnector(ctx context.Context, env *steps.Env, b *databroker.Broker, a steps.Answers) (databroker.Wanted, error) {
	devices, err := b.Edge.Objects(ctx, "c8y_IsDevice")
	if err != nil {
		return databroker.Wanted{}, steps.Explain("reading the Edge's devices failed", err)
	}
	groups, err := b.Edge.Objects(ctx, "c8y_IsDeviceGroup")
	if err != nil {
		return databroker.Wanted{}, steps.Explain("reading the Edge's groups failed", err)
	}
	scope, err := databroker.PickScope(a[KeyDBDevices], devices, groups)
	if err != nil {
		return databroker.Wanted{}, err
	}
	frags, err := databroker.ParseFragments(a[KeyDBFragments])
	if err != nil {
		return databroker.Wanted{}, err
	}
	return databroker.NewWanted(a[KeyDBTitle], a[KeyDBDescription], a[KeyDBShare], scope, frags, a[KeyDBType], b.CloudURL)
}

// checkConnector is the sub-step that checks the answers against the Edge
// (creating and editing alike).
func checkConnector(ctx context.Context, t *steps.Tracker, env *steps.Env, b *databroker.Broker, a steps.Answers) (databroker.Wanted, error) {
	var w databroker.Wanted
	err := t.Do("Check the connector against the Edge", func() (string, error) {
		var err error
		w, err = wantedConnector(ctx, env, b, a)
		if err != nil {
			return "", err
		}
		return "shares " + databroker.ShareWords(strings.Join(w.Share, ",")) + " of " + w.Scope.Describe(), nil
	})
	return w, err
}

// cloudUser is the cloud tenant user of the answers (or the environment).
func cloudUser(env *steps.Env, a steps.Answers) *tenantapi.Credentials {
	if cr := EnvTenantUser(env); cr != nil {
		return cr
	}
	if a[steps.KeyTenantUser] == "" {
		return nil
	}
	if mem := option7User(env, a[steps.KeyTenantUser]); mem != nil && !a.Has(steps.KeyTenantPassword) {
		return mem
	}
	cr := steps.TenantUserCredentials(env, a[steps.KeyTenantUser], a[steps.KeyTenantPassword])
	return &cr
}

func (DataBrokerConnector) Confirm(env *steps.Env, a steps.Answers) []string {
	_, cloudURL, _, err := dataBrokerSetup(env)
	if err != nil {
		return []string{err.Error()}
	}
	lines := []string{
		fmt.Sprintf("Save connector %q on the Edge (%s), sharing %s of %s with %s", a[KeyDBTitle], edgeURL(env),
			databroker.ShareWords(a[KeyDBShare]), devicesWords(a[KeyDBDevices]), cloudURL),
	}
	if a[KeyDBFragments] != "" || a[KeyDBType] != "" {
		lines = append(lines, fmt.Sprintf("Copy fragments: %s; type filter: %s", orAll(a[KeyDBFragments]), orAll(a[KeyDBType])))
	}
	if cr := cloudUser(env, a); cr != nil {
		lines = append(lines, "Then, as "+cr.Login()+", create the data subscription in the cloud tenant and accept it once the Edge connects")
	} else {
		lines = append(lines, "Then show the connector's security code and the steps for the cloud tenant's admin")
	}
	return lines
}

// devicesWords says whose data the answer names.
func devicesWords(answer string) string {
	if answer == "" || answer == "all" {
		return "all devices of the Edge"
	}
	return answer
}

func orAll(s string) string {
	if s == "" {
		return "all"
	}
	return s
}

func (DataBrokerConnector) Run(ctx context.Context, env *steps.Env, a steps.Answers, emit steps.Emit) error {
	t := steps.NewTrackerContext(ctx, emit)
	b, err := NewDataBroker(env, cloudUser(env, a))
	if err != nil {
		return err
	}
	w, err := checkConnector(ctx, t, env, b, a)
	if err != nil {
		return err
	}
	return t.Do("Save the connector on the Edge", func() (string, error) {
		did, c, err := b.Ensure(ctx, w)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s: connector %s, %s", did, safetext.Line(c.ID), databroker.StateOf(*c).Name), nil
	})
}

// NewLink is the link the TUI follows after Run: the broker (with the
// cloud user of the answers) and the connector's id.
func (DataBrokerConnector) NewLink(env *steps.Env, a steps.Answers) (*databroker.Broker, string, error) {
	b, err := NewDataBroker(env, cloudUser(env, a))
	if err != nil {
		return nil, "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	defer cancel()
	c, err := b.ByName(ctx, a[KeyDBTitle])
	if err != nil {
		return nil, "", err
	}
	if c == nil {
		return nil, "", fmt.Errorf("the connector %q is no longer on the Edge: choose B to see the connectors", safetext.Line(a[KeyDBTitle]))
	}
	return b, c.ID, nil
}

// countOf writes n with its noun, plural when n is not 1 ("1 group", "3 devices").
func countOf(n int, noun string) string { return databroker.CountOf(n, noun) }
