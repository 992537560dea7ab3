package edgeprops

import (
	"strings"
	"testing"
)

func TestConfigDatRoundTrip(t *testing.T) {
	s := New(t.TempDir())
	d, err := s.LoadConfigDat()
	if err != nil || len(d.Keys()) != 0 {
		t.Fatalf("missing file: %v %v", d.Keys(), err)
	}
	writeFile(t, s, ConfigDatFile, "# post-installer answers\ntenant.admin.username=admin\nsomething.else=keep\n", 0o600)
	d, err = s.LoadConfigDat()
	if err != nil {
		t.Fatal(err)
	}
	if d.Get(KeyAdminUsername) != "admin" || d.Get(KeyDomainName) != "" || d.Has(KeyDomainName) {
		t.Fatalf("Get: %q %q", d.Get(KeyAdminUsername), d.Get(KeyDomainName))
	}
	const pw = "Pa55w0rd!~`'\",.<>{}[]\\/ é"
	d.SetAdminPassword(pw)
	d.Set(KeyDomainName, "myown.iot.com")
	d.Set(KeySSLCertificate, "/root/certs/my cert.crt")
	if err := s.SaveConfigDat(d); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, s.Path(ConfigDatFile)); m != 0o600 {
		t.Errorf("mode = %v", m)
	}
	file := readString(t, s.Path(ConfigDatFile))
	if strings.Contains(file, "Pa55w0rd") {
		t.Error("password stored in clear")
	}
	if !strings.HasPrefix(file, "# post-installer answers\ntenant.admin.username=admin\nsomething.else=keep\ntenant.admin.password=") ||
		!strings.Contains(file, "\nssl.certificate=/root/certs/my cert.crt\n") {
		t.Errorf("file:\n%s", file)
	}
	back, err := New(s.Root()).LoadConfigDat()
	if err != nil {
		t.Fatal(err)
	}
	got, err := back.AdminPassword()
	if err != nil || got != pw {
		t.Errorf("AdminPassword() = %q, %v", got, err)
	}
}

func TestConfigDatAdminPasswordDecoding(t *testing.T) {
	d := NewConfigDat()
	if pw, err := d.AdminPassword(); pw != "" || err != nil {
		t.Errorf("unset: %q %v", pw, err)
	}
	d.Set(KeyAdminPassword, "c2VjcmV0") // "secret", padded form
	if pw, err := d.AdminPassword(); pw != "secret" || err != nil {
		t.Errorf("got %q %v", pw, err)
	}
	d.Set(KeyAdminPassword, "c2VjcmV0MQ") // "secret1" without padding
	if pw, err := d.AdminPassword(); pw != "secret1" || err != nil {
		t.Errorf("unpadded: %q %v", pw, err)
	}
	d.Set(KeyAdminPassword, "not base64!")
	_, err := d.AdminPassword()
	if err == nil || strings.Contains(err.Error(), "not base64!") || !strings.Contains(err.Error(), "run option 2") {
		t.Errorf("err = %v", err)
	}
}
