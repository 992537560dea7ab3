package invquery

import (
	"strings"
	"testing"
)

func TestQueryParserBoundsAndGarbage(t *testing.T) {
	for _, q := range []string{strings.Repeat("(", 10000) + "name eq 'x'" + strings.Repeat(")", 10000), "'", "has(", "name eq 'x' and", ")"} {
		if _, _, err := Parse(q); err == nil {
			t.Errorf("%.40q parsed", q)
		}
	}
	if _, _, err := Parse(strings.Repeat("(", 20) + "name eq 'x'" + strings.Repeat(")", 20)); err != nil {
		t.Fatal(err)
	}
}
