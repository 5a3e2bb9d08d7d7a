package emulator

import (
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestAuthentication(t *testing.T) {
	clock := newFakeClock()
	e, _ := newTestEmulator(t, Options{
		Now:     clock.Now,
		APIKeys: []string{testKey},
		Keys:    []Key{{Secret: "expiring-secret", ExpiresAt: clock.Now().Add(time.Hour)}},
	})
	targets := []request{
		{method: http.MethodGet, target: std(pathEntry, "datastoreName", "D", "entryKey", "k")},
		{method: http.MethodPost, target: std(pathEntry, "datastoreName", "D", "entryKey", "k"), body: "1"},
		{method: http.MethodGet, target: ord("Top", "global", "", "")},
	}
	for _, r := range targets {
		for name, key := range map[string]string{"missing": "", "unknown": "unknown-secret-value", "near miss": testKey + "x", "prefix": testKey[:5]} {
			r := r
			r.header = map[string]string{"x-api-key": key}
			rec := do(t, e, r)
			msg := wantGatewayError(t, rec, http.StatusUnauthorized)
			if !strings.HasPrefix(msg, "Invalid API Key") {
				t.Errorf("%s key: message %q", name, msg)
			}
			if key != "" && strings.Contains(rec.Body.String(), key) {
				t.Errorf("%s key: the key is echoed in %s", name, rec.Body)
			}
		}
		r.header = map[string]string{"x-api-key": "expiring-secret"}
		if rec := do(t, e, r); rec.Code == http.StatusUnauthorized {
			t.Errorf("key before its expiry: 401")
		}
	}
	clock.Advance(time.Hour)
	rec := do(t, e, request{method: http.MethodGet, target: std(""), header: map[string]string{"x-api-key": "expiring-secret"}})
	if msg := wantGatewayError(t, rec, http.StatusUnauthorized); !strings.Contains(msg, "expired") {
		t.Errorf("expired key message %q", msg)
	}
	if _, ok := e.Entry(testUniverse, "D", "global", "k"); !ok {
		t.Errorf("the authorized write is missing")
	}
	if got := e.Stats().Operations["GetEntry"]["401"]; got != 4 {
		t.Errorf("GetEntry 401 count %d, want 4", got)
	}
}

var allPermissions = []string{
	PermListDatastores, PermListEntries, PermReadEntry, PermCreateEntry, PermUpdateEntry,
	PermDeleteEntry, PermListVersions, PermReadVersion, PermOrderedRead, PermOrderedWrite,
}

func allBut(perm string) []string {
	var out []string
	for _, p := range allPermissions {
		if p != perm {
			out = append(out, p)
		}
	}
	return out
}

func TestPermissionPerOperation(t *testing.T) {
	// Every case gets a fresh emulator with the same fixtures; the fake
	// clock makes the version id the same in all of them.
	setup := func() (*Emulator, string) {
		e, _ := newTestEmulator(t, Options{})
		setEntry(t, e, "D", "global", "existing", "1", nil)
		v := setEntry(t, e, "D", "global", "existing", "2", nil)["version"].(string)
		e.PutOrderedEntry(testUniverse, "Top", "global", "existing", 1)
		return e, v
	}
	_, v := setup()

	tests := map[string]struct {
		req  request
		perm string
	}{
		"ListDatastores":                 {request{method: http.MethodGet, target: std("")}, PermListDatastores},
		"ListEntryKeys":                  {request{method: http.MethodGet, target: std(pathEntries, "datastoreName", "D")}, PermListEntries},
		"GetEntry":                       {request{method: http.MethodGet, target: std(pathEntry, "datastoreName", "D", "entryKey", "existing")}, PermReadEntry},
		"SetEntry new":                   {request{method: http.MethodPost, target: std(pathEntry, "datastoreName", "D", "entryKey", "new"), body: "1"}, PermCreateEntry},
		"SetEntry existing":              {request{method: http.MethodPost, target: std(pathEntry, "datastoreName", "D", "entryKey", "existing"), body: "1"}, PermUpdateEntry},
		"SetEntry exclusiveCreate":       {request{method: http.MethodPost, target: std(pathEntry, "datastoreName", "D", "entryKey", "new", "exclusiveCreate", "true"), body: "1"}, PermCreateEntry},
		"SetEntry matchVersion":          {request{method: http.MethodPost, target: std(pathEntry, "datastoreName", "D", "entryKey", "existing", "matchVersion", v), body: "1"}, PermUpdateEntry},
		"SetEntry matchVersion, missing": {request{method: http.MethodPost, target: std(pathEntry, "datastoreName", "D", "entryKey", "new", "matchVersion", v), body: "1"}, PermUpdateEntry},
		"IncrementEntry new":             {request{method: http.MethodPost, target: std(pathInc, "datastoreName", "D", "entryKey", "new")}, PermCreateEntry},
		"IncrementEntry existing":        {request{method: http.MethodPost, target: std(pathInc, "datastoreName", "D", "entryKey", "existing")}, PermUpdateEntry},
		"DeleteEntry":                    {request{method: http.MethodDelete, target: std(pathEntry, "datastoreName", "D", "entryKey", "existing")}, PermDeleteEntry},
		"ListEntryVersions":              {request{method: http.MethodGet, target: std(pathVersions, "datastoreName", "D", "entryKey", "existing")}, PermListVersions},
		"GetEntryVersion":                {request{method: http.MethodGet, target: std(pathVersion, "datastoreName", "D", "entryKey", "existing", "versionId", v)}, PermReadVersion},
		"ListOrderedEntries":             {request{method: http.MethodGet, target: ord("Top", "global", "", "")}, PermOrderedRead},
		"GetOrderedEntry":                {request{method: http.MethodGet, target: ord("Top", "global", "existing", "")}, PermOrderedRead},
		"CreateOrderedEntry":             {request{method: http.MethodPost, target: ord("Top", "global", "", "", "id", "new"), body: `{"value":1}`}, PermOrderedWrite},
		"UpdateOrderedEntry":             {request{method: http.MethodPatch, target: ord("Top", "global", "existing", ""), body: `{"value":1}`}, PermOrderedWrite},
		"IncrementOrderedEntry":          {request{method: http.MethodPost, target: ord("Top", "global", "existing", ":increment"), body: `{"amount":1}`}, PermOrderedWrite},
		"DeleteOrderedEntry":             {request{method: http.MethodDelete, target: ord("Top", "global", "existing", "")}, PermOrderedWrite},
	}
	for name, tc := range tests {
		e, _ := setup()
		lacking := "lacking-" + name
		e.AddKey(Key{Secret: lacking, Operations: allBut(tc.perm)})
		req := tc.req
		req.header = map[string]string{"x-api-key": lacking}
		rec := do(t, e, req)
		var msg string
		if strings.Contains(req.target, "/ordered-data-stores/") {
			msg = wantOrderedError(t, rec, http.StatusForbidden, "PERMISSION_DENIED")["message"].(string)
		} else {
			wantStandardError(t, rec, http.StatusForbidden, "INSUFFICIENT_SCOPE", "InsufficientScope")
			msg = decodeObject(t, rec.Body.Bytes())["message"].(string)
		}
		if !strings.Contains(msg, "API key lacks permission "+tc.perm) || strings.Contains(msg, lacking) {
			t.Errorf("%s: message %q should name %s and not the key", name, msg, tc.perm)
		}
		// The rejected request changed nothing.
		if _, ok := e.Entry(testUniverse, "D", "global", "new"); ok {
			t.Errorf("%s: a forbidden request created an entry", name)
		}
		if ent, _ := e.Entry(testUniverse, "D", "global", "existing"); string(ent.Value) != "2" || ent.Version != v {
			t.Errorf("%s: a forbidden request changed the entry: %+v", name, ent)
		}
		if got := e.OrderedEntries(testUniverse, "Top", "global"); !reflect.DeepEqual(got, map[string]int64{"existing": 1}) {
			t.Errorf("%s: a forbidden request changed the ordered store: %v", name, got)
		}
	}

	// Holding only the permission named is enough.
	for name, tc := range tests {
		e, _ := setup()
		only := "only-" + name
		e.AddKey(Key{Secret: only, Operations: []string{tc.perm}})
		req := tc.req
		req.header = map[string]string{"x-api-key": only}
		if rec := do(t, e, req); rec.Code == http.StatusForbidden {
			t.Errorf("%s with only %s: 403 %s", name, tc.perm, rec.Body)
		}
	}
}

// TestSupportKeyUpdatesButCannotCreate is the usage guide's support-portal
// key: it may read and update entries, not create them.
func TestSupportKeyUpdatesButCannotCreate(t *testing.T) {
	e, _ := newTestEmulator(t, Options{
		APIKeys: []string{testKey},
		Keys:    []Key{{Secret: "support", UniverseID: testUniverse, Operations: []string{PermReadEntry, PermUpdateEntry}}},
	})
	setEntry(t, e, "Inventory", "global", "User_1", `{"coins":1}`, nil)
	support := map[string]string{"x-api-key": "support"}

	rec := do(t, e, request{method: http.MethodPost, target: std(pathEntry, "datastoreName", "Inventory", "entryKey", "User_1"), body: `{"coins":11}`, header: support})
	if rec.Code != http.StatusOK {
		t.Fatalf("overwrite with read+update: %d %s", rec.Code, rec.Body)
	}
	rec = do(t, e, request{method: http.MethodPost, target: std(pathInc, "datastoreName", "Inventory", "entryKey", "Total"), header: support})
	wantStandardError(t, rec, http.StatusForbidden, "INSUFFICIENT_SCOPE", "InsufficientScope")
	rec = do(t, e, request{method: http.MethodPost, target: std(pathEntry, "datastoreName", "Inventory", "entryKey", "User_2"), body: `{"coins":1}`, header: support})
	wantStandardError(t, rec, http.StatusForbidden, "INSUFFICIENT_SCOPE", "InsufficientScope")
	if msg := decodeObject(t, rec.Body.Bytes())["message"]; msg != "API key lacks permission universe-datastores.objects:create" {
		t.Errorf("message %q", msg)
	}
	if got := e.Entries(testUniverse, "Inventory"); !reflect.DeepEqual(got, []EntryKey{{"global", "User_1"}}) {
		t.Errorf("entries %v", got)
	}
	// After a deletion the key may not bring the entry back.
	e.DeleteEntry(testUniverse, "Inventory", "global", "User_1")
	rec = do(t, e, request{method: http.MethodPost, target: std(pathEntry, "datastoreName", "Inventory", "entryKey", "User_1"), body: `{}`, header: support})
	wantStandardError(t, rec, http.StatusForbidden, "INSUFFICIENT_SCOPE", "InsufficientScope")
}

func TestKeyRestrictions(t *testing.T) {
	e, _ := newTestEmulator(t, Options{
		APIKeys: []string{testKey},
		Keys: []Key{
			{Secret: "universe", UniverseID: 99},
			{Secret: "stores", Datastores: []string{"Inventory", "Top"}},
			{Secret: "cidr", AllowedCIDRs: []string{"10.0.0.0/8", "2001:db8::/32", "192.0.2.7"}},
		},
	})
	setEntry(t, e, "Inventory", "global", "k", "1", nil)
	setEntry(t, e, "Secrets", "global", "k", "1", nil)
	tests := map[string]struct {
		key, remote string
		req         request
		status      int
	}{
		"other universe, standard":      {"universe", "", request{method: http.MethodGet, target: std(pathEntry, "datastoreName", "Inventory", "entryKey", "k")}, 403},
		"other universe, ordered":       {"universe", "", request{method: http.MethodGet, target: ord("Top", "global", "", "")}, 403},
		"own universe":                  {"universe", "", request{method: http.MethodGet, target: stdU(99, "")}, 200},
		"allowed data store":            {"stores", "", request{method: http.MethodGet, target: std(pathEntry, "datastoreName", "Inventory", "entryKey", "k")}, 200},
		"other data store":              {"stores", "", request{method: http.MethodGet, target: std(pathEntry, "datastoreName", "Secrets", "entryKey", "k")}, 403},
		"other data store, list keys":   {"stores", "", request{method: http.MethodGet, target: std(pathEntries, "datastoreName", "Secrets")}, 403},
		"allowed ordered data store":    {"stores", "", request{method: http.MethodGet, target: ord("Top", "global", "", "")}, 200},
		"other ordered data store":      {"stores", "", request{method: http.MethodPost, target: ord("Board", "global", "", "", "id", "x"), body: `{"value":1}`}, 403},
		"address in range":              {"cidr", "10.1.2.3:5555", request{method: http.MethodGet, target: std("")}, 200},
		"IPv6 address in range":         {"cidr", "[2001:db8::1]:5555", request{method: http.MethodGet, target: std("")}, 200},
		"single allowed address":        {"cidr", "192.0.2.7:1", request{method: http.MethodGet, target: std("")}, 200},
		"address out of range":          {"cidr", "192.0.2.8:1", request{method: http.MethodGet, target: std("")}, 403},
		"address out of range, ordered": {"cidr", "127.0.0.1:1", request{method: http.MethodGet, target: ord("Top", "global", "", "")}, 403},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			req := tc.req
			req.header = map[string]string{"x-api-key": tc.key}
			req.remote = tc.remote
			rec := do(t, e, req)
			if tc.status == 200 {
				if rec.Code != 200 {
					t.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				return
			}
			if strings.Contains(req.target, "/ordered-data-stores/") {
				wantOrderedError(t, rec, tc.status, "PERMISSION_DENIED")
			} else {
				wantStandardError(t, rec, tc.status, "INSUFFICIENT_SCOPE", "InsufficientScope")
			}
		})
	}

	// A key limited to some data stores lists only those.
	rec := do(t, e, request{method: http.MethodGet, target: std("", "limit", "10"), header: map[string]string{"x-api-key": "stores"}})
	if !strings.Contains(rec.Body.String(), `"Inventory"`) || strings.Contains(rec.Body.String(), "Secrets") {
		t.Errorf("restricted ListDatastores: %s", rec.Body)
	}
}

func TestAddKeyReplacesSameSecret(t *testing.T) {
	e, _ := newTestEmulator(t, Options{})
	e.AddKey(Key{Secret: "k2", Operations: []string{PermReadEntry}})
	target := std("")
	if rec := do(t, e, request{method: http.MethodGet, target: target, header: map[string]string{"x-api-key": "k2"}}); rec.Code != 403 {
		t.Fatalf("status %d, want 403", rec.Code)
	}
	e.AddKey(Key{Secret: "k2"})
	if rec := do(t, e, request{method: http.MethodGet, target: target, header: map[string]string{"x-api-key": "k2"}}); rec.Code != 200 {
		t.Fatalf("after replacing the key: status %d", rec.Code)
	}
	// An unparsable range fails closed.
	e.AddKey(Key{Secret: "k3", AllowedCIDRs: []string{"not-a-range"}})
	if rec := do(t, e, request{method: http.MethodGet, target: target, header: map[string]string{"x-api-key": "k3"}}); rec.Code != 403 {
		t.Fatalf("key with a bad range: status %d, want 403", rec.Code)
	}
}

func TestLoadKeysFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", `{"keys":[
		{"key":"secret","universeId":123,"datastores":["Inventory"],"operations":["universe-datastores.objects:read"],"expiresAt":"2027-01-01T00:00:00Z","allowedCidrs":["127.0.0.1/32"]},
		{"key":"full"}]}`)
	keys, err := LoadKeysFile(good)
	if err != nil {
		t.Fatal(err)
	}
	want := []Key{
		{Secret: "secret", UniverseID: 123, Datastores: []string{"Inventory"}, Operations: []string{PermReadEntry},
			ExpiresAt: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), AllowedCIDRs: []string{"127.0.0.1/32"}},
		{Secret: "full"},
	}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("keys %+v\nwant %+v", keys, want)
	}

	for name, tc := range map[string]struct{ content, wantErr string }{
		"not JSON":          {`{"keys":[`, "unexpected EOF"},
		"unknown field":     {`{"keys":[{"key":"a","universe":1}]}`, `unknown field "universe"`},
		"empty secret":      {`{"keys":[{"universeId":1}]}`, "key 1: the key secret is empty"},
		"unknown operation": {`{"keys":[{"key":"a","operations":["universe-datastores.objects:write"]}]}`, `unknown operation "universe-datastores.objects:write"`},
		"bad CIDR":          {`{"keys":[{"key":"a","allowedCidrs":["10.0.0.0/33"]}]}`, `allowed CIDR "10.0.0.0/33"`},
		"negative universe": {`{"keys":[{"key":"a","universeId":-1}]}`, "universe id -1"},
		"bad expiry":        {`{"keys":[{"key":"a","expiresAt":"tomorrow"}]}`, "tomorrow"},
		"trailing data":     {`{"keys":[]} {}`, "unexpected data"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := LoadKeysFile(write(strings.ReplaceAll(name, " ", "_")+".json", tc.content))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
	if _, err := LoadKeysFile(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file loaded")
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for name, opts := range map[string]Options{
		"no key":              {},
		"empty key":           {APIKeys: []string{""}},
		"bad key":             {Keys: []Key{{Secret: "a", Operations: []string{"read"}}}},
		"negative rate":       {APIKeys: []string{"a"}, RateLimit: -1},
		"probability above 1": {APIKeys: []string{"a"}, Fault500: 1.5},
		"negative prob.":      {APIKeys: []string{"a"}, Fault429: -0.1},
		"negative latency":    {APIKeys: []string{"a"}, Latency: -time.Second},
	} {
		if _, err := New(opts); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}
