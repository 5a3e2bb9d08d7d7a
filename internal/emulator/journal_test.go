package emulator

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// snapshotResponses reads everything a client can see, for comparing an
// emulator before and after a restart.
func snapshotResponses(t *testing.T, e *Emulator) []string {
	t.Helper()
	var out []string
	for _, r := range []request{
		{method: http.MethodGet, target: std("", "limit", "100")},
		{method: http.MethodGet, target: std(pathEntries, "datastoreName", "Inventory", "allScopes", "true")},
		{method: http.MethodGet, target: std(pathEntry, "datastoreName", "Inventory", "entryKey", "User_1")},
		{method: http.MethodGet, target: std(pathEntry, "datastoreName", "Inventory", "entryKey", "User_2")},
		{method: http.MethodGet, target: std(pathEntry, "datastoreName", "Coins", "entryKey", "c", "scope", "s")},
		{method: http.MethodGet, target: std(pathEntry, "datastoreName", "Inventory", "entryKey", "Faulted")},
		{method: http.MethodGet, target: std(pathVersions, "datastoreName", "Inventory", "entryKey", "User_1")},
		{method: http.MethodGet, target: std(pathVersions, "datastoreName", "Inventory", "entryKey", "User_2")},
		{method: http.MethodGet, target: ord("Top", "global", "", "", "max_page_size", "100")},
	} {
		rec := do(t, e, r)
		var hdr []string
		for _, h := range []string{"content-md5", "roblox-entry-version", "roblox-entry-created-time", "roblox-entry-version-created-time", "roblox-entry-attributes", "roblox-entry-userids"} {
			hdr = append(hdr, h+"="+rec.Header().Get(h))
		}
		out = append(out, fmt.Sprintf("%s %s -> %d %s %s", r.method, r.target, rec.Code, strings.Join(hdr, " "), rec.Body))
	}
	return out
}

// writeFixtures writes through the API and the accessors, including a write
// answered 500 after it was stored.
func writeFixtures(t *testing.T, e *Emulator, clock *fakeClock) {
	t.Helper()
	setEntry(t, e, "Inventory", "global", "User_1", `{"coins": 1}`, map[string]string{"roblox-entry-attributes": `{"a":"b"}`, "roblox-entry-userids": "[7,8]"})
	clock.Advance(time.Second)
	setEntry(t, e, "Inventory", "global", "User_1", `{"coins": 2}`, nil)
	setEntry(t, e, "Inventory", "global", "User_2", `"bye"`, nil)
	clock.Advance(time.Second)
	if rec := do(t, e, request{method: http.MethodDelete, target: std(pathEntry, "datastoreName", "Inventory", "entryKey", "User_2")}); rec.Code != 204 {
		t.Fatalf("delete: %d", rec.Code)
	}
	if rec := do(t, e, request{method: http.MethodPost, target: std(pathInc, "datastoreName", "Coins", "entryKey", "c", "scope", "s", "incrementBy", "5")}); rec.Code != 200 {
		t.Fatalf("increment: %d", rec.Code)
	}
	for _, r := range []request{
		{method: http.MethodPost, target: ord("Top", "global", "", "", "id", "a/b"), body: `{"value": 3}`},
		{method: http.MethodPost, target: ord("Top", "global", "x", ":increment"), body: `{"amount": 9}`},
		{method: http.MethodPost, target: ord("Top", "global", "", "", "id", "gone"), body: `{"value": 1}`},
		{method: http.MethodDelete, target: ord("Top", "global", "gone", "")},
	} {
		if rec := do(t, e, r); rec.Code != 200 {
			t.Fatalf("%s %s: %d %s", r.method, r.target, rec.Code, rec.Body)
		}
	}
	if _, err := e.PutEntry(testUniverse, "Inventory", "other", "Direct", []byte(`[1,2]`), nil, []int64{3}); err != nil {
		t.Fatal(err)
	}
	e.PutOrderedEntry(testUniverse, "Top", "global", "direct", -4)
	e.SetFaults(Faults{Fault500AfterWrite: 1})
	if rec := do(t, e, request{method: http.MethodPost, target: std(pathEntry, "datastoreName", "Inventory", "entryKey", "Faulted"), body: `true`}); rec.Code != 500 {
		t.Fatalf("faulted write: %d", rec.Code)
	}
	e.SetFaults(Faults{})
}

func TestPersistenceSurvivesCrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	clock := newFakeClock()
	// Not closed before the reopen: a crash never calls Close.
	e1, err := New(Options{APIKeys: []string{testKey}, StatePath: path, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer e1.Close()
	writeFixtures(t, e1, clock)
	before := snapshotResponses(t, e1)

	e2, err := New(Options{APIKeys: []string{testKey}, StatePath: path, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	after := snapshotResponses(t, e2)
	for i := range before {
		if before[i] != after[i] {
			t.Errorf("after reopen:\n got %s\nwant %s", after[i], before[i])
		}
	}
	if _, ok := e2.Entry(testUniverse, "Inventory", "global", "Faulted"); !ok {
		t.Error("the write answered 500-after-write was lost")
	}
	// The reopened emulator continues the version sequence.
	old, _ := e2.Entry(testUniverse, "Inventory", "global", "User_1")
	clock.Advance(time.Second)
	next := setEntry(t, e2, "Inventory", "global", "User_1", "3", nil)["version"].(string)
	if next <= old.Version {
		t.Errorf("version after reopen %q is not after %q", next, old.Version)
	}
	if err := e2.Close(); err != nil {
		t.Fatal(err)
	}
	e3, err := New(Options{APIKeys: []string{testKey}, StatePath: path, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer e3.Close()
	if got, _ := e3.Entry(testUniverse, "Inventory", "global", "User_1"); got.Version != next {
		t.Errorf("after a clean close: version %q, want %q", got.Version, next)
	}
}

func TestTornJournal(t *testing.T) {
	validLine := string(encodeLine(&record{Type: recordOrderedSet, Universe: 1, Store: "S", Scope: "global", Key: "late", Number: 1}))
	tests := map[string]struct {
		tail    string
		wantErr string
	}{
		"half a record":            {tail: validLine[:len(validLine)/2]},
		"record without newline":   {tail: strings.TrimSuffix(validLine, "\n")},
		"garbage lines then half":  {tail: "garbage\n\x00\x00\x00\n" + validLine[:20]},
		"bad checksum at the end":  {tail: "00000000" + validLine[8:]},
		"damage before good lines": {tail: "garbage\n" + validLine, wantErr: "line"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			clock := newFakeClock()
			e1, err := New(Options{APIKeys: []string{testKey}, StatePath: path, Now: clock.Now})
			if err != nil {
				t.Fatal(err)
			}
			defer e1.Close()
			writeFixtures(t, e1, clock)
			before := snapshotResponses(t, e1)

			f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.WriteString(tc.tail); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}

			e2, err := New(Options{APIKeys: []string{testKey}, StatePath: path, Now: clock.Now})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one about %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer e2.Close()
			after := snapshotResponses(t, e2)
			for i := range before {
				if before[i] != after[i] {
					t.Errorf("after reopen:\n got %s\nwant %s", after[i], before[i])
				}
			}
			if _, ok := e2.OrderedEntry(1, "S", "global", "late"); ok {
				t.Error("an incomplete record was applied")
			}
			// The file was compacted: it holds no trace of the tail, and
			// new writes follow whole lines.
			data, _ := os.ReadFile(path)
			if bytes.Contains(data, []byte("garbage")) || !bytes.HasSuffix(data, []byte("\n")) || !bytes.HasPrefix(data, []byte(journalHeader+"\n")) {
				t.Errorf("state file not compacted:\n%s", data)
			}
			setEntry(t, e2, "Inventory", "global", "After", "1", nil)
			e2.Close()
			e3, err := New(Options{APIKeys: []string{testKey}, StatePath: path, Now: clock.Now})
			if err != nil {
				t.Fatal(err)
			}
			defer e3.Close()
			if _, ok := e3.Entry(testUniverse, "Inventory", "global", "After"); !ok {
				t.Error("write after the repair lost")
			}
		})
	}
}

func TestStateFileProblems(t *testing.T) {
	dir := t.TempDir()
	for name, tc := range map[string]struct{ content, wantErr string }{
		"not a state file": {"hello\n", "not an emulator state file"},
		"header only torn": {journalHeader[:10], "not an emulator state file"},
		"bad record order": {journalHeader + "\n" +
			string(encodeLine(&record{Type: recordVersion, Universe: 1, Store: "D", Scope: "global", Key: "k", Seq: 2, Version: "v2", Value: []byte("1"), Created: time.Unix(1, 0), ObjectCreated: time.Unix(1, 0)})) +
			string(encodeLine(&record{Type: recordVersion, Universe: 1, Store: "D", Scope: "global", Key: "k", Seq: 1, Version: "v1", Value: []byte("1"), Created: time.Unix(1, 0), ObjectCreated: time.Unix(1, 0)})),
			"not after"},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := New(Options{APIKeys: []string{testKey}, StatePath: path}); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: error %v, want one about %q", name, err, tc.wantErr)
		}
	}
	// An empty file is a new state file.
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	e, err := New(Options{APIKeys: []string{testKey}, StatePath: empty})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	// After Close, writes fail without changing the state.
	rec := do(t, e, request{method: http.MethodPost, target: std(pathEntry, "datastoreName", "D", "entryKey", "k"), body: "1"})
	wantStandardError(t, rec, http.StatusInternalServerError, "INTERNAL", "")
	if _, ok := e.Entry(testUniverse, "D", "global", "k"); ok {
		t.Error("a write that was not stored is visible")
	}
	e.PutOrderedEntry(testUniverse, "Top", "global", "a", 1)
	if err := e.Close(); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("Close after a lost accessor write: %v", err)
	}
	if _, err := New(Options{APIKeys: []string{testKey}, StatePath: filepath.Join(dir, "no", "such", "dir", "state")}); err == nil {
		t.Error("a state file in a missing directory was accepted")
	}
}

const helperStateEnv = "EMULATOR_TEST_HELPER_STATE"

// TestHelperEmulatorProcess is the emulator process that
// TestCrashWithSIGKILL kills.
func TestHelperEmulatorProcess(t *testing.T) {
	path := os.Getenv(helperStateEnv)
	if path == "" {
		t.Skip("runs only as the child process of TestCrashWithSIGKILL")
	}
	e, err := New(Options{APIKeys: []string{testKey}, StatePath: path})
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(1)
	}
	fmt.Println("ADDR", ln.Addr())
	// Serve until the parent kills this process; it returns only on a listener failure.
	_ = http.Serve(ln, e)
}

// TestCrashWithSIGKILL kills an emulator process in the middle of a stream
// of writes and checks that every write it acknowledged is in the state file.
func TestCrashWithSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "state.json")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperEmulatorProcess$")
	cmd.Env = append(os.Environ(), helperStateEnv+"="+path)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Normally the child is already killed below; this covers a t.Fatal before that.
	defer func() { _ = cmd.Process.Kill() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ADDR ") {
		t.Fatalf("child said %q, %v", line, err)
	}
	base := "http://" + strings.TrimSpace(strings.TrimPrefix(line, "ADDR "))

	var (
		mu        sync.Mutex
		acked     = map[string]string{}
		increment int
	)
	client := &http.Client{Timeout: 5 * time.Second}
	post := func(target, body string) bool {
		req, _ := http.NewRequest(http.MethodPost, base+target, strings.NewReader(body))
		req.Header.Set("x-api-key", testKey)
		resp, err := client.Do(req)
		if err != nil {
			return false
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key := "w" + strconv.Itoa(w) + "-" + strconv.Itoa(i)
				value := strconv.Itoa(i)
				if post(std(pathEntry, "datastoreName", "D", "entryKey", key), value) {
					mu.Lock()
					acked[key] = value
					mu.Unlock()
				}
				if post(ord("Top", "global", "counter", ":increment"), `{"amount": 1}`) {
					mu.Lock()
					increment++
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	// Wait reports the kill itself ("signal: killed"); it is only here to reap the child.
	_ = cmd.Wait()
	close(stop)
	wg.Wait()

	e, err := New(Options{APIKeys: []string{testKey}, StatePath: path})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer e.Close()
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged before the kill")
	}
	for key, value := range acked {
		if got, ok := e.Entry(testUniverse, "D", "global", key); !ok || string(got.Value) != value {
			t.Errorf("acknowledged write %s=%s lost (got %q, %v)", key, value, got.Value, ok)
		}
	}
	// Increments in flight at the kill may have landed unacknowledged.
	if got, _ := e.OrderedEntry(testUniverse, "Top", "global", "counter"); got < int64(increment) || got > int64(increment)+4 {
		t.Errorf("counter %d after %d acknowledged increments", got, increment)
	}
	t.Logf("%d acknowledged writes and %d increments survived", len(acked), increment)
}
