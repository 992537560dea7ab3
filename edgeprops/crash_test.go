package edgeprops

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The crash test runs the test binary again as a child that rewrites the
// agent properties, the device credentials and config.dat in a loop, and
// SIGKILLs it at random moments. After every kill each file must hold one
// complete version (the old one or a new one), parse, and have the mode
// that goes with its content.
//
//	go test ./edgeprops -run TestCrashDuringWrites -v            # 400 kills (100 with -short)
//	EDGEPROPS_CRASH_KILLS=2000 go test ./edgeprops -run TestCrashDuringWrites -v

const (
	crashChildEnv = "EDGEPROPS_TEST_CRASH_CHILD_ROOT" // the child writes under this root
	crashGenEnv   = "EDGEPROPS_TEST_CRASH_CHILD_GEN"  // the first generation it writes
	crashKillsEnv = "EDGEPROPS_CRASH_KILLS"           // how many kills (default 400, 100 with -short)
	crashPadEnd   = "# end of padding"
)

// init runs before TestMain: in the child it never returns.
func init() {
	if root := os.Getenv(crashChildEnv); root != "" {
		gen, _ := strconv.Atoi(os.Getenv(crashGenEnv))
		crashChild(root, gen)
	}
}

// crashChild writes generation after generation until it is killed.
func crashChild(root string, gen int) {
	s := New(root)
	fmt.Println("go")
	for ; ; gen++ {
		check := func(err error) {
			if err != nil {
				fmt.Fprintln(os.Stderr, "crash child:", err)
				os.Exit(2)
			}
		}
		check(s.SaveAgentConfig(crashAgent(gen)))
		check(s.SaveCredentials(crashCreds(gen)))
		d, err := s.LoadConfigDat()
		check(err)
		d.Set(KeyDomainName, fmt.Sprintf("d%d.example.com", gen))
		d.Set("pad", crashPad(gen))
		d.SetAdminPassword(fmt.Sprintf("Pw-%d", gen))
		check(s.SaveConfigDat(d))
	}
}

func crashAgent(gen int) AgentConfig {
	c := AgentConfig{URL: fmt.Sprintf("https://g%d.example.com", gen), RemoteManagement: true,
		BootstrapTenant: fmt.Sprintf("t%d", gen), BootstrapUser: fmt.Sprintf("user-%d", gen)}
	if gen%2 == 0 { // with and without a secret: the mode must follow
		c.BootstrapPassword = fmt.Sprintf("pw-%d", gen)
	}
	return c
}

func crashCreds(gen int) Credentials {
	return Credentials{Tenant: fmt.Sprintf("t%d", gen), Username: fmt.Sprintf("device_%d", gen),
		Password: fmt.Sprintf("secret-%d", gen), URL: fmt.Sprintf("https://g%d.example.com", gen)}
}

func crashPad(gen int) string {
	return fmt.Sprintf("%d:%s:%d", gen, strings.Repeat("x", 4096+gen%512), gen)
}

// seedCrashFiles writes generation 0 with a long comment in each file, so a
// file cut short would be noticed.
func seedCrashFiles(t *testing.T, s *Store) {
	t.Helper()
	comment := "# " + strings.Repeat("padding ", 1000) + "\n" + crashPadEnd + "\n"
	for _, f := range []string{AgentPropsFile, CredentialsFile} {
		if err := WriteFileAtomic(s.Path(f), []byte(comment), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveAgentConfig(crashAgent(0)); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveCredentials(crashCreds(0)); err != nil {
		t.Fatal(err)
	}
	d := NewConfigDat()
	d.Set(KeyDomainName, "d0.example.com")
	d.Set("pad", crashPad(0))
	d.SetAdminPassword("Pw-0")
	if err := s.SaveConfigDat(d); err != nil {
		t.Fatal(err)
	}
}

// crashGenerations reads the generation each file holds, failing on a file
// that is partial, mixed or has the wrong mode.
func crashGenerations(s *Store) (map[string]int, error) {
	gens := map[string]int{}
	num := func(file, what, v, prefix, suffix string) (int, error) {
		if !strings.HasPrefix(v, prefix) || !strings.HasSuffix(v, suffix) {
			return 0, fmt.Errorf("%s: %s = %q", file, what, v)
		}
		return strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(v, prefix), suffix))
	}
	same := func(file string, vals ...int) (int, error) {
		for _, v := range vals[1:] {
			if v != vals[0] {
				return 0, fmt.Errorf("%s mixes generations %v", file, vals)
			}
		}
		return vals[0], nil
	}
	wantMode := func(file string, want os.FileMode) error {
		fi, err := os.Stat(s.Path(file))
		if err != nil {
			return err
		}
		if fi.Mode().Perm() != want {
			return fmt.Errorf("%s has mode %v, want %v", file, fi.Mode().Perm(), want)
		}
		return nil
	}
	padded := func(file string) error {
		b, err := os.ReadFile(s.Path(file))
		if err != nil {
			return err
		}
		if !strings.Contains(string(b), crashPadEnd) || !strings.HasSuffix(string(b), "\n") {
			return fmt.Errorf("%s is cut short (%d bytes)", file, len(b))
		}
		return nil
	}

	// agent properties
	if err := padded(AgentPropsFile); err != nil {
		return nil, err
	}
	a, err := s.LoadAgentConfig()
	if err != nil {
		return nil, err
	}
	g1, err1 := num(AgentPropsFile, "c8y.url", a.URL, "https://g", ".example.com")
	g2, err2 := num(AgentPropsFile, "tenant", a.BootstrapTenant, "t", "")
	g3, err3 := num(AgentPropsFile, "user", a.BootstrapUser, "user-", "")
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			return nil, err
		}
	}
	g, err := same(AgentPropsFile, g1, g2, g3)
	if err != nil {
		return nil, err
	}
	if a != crashAgent(g) {
		return nil, fmt.Errorf("%s: generation %d incomplete", AgentPropsFile, g)
	}
	mode := os.FileMode(0o644)
	if a.BootstrapPassword != "" {
		mode = 0o600
	}
	if err := wantMode(AgentPropsFile, mode); err != nil {
		return nil, err
	}
	gens[AgentPropsFile] = g

	// credentials
	if err := padded(CredentialsFile); err != nil {
		return nil, err
	}
	c, ok, err := s.LoadCredentials()
	if err != nil || !ok {
		return nil, fmt.Errorf("%s: ok %v, %v", CredentialsFile, ok, err)
	}
	g, err = num(CredentialsFile, "username", c.Username, "device_", "")
	if err != nil {
		return nil, err
	}
	if c != crashCreds(g) {
		return nil, fmt.Errorf("%s: generation %d mixed or incomplete", CredentialsFile, g)
	}
	if err := wantMode(CredentialsFile, 0o600); err != nil {
		return nil, err
	}
	gens[CredentialsFile] = g

	// config.dat
	d, err := s.LoadConfigDat()
	if err != nil {
		return nil, err
	}
	g1, err1 = num(ConfigDatFile, "domain", d.Get(KeyDomainName), "d", ".example.com")
	pw, err := d.AdminPassword()
	if err1 != nil || err != nil {
		return nil, fmt.Errorf("%s: %v %v", ConfigDatFile, err1, err)
	}
	g2, err2 = num(ConfigDatFile, "admin password", pw, "Pw-", "")
	if err2 != nil {
		return nil, err2
	}
	if g, err = same(ConfigDatFile, g1, g2); err != nil {
		return nil, err
	}
	if d.Get("pad") != crashPad(g) {
		return nil, fmt.Errorf("%s: padding of generation %d damaged", ConfigDatFile, g)
	}
	if err := wantMode(ConfigDatFile, 0o600); err != nil {
		return nil, err
	}
	gens[ConfigDatFile] = g
	return gens, nil
}

func TestCrashDuringWrites(t *testing.T) {
	kills := 400
	if testing.Short() {
		kills = 100
	}
	if v := os.Getenv(crashKillsEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number", crashKillsEnv, v)
		}
		kills = n
	}
	root := t.TempDir()
	s := New(root)
	seedCrashFiles(t, s)
	prev, err := crashGenerations(s)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	var midWrite, changed, leftovers int
	for run := 1; run <= kills; run++ {
		base := run * 1_000_000
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+root, crashGenEnv+"="+strconv.Itoa(base))
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if line, _ := bufio.NewReader(out).ReadString('\n'); line != "go\n" {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("run %d: child said %q", run, line)
		}
		// Up to ~3 generations of writes: kills land in every phase.
		time.Sleep(time.Duration(rng.Int64N(int64(6 * time.Millisecond))))
		_ = cmd.Process.Signal(syscall.SIGKILL)
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("run %d: child ended by itself (%v)", run, err)
		}

		gens, err := crashGenerations(s)
		if err != nil {
			t.Fatalf("after kill %d: %v", run, err)
		}
		for f, g := range gens {
			if g != prev[f] && (g < base || g >= base+1_000_000) {
				t.Fatalf("after kill %d: %s holds generation %d, neither the old %d nor one of this run", run, f, g, prev[f])
			}
			if g != prev[f] {
				changed++
			}
		}
		prev = gens
		// A temporary file left behind means the kill hit a write; it must
		// never be readable by others (it may hold a secret).
		n, err := tempFilesUnder(root)
		if err != nil {
			t.Fatalf("after kill %d: %v", run, err)
		}
		if n > leftovers {
			midWrite++
		}
		leftovers = n
	}
	t.Logf("%d kills: %d hit a write in progress (temporary file left, mode 0600), %d file replacements seen, every file complete with its mode after each",
		kills, midWrite, changed)
}

// tempFilesUnder counts temporary files of WriteFileAtomic under root and
// checks that one holding a password is 0600.
func tempFilesUnder(root string) (int, error) {
	n := 0
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || !strings.Contains(d.Name(), ".tmp-") {
			return err
		}
		n++
		fi, err := d.Info()
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "password") && fi.Mode().Perm() != 0o600 {
			return fmt.Errorf("temporary file %s holds a password with mode %v", p, fi.Mode().Perm())
		}
		return nil
	})
	return n, err
}
