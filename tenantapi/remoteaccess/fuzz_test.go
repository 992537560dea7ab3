package remoteaccess

import (
	"encoding/json"
	"testing"
)

// FuzzBayeuxAnswer: whatever a notification service answers, reading it
// (the reply, the advice, the notifications) never panics, and the advice
// stays within its bounds.
func FuzzBayeuxAnswer(f *testing.F) {
	for _, s := range []string{
		`[{"channel":"/meta/connect","successful":true,"advice":{"reconnect":"retry","interval":0,"timeout":5000}}]`,
		`[{"channel":"/meta/connect","successful":false,"error":"402::Unknown client","advice":{"reconnect":"handshake"}}]`,
		`[{"channel":"/1","data":{"realtimeAction":"CREATE","data":{"id":"5"}}},{"channel":"/meta/connect","successful":true,"advice":{"interval":-5,"timeout":1e18}}]`,
		`[{"channel":"/meta/connect","advice":{"reconnect":"none"}}]`, `[]`, `[null]`, `[{"channel":5}]`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var answers []message
		if json.Unmarshal([]byte(body), &answers) != nil {
			return
		}
		n := &Notifications{clientID: "c"}
		for _, x := range notificationsOf(answers) {
			if x.Channel == "" || len(x.Channel) > 6 && x.Channel[:6] == "/meta/" {
				t.Fatalf("delivered %+v", x)
			}
		}
		m, _ := reply(answers, "/meta/connect")
		n.takeAdvice(m.Advice)
		if n.Interval() < 0 || n.Interval() > 60e9 || n.hold < 0 || n.hold > 3600e9 {
			t.Fatalf("advice out of bounds: interval %s, hold %s", n.Interval(), n.hold)
		}
	})
}
