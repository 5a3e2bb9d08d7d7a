package emulator

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var versionPattern = regexp.MustCompile(`^[0-9A-F]{16}\.[0-9]{10}\.[0-9A-F]{16}\.01$`)

func md5Base64(s string) string {
	sum := md5.Sum([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func TestSetAndGetEntryWireFormat(t *testing.T) {
	e, clock := newTestEmulator(t, Options{})
	created := clock.Now()
	value := `{"coins": 5, "weapon": "sword"}`
	set := setEntry(t, e, "Inventory", "global", "User_1", value, map[string]string{
		"content-md5":             md5Base64(value),
		"roblox-entry-attributes": `{ "owner": "ops" }`,
		"roblox-entry-userids":    "[1, 2]",
	})
	if got, want := keysOf(set), []string{"contentLength", "createdTime", "deleted", "objectCreatedTime", "version"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("SetEntry fields %v, want %v", got, want)
	}
	wantTime := "2026-03-04T05:06:07.1234567Z"
	if set["createdTime"] != wantTime || set["objectCreatedTime"] != wantTime {
		t.Errorf("times %v / %v, want %s", set["createdTime"], set["objectCreatedTime"], wantTime)
	}
	if set["deleted"] != false || set["contentLength"] != json.Number(strconv.Itoa(len(value))) {
		t.Errorf("deleted %v contentLength %v", set["deleted"], set["contentLength"])
	}
	v1, _ := set["version"].(string)
	if !versionPattern.MatchString(v1) {
		t.Errorf("version %q does not look like the service's", v1)
	}

	get := do(t, e, request{method: http.MethodGet, target: std(pathEntry, "datastoreName", "Inventory", "entryKey", "User_1")})
	if get.Code != http.StatusOK {
		t.Fatalf("GetEntry status %d: %s", get.Code, get.Body)
	}
	if get.Body.String() != value {
		t.Errorf("body %q, want the stored bytes %q", get.Body, value)
	}
	wantHeaders := map[string]string{
		"Content-Type":                      "application/json",
		"content-md5":                       md5Base64(value),
		"roblox-entry-version":              v1,
		"roblox-entry-created-time":         wantTime,
		"roblox-entry-version-created-time": wantTime,
		"roblox-entry-attributes":           `{"owner":"ops"}`,
		"roblox-entry-userids":              "[1,2]",
	}
	for k, want := range wantHeaders {
		if got := get.Header().Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}

	// A write without the metadata headers clears them.
	clock.Advance(time.Minute)
	set2 := setEntry(t, e, "Inventory", "global", "User_1", `7`, nil)
	v2 := set2["version"].(string)
	if v2 <= v1 {
		t.Errorf("second version %q is not after %q", v2, v1)
	}
	if set2["objectCreatedTime"] != formatTime(created) || set2["createdTime"] != formatTime(clock.Now()) {
		t.Errorf("second write times %v / %v", set2["createdTime"], set2["objectCreatedTime"])
	}
	get = do(t, e, request{method: http.MethodGet, target: std(pathEntry, "datastoreName", "Inventory", "entryKey", "User_1", "scope", "global")})
	for _, h := range []string{"roblox-entry-attributes", "roblox-entry-userids"} {
		if _, ok := get.Header()[http.CanonicalHeaderKey(h)]; ok {
			t.Errorf("header %s still present after a write without it", h)
		}
	}
	if get.Body.String() != "7" || get.Header().Get("roblox-entry-version") != v2 {
		t.Errorf("after overwrite: body %q version %q", get.Body, get.Header().Get("roblox-entry-version"))
	}

	ent, ok := e.Entry(testUniverse, "Inventory", "global", "User_1")
	if !ok || string(ent.Value) != "7" || ent.Version != v2 || !ent.CreatedTime.Equal(created) || ent.Attributes != nil || ent.UserIDs != nil {
		t.Errorf("Entry accessor = %+v, %v", ent, ok)
	}
}

func TestSetEntryLimitsAndValidation(t *testing.T) {
	big := `"` + strings.Repeat("a", maxValueBytes-2) + `"`
	tests := map[string]struct {
		universe string
		params   []string
		body     string
		header   map[string]string
		status   int
		code     string
	}{
		"universe not a number":    {universe: "abc", status: 400, code: "InvalidUniverseId"},
		"universe zero":            {universe: "0", status: 400, code: "InvalidUniverseId"},
		"universe negative":        {universe: "-5", status: 400, code: "InvalidUniverseId"},
		"no data store name":       {params: []string{"entryKey", "k"}, status: 400, code: "InvalidDataStoreName"},
		"data store name 51 B":     {params: []string{"datastoreName", strings.Repeat("n", 51), "entryKey", "k"}, status: 400, code: "InvalidDataStoreName"},
		"data store name 50 B":     {params: []string{"datastoreName", strings.Repeat("n", 50), "entryKey", "k"}, status: 200},
		"no entry key":             {params: []string{"datastoreName", "D"}, status: 400, code: "InvalidEntryKey"},
		"entry key 51 B":           {params: []string{"datastoreName", "D", "entryKey", strings.Repeat("k", 51)}, status: 400, code: "InvalidEntryKey"},
		"entry key 51 B in runes":  {params: []string{"datastoreName", "D", "entryKey", strings.Repeat("€", 17)}, status: 400, code: "InvalidEntryKey"},
		"entry key 50 B":           {params: []string{"datastoreName", "D", "entryKey", strings.Repeat("k", 50)}, status: 200},
		"scope 51 B":               {params: []string{"datastoreName", "D", "entryKey", "k", "scope", strings.Repeat("s", 51)}, status: 400, code: "InvalidDataStoreScope"},
		"scope 50 B":               {params: []string{"datastoreName", "D", "entryKey", "k", "scope", strings.Repeat("s", 50)}, status: 200},
		"value not JSON":           {body: `{coins: 5}`, status: 400, code: "ContentNotJson"},
		"value NaN":                {body: `NaN`, status: 400, code: "ContentNotJson"},
		"value Infinity":           {body: `{"a": Infinity}`, status: 400, code: "ContentNotJson"},
		"value empty":              {body: "-", status: 400, code: "ContentNotJson"},
		"value too big":            {body: big + " ", status: 400, code: "ContentTooBig"},
		"value at the size limit":  {body: big, status: 200},
		"content-md5 mismatch":     {header: map[string]string{"content-md5": md5Base64("other")}, status: 400, code: "ChecksumMismatch"},
		"content-md5 not base64":   {header: map[string]string{"content-md5": "%%%"}, status: 400, code: "ChecksumMismatch"},
		"content-md5 matches":      {header: map[string]string{"content-md5": md5Base64(`{"a":1}`)}, status: 200},
		"both conditions":          {params: []string{"datastoreName", "D", "entryKey", "k", "exclusiveCreate", "true", "matchVersion", "v"}, status: 400, code: "ExclusiveCreateAndMatchVersionCannotBeSet"},
		"exclusiveCreate not bool": {params: []string{"datastoreName", "D", "entryKey", "k", "exclusiveCreate", "maybe"}, status: 400, code: "InvalidArgument"},
		"attributes not object":    {header: map[string]string{"roblox-entry-attributes": `[1]`}, status: 400, code: "InvalidAttributes"},
		"attributes not JSON":      {header: map[string]string{"roblox-entry-attributes": `{a:1}`}, status: 400, code: "InvalidAttributes"},
		"attributes 300 B":         {header: map[string]string{"roblox-entry-attributes": `{"a":"` + strings.Repeat("x", 200) + `","b":"` + strings.Repeat("y", 85) + `"}`}, status: 400, code: "InvalidAttributes"},
		"attributes 299 B":         {header: map[string]string{"roblox-entry-attributes": `{"a":"` + strings.Repeat("x", 200) + `","b":"` + strings.Repeat("y", 84) + `"}`}, status: 200},
		"attribute key 51 chars":   {header: map[string]string{"roblox-entry-attributes": `{"` + strings.Repeat("k", 51) + `":1}`}, status: 400, code: "InvalidAttributes"},
		"attribute key 50 chars":   {header: map[string]string{"roblox-entry-attributes": `{"` + strings.Repeat("é", 50) + `":1}`}, status: 200},
		"attribute value 251":      {header: map[string]string{"roblox-entry-attributes": `{"k":"` + strings.Repeat("v", 251) + `"}`}, status: 400, code: "InvalidAttributes"},
		"attribute value 250":      {header: map[string]string{"roblox-entry-attributes": `{"k":"` + strings.Repeat("v", 250) + `"}`}, status: 200},
		"five user ids":            {header: map[string]string{"roblox-entry-userids": "[1,2,3,4,5]"}, status: 400, code: "InvalidUserIds"},
		"four user ids":            {header: map[string]string{"roblox-entry-userids": "[1,2,3,4]"}, status: 200},
		"user id zero":             {header: map[string]string{"roblox-entry-userids": "[0]"}, status: 400, code: "InvalidUserIds"},
		"user id negative":         {header: map[string]string{"roblox-entry-userids": "[-3]"}, status: 400, code: "InvalidUserIds"},
		"user id fraction":         {header: map[string]string{"roblox-entry-userids": "[1.5]"}, status: 400, code: "InvalidUserIds"},
		"user id string":           {header: map[string]string{"roblox-entry-userids": `["1"]`}, status: 400, code: "InvalidUserIds"},
		"user ids not a list":      {header: map[string]string{"roblox-entry-userids": "one"}, status: 400, code: "InvalidUserIds"},
		"user ids comma list":      {header: map[string]string{"roblox-entry-userids": "1, 2"}, status: 200},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e, _ := newTestEmulator(t, Options{})
			universe := tc.universe
			if universe == "" {
				universe = strconv.Itoa(testUniverse)
			}
			params := tc.params
			if params == nil {
				params = []string{"datastoreName", "D", "entryKey", "k"}
			}
			body := tc.body
			switch body {
			case "":
				body = `{"a":1}`
			case "-":
				body = ""
			}
			rec := do(t, e, request{method: http.MethodPost, target: stdU(universe, pathEntry, params...), body: body, header: tc.header})
			if tc.status == 200 {
				if rec.Code != 200 {
					t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body)
				}
				return
			}
			wantStandardError(t, rec, tc.status, "INVALID_ARGUMENT", tc.code)
			if n := len(e.Entries(testUniverse, "D")); n != 0 {
				t.Errorf("a rejected write stored %d entries", n)
			}
		})
	}
}

func TestUserIDsHeaderForms(t *testing.T) {
	e, _ := newTestEmulator(t, Options{})
	for header, want := range map[string]string{"7, 8": "[7,8]", "[9]": "[9]", "[]": ""} {
		setEntry(t, e, "D", "global", "k", "1", map[string]string{"roblox-entry-userids": header})
		get := do(t, e, request{method: http.MethodGet, target: std(pathEntry, "datastoreName", "D", "entryKey", "k")})
		if got := get.Header().Get("roblox-entry-userids"); got != want {
			t.Errorf("userids %q read back as %q, want %q", header, got, want)
		}
	}
}

func TestSetEntryConditions(t *testing.T) {
	e, clock := newTestEmulator(t, Options{})
	target := func(extra ...string) string {
		return std(pathEntry, append([]string{"datastoreName", "D", "entryKey", "k"}, extra...)...)
	}
	post := func(extra ...string) *httptest.ResponseRecorder {
		return do(t, e, request{method: http.MethodPost, target: target(extra...), body: `1`})
	}

	rec := post("matchVersion", "08D9E6A3F2188CFF.0000000001.08D9E6A3F2188CFF.01")
	wantStandardError(t, rec, http.StatusPreconditionFailed, "FAILED_PRECONDITION", "")
	if v := rec.Header().Get("roblox-entry-version"); v != "" {
		t.Errorf("412 for a missing entry carries version %q", v)
	}

	rec = post("exclusiveCreate", "true")
	if rec.Code != http.StatusOK {
		t.Fatalf("exclusiveCreate on a new key: %d %s", rec.Code, rec.Body)
	}
	v1 := decodeObject(t, rec.Body.Bytes())["version"].(string)

	rec = post("exclusiveCreate", "true")
	wantStandardError(t, rec, http.StatusPreconditionFailed, "FAILED_PRECONDITION", "")
	if got := rec.Header().Get("roblox-entry-version"); got != v1 {
		t.Errorf("412 version header %q, want the current %q", got, v1)
	}
	if rec.Header().Get("roblox-entry-created-time") == "" || rec.Header().Get("roblox-entry-version-created-time") == "" {
		t.Errorf("412 lacks the entry's time headers: %v", rec.Header())
	}

	rec = post("matchVersion", v1)
	if rec.Code != http.StatusOK {
		t.Fatalf("matchVersion with the current version: %d %s", rec.Code, rec.Body)
	}
	v2 := decodeObject(t, rec.Body.Bytes())["version"].(string)

	rec = post("matchVersion", v1)
	wantStandardError(t, rec, http.StatusPreconditionFailed, "FAILED_PRECONDITION", "")
	if got := rec.Header().Get("roblox-entry-version"); got != v2 {
		t.Errorf("stale matchVersion: version header %q, want %q", got, v2)
	}

	// A deleted entry counts as missing: exclusiveCreate works again, and it
	// starts a new object.
	if rec := do(t, e, request{method: http.MethodDelete, target: target()}); rec.Code != http.StatusNoContent {
		t.Fatalf("delete: %d", rec.Code)
	}
	rec = post("matchVersion", v2)
	wantStandardError(t, rec, http.StatusPreconditionFailed, "FAILED_PRECONDITION", "")
	clock.Advance(time.Hour)
	rec = post("exclusiveCreate", "true")
	if rec.Code != http.StatusOK {
		t.Fatalf("exclusiveCreate after delete: %d %s", rec.Code, rec.Body)
	}
	if got := decodeObject(t, rec.Body.Bytes())["objectCreatedTime"]; got != formatTime(clock.Now()) {
		t.Errorf("objectCreatedTime after re-create %v, want %s", got, formatTime(clock.Now()))
	}
}

func TestIncrementEntry(t *testing.T) {
	e, _ := newTestEmulator(t, Options{})
	inc := func(by string, header map[string]string) *httptest.ResponseRecorder {
		params := []string{"datastoreName", "Coins", "entryKey", "u1"}
		if by != "" {
			params = append(params, "incrementBy", by)
		}
		return do(t, e, request{method: http.MethodPost, target: std(pathInc, params...), header: header})
	}
	steps := []struct {
		by     string
		header map[string]string
		want   string
	}{
		{"5", map[string]string{"roblox-entry-attributes": `{"src":"promo"}`}, "5"},
		{"", nil, "6"},
		{"-10", nil, "-4"},
	}
	for _, s := range steps {
		rec := inc(s.by, s.header)
		if rec.Code != http.StatusOK || rec.Body.String() != s.want {
			t.Fatalf("increment by %q: %d %q, want 200 %q", s.by, rec.Code, rec.Body, s.want)
		}
		if rec.Header().Get("content-md5") != md5Base64(s.want) || !versionPattern.MatchString(rec.Header().Get("roblox-entry-version")) {
			t.Errorf("increment headers %v", rec.Header())
		}
		_, hasAttrs := rec.Header()[http.CanonicalHeaderKey("roblox-entry-attributes")]
		if hasAttrs != (s.header != nil) {
			t.Errorf("increment by %q: attributes header present = %v", s.by, hasAttrs)
		}
	}

	for name, tc := range map[string]struct {
		value, by string
		code      string
	}{
		"string value":     {`"abc"`, "1", "ExistingValueNotNumeric"},
		"fraction value":   {`1.5`, "1", "ExistingValueNotNumeric"},
		"object value":     {`{"n":1}`, "1", "ExistingValueNotNumeric"},
		"overflow":         {`9223372036854775807`, "1", "InvalidArgument"},
		"underflow":        {`-9223372036854775808`, "-1", "InvalidArgument"},
		"incrementBy text": {`1`, "one", "InvalidArgument"},
		"incrementBy big":  {`1`, "9223372036854775808", "InvalidArgument"},
	} {
		t.Run(name, func(t *testing.T) {
			setEntry(t, e, "Coins", "global", "u1", tc.value, nil)
			rec := inc(tc.by, nil)
			wantStandardError(t, rec, http.StatusBadRequest, "INVALID_ARGUMENT", tc.code)
			if ent, _ := e.Entry(testUniverse, "Coins", "global", "u1"); string(ent.Value) != tc.value {
				t.Errorf("value changed to %s by a failed increment", ent.Value)
			}
		})
	}

	setEntry(t, e, "Coins", "global", "u1", `10.0`, nil)
	if rec := inc("2", nil); rec.Code != http.StatusOK || rec.Body.String() != "12" {
		t.Errorf("increment of 10.0: %d %s", rec.Code, rec.Body)
	}
	// A deleted entry is created again from incrementBy.
	e.DeleteEntry(testUniverse, "Coins", "global", "u1")
	if rec := inc("3", nil); rec.Code != http.StatusOK || rec.Body.String() != "3" {
		t.Errorf("increment after delete: %d %s", rec.Code, rec.Body)
	}
}

func TestDeleteEntryAndTombstones(t *testing.T) {
	e, clock := newTestEmulator(t, Options{})
	addr := []string{"datastoreName", "D", "entryKey", "k", "scope", "s"}
	set := setEntry(t, e, "D", "s", "k", `"hello"`, nil)
	clock.Advance(time.Second)

	rec := do(t, e, request{method: http.MethodDelete, target: std(pathEntry, addr...)})
	if rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
		t.Fatalf("delete: %d %q", rec.Code, rec.Body)
	}
	wantStandardError(t, do(t, e, request{method: http.MethodGet, target: std(pathEntry, addr...)}), http.StatusNotFound, "NOT_FOUND", "EntryNotFound")
	wantStandardError(t, do(t, e, request{method: http.MethodDelete, target: std(pathEntry, addr...)}), http.StatusNotFound, "NOT_FOUND", "EntryNotFound")
	wantStandardError(t, do(t, e, request{method: http.MethodDelete, target: std(pathEntry, "datastoreName", "D", "entryKey", "never")}), http.StatusNotFound, "NOT_FOUND", "EntryNotFound")

	keys := do(t, e, request{method: http.MethodGet, target: std(pathEntries, "datastoreName", "D", "scope", "s")})
	if keys.Body.String() != `{"keys":[{"scope":"s","key":"k"}],"nextPageCursor":""}` {
		t.Errorf("listing after delete: %s", keys.Body)
	}

	versions := do(t, e, request{method: http.MethodGet, target: std(pathVersions, addr...)})
	var list struct {
		Versions []map[string]any `json:"versions"`
	}
	if err := json.Unmarshal(versions.Body.Bytes(), &list); err != nil || len(list.Versions) != 2 {
		t.Fatalf("versions: %s", versions.Body)
	}
	tomb := list.Versions[1]
	if tomb["deleted"] != true || tomb["contentLength"] != float64(0) || tomb["objectCreatedTime"] != set["objectCreatedTime"] || tomb["createdTime"] != formatTime(clock.Now()) {
		t.Errorf("tombstone version %v", tomb)
	}
	rec = do(t, e, request{method: http.MethodGet, target: std(pathVersion, append(addr, "versionId", tomb["version"].(string))...)})
	wantStandardError(t, rec, http.StatusNotFound, "NOT_FOUND", "EntryNotFound")
	rec = do(t, e, request{method: http.MethodGet, target: std(pathVersion, append(addr, "versionId", set["version"].(string))...)})
	if rec.Code != http.StatusOK || rec.Body.String() != `"hello"` {
		t.Errorf("the version before the deletion: %d %s", rec.Code, rec.Body)
	}

	if _, ok := e.Entry(testUniverse, "D", "s", "k"); ok {
		t.Errorf("Entry accessor reports a deleted entry")
	}
	if got := e.Entries(testUniverse, "D"); len(got) != 0 {
		t.Errorf("Entries accessor lists a deleted entry: %v", got)
	}
}

func TestListDatastores(t *testing.T) {
	e, clock := newTestEmulator(t, Options{})
	rec := do(t, e, request{method: http.MethodGet, target: std("")})
	if rec.Code != http.StatusOK || rec.Body.String() != `{"datastores":[],"nextPageCursor":""}` {
		t.Fatalf("empty universe: %d %s", rec.Code, rec.Body)
	}
	created := map[string]string{}
	for _, name := range []string{"Players", "Config", "PlayersOld", "Inventory"} {
		created[name] = formatTime(clock.Now())
		setEntry(t, e, name, "global", "k", "1", nil)
		clock.Advance(time.Minute)
	}
	// A second write does not change the data store's creation time.
	setEntry(t, e, "Config", "global", "k2", "1", nil)

	type page struct {
		Datastores []struct {
			Name        string `json:"name"`
			CreatedTime string `json:"createdTime"`
		} `json:"datastores"`
		NextPageCursor string `json:"nextPageCursor"`
	}
	collect := func(pairs ...string) []string {
		var names []string
		cursor := ""
		for i := 0; i < 10; i++ {
			params := append([]string{}, pairs...)
			if cursor != "" {
				params = append(params, "cursor", cursor)
			}
			rec := do(t, e, request{method: http.MethodGet, target: std("", params...)})
			var p page
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != 200 {
				t.Fatalf("ListDatastores: %d %s", rec.Code, rec.Body)
			}
			for _, d := range p.Datastores {
				names = append(names, d.Name)
				if d.CreatedTime != created[d.Name] {
					t.Errorf("%s createdTime %s, want %s", d.Name, d.CreatedTime, created[d.Name])
				}
			}
			if p.NextPageCursor == "" {
				return names
			}
			cursor = p.NextPageCursor
		}
		t.Fatalf("paging did not end")
		return nil
	}
	if got, want := collect(), []string{"Config", "Inventory", "Players", "PlayersOld"}; !reflect.DeepEqual(got, want) {
		t.Errorf("default limit 1, all pages: %v, want %v", got, want)
	}
	if got, want := collect("prefix", "Players", "limit", "500"), []string{"Players", "PlayersOld"}; !reflect.DeepEqual(got, want) {
		t.Errorf("prefix: %v, want %v", got, want)
	}

	first := do(t, e, request{method: http.MethodGet, target: std("", "limit", "1")})
	var p page
	if err := json.Unmarshal(first.Body.Bytes(), &p); err != nil {
		t.Fatalf("first page %s: %v", first.Body, err)
	}
	for name, params := range map[string][]string{
		"garbage cursor":     {"cursor", "not-a-cursor"},
		"cursor of a prefix": {"cursor", p.NextPageCursor, "prefix", "P"},
		"limit zero":         {"limit", "0"},
		"limit not a number": {"limit", "ten"},
	} {
		code := "InvalidCursor"
		if strings.HasPrefix(name, "limit") {
			code = "InvalidArgument"
		}
		t.Run(name, func(t *testing.T) {
			wantStandardError(t, do(t, e, request{method: http.MethodGet, target: std("", params...)}), http.StatusBadRequest, "INVALID_ARGUMENT", code)
		})
	}
}

type keysPage struct {
	Keys []struct {
		Scope string `json:"scope"`
		Key   string `json:"key"`
	} `json:"keys"`
	NextPageCursor string `json:"nextPageCursor"`
}

func listKeys(t *testing.T, e *Emulator, pairs ...string) keysPage {
	t.Helper()
	rec := do(t, e, request{method: http.MethodGet, target: std(pathEntries, pairs...)})
	if rec.Code != http.StatusOK {
		t.Fatalf("ListEntryKeys %v: %d %s", pairs, rec.Code, rec.Body)
	}
	var p keysPage
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p keysPage) names() []string {
	var out []string
	for _, k := range p.Keys {
		out = append(out, k.Scope+"/"+k.Key)
	}
	return out
}

func TestListEntryKeys(t *testing.T) {
	e, _ := newTestEmulator(t, Options{})
	for _, id := range []string{"global/User_2", "global/User_10", "global/apple", "global/Banana", "other/User_1", "zeta/a"} {
		scope, key, _ := strings.Cut(id, "/")
		setEntry(t, e, "D", scope, key, "1", nil)
	}
	tests := map[string]struct {
		params []string
		want   []string
	}{
		"default scope":     {[]string{"datastoreName", "D"}, []string{"global/Banana", "global/User_10", "global/User_2", "global/apple"}},
		"explicit scope":    {[]string{"datastoreName", "D", "scope", "other"}, []string{"other/User_1"}},
		"all scopes":        {[]string{"datastoreName", "D", "allScopes", "true"}, []string{"global/Banana", "global/User_10", "global/User_2", "global/apple", "other/User_1", "zeta/a"}},
		"prefix":            {[]string{"datastoreName", "D", "prefix", "User_"}, []string{"global/User_10", "global/User_2"}},
		"prefix all scopes": {[]string{"datastoreName", "D", "prefix", "User_", "allScopes", "true"}, []string{"global/User_10", "global/User_2", "other/User_1"}},
		"unknown store":     {[]string{"datastoreName", "Nope"}, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := listKeys(t, e, tc.params...)
			if got := p.names(); !reflect.DeepEqual(got, tc.want) || p.NextPageCursor != "" {
				t.Errorf("keys %v cursor %q, want %v", got, p.NextPageCursor, tc.want)
			}
		})
	}

	rec := do(t, e, request{method: http.MethodGet, target: std(pathEntries, "datastoreName", "D", "limit", "1")})
	if !regexp.MustCompile(`^\{"keys":\[\{"scope":"global","key":"Banana"\}\],"nextPageCursor":"[A-Za-z0-9_-]+"\}$`).Match(rec.Body.Bytes()) {
		t.Errorf("wire shape: %s", rec.Body)
	}

	for name, tc := range map[string]struct {
		params []string
		code   string
	}{
		"scope with allScopes": {[]string{"datastoreName", "D", "allScopes", "true", "scope", "global"}, "InvalidDataStoreScope"},
		"allScopes not bool":   {[]string{"datastoreName", "D", "allScopes", "yes please"}, "InvalidArgument"},
		"garbage cursor":       {[]string{"datastoreName", "D", "cursor", "!!"}, "InvalidCursor"},
		"no data store":        {[]string{"scope", "global"}, "InvalidDataStoreName"},
	} {
		t.Run(name, func(t *testing.T) {
			wantStandardError(t, do(t, e, request{method: http.MethodGet, target: std(pathEntries, tc.params...)}), http.StatusBadRequest, "INVALID_ARGUMENT", tc.code)
		})
	}

	t.Run("cursor of another query", func(t *testing.T) {
		p := listKeys(t, e, "datastoreName", "D", "limit", "1")
		for _, params := range [][]string{
			{"datastoreName", "D", "prefix", "User", "cursor", p.NextPageCursor},
			{"datastoreName", "D", "allScopes", "true", "cursor", p.NextPageCursor},
		} {
			wantStandardError(t, do(t, e, request{method: http.MethodGet, target: std(pathEntries, params...)}), http.StatusBadRequest, "INVALID_ARGUMENT", "InvalidCursor")
		}
		setEntry(t, e, "E", "global", "k", "1", nil)
		ds := do(t, e, request{method: http.MethodGet, target: std("", "limit", "1")})
		var dp struct{ NextPageCursor string }
		if err := json.Unmarshal(ds.Body.Bytes(), &dp); err != nil {
			t.Fatalf("data store page %s: %v", ds.Body, err)
		}
		wantStandardError(t, do(t, e, request{method: http.MethodGet, target: std(pathEntries, "datastoreName", "D", "cursor", dp.NextPageCursor)}), http.StatusBadRequest, "INVALID_ARGUMENT", "InvalidCursor")
	})
}

func TestListEntryKeysDefaultLimitAndCursorStability(t *testing.T) {
	e, _ := newTestEmulator(t, Options{})
	for i := 0; i < 40; i += 2 {
		setEntry(t, e, "D", "global", "k"+twoDigits(i), "1", nil)
	}
	if p := listKeys(t, e, "datastoreName", "D"); len(p.Keys) != 16 || p.NextPageCursor == "" {
		t.Fatalf("default limit: %d keys, cursor %q", len(p.Keys), p.NextPageCursor)
	}

	p := listKeys(t, e, "datastoreName", "D", "limit", "3")
	seen := p.names()
	// Between pages: a key before the cursor, a key after it, a deletion
	// after it (still listed) and one at the cursor position.
	setEntry(t, e, "D", "global", "k01", "1", nil)
	setEntry(t, e, "D", "global", "k05", "1", nil)
	e.DeleteEntry(testUniverse, "D", "global", "k08")
	e.DeleteEntry(testUniverse, "D", "global", "k04")
	for p.NextPageCursor != "" {
		p = listKeys(t, e, "datastoreName", "D", "limit", "3", "cursor", p.NextPageCursor)
		seen = append(seen, p.names()...)
	}
	var want []string
	for i := 0; i < 40; i += 2 {
		want = append(want, "global/k"+twoDigits(i))
		if i == 4 {
			want = append(want, "global/k05")
		}
	}
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("paged keys\n got %v\nwant %v", seen, want)
	}
}

func twoDigits(i int) string {
	s := strconv.Itoa(i)
	if len(s) < 2 {
		s = "0" + s
	}
	return s
}

func TestListEntryVersions(t *testing.T) {
	e, clock := newTestEmulator(t, Options{})
	addr := []string{"datastoreName", "D", "entryKey", "k"}
	var ids, times []string
	for i := 0; i < 5; i++ {
		set := setEntry(t, e, "D", "global", "k", strconv.Itoa(i*10), nil)
		ids = append(ids, set["version"].(string))
		times = append(times, set["createdTime"].(string))
		clock.Advance(time.Minute)
	}
	list := func(pairs ...string) ([]string, string) {
		t.Helper()
		rec := do(t, e, request{method: http.MethodGet, target: std(pathVersions, append(append([]string{}, addr...), pairs...)...)})
		if rec.Code != http.StatusOK {
			t.Fatalf("ListEntryVersions %v: %d %s", pairs, rec.Code, rec.Body)
		}
		var body struct {
			Versions []map[string]any `json:"versions"`
			Next     string           `json:"nextPageCursor"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, v := range body.Versions {
			if got := keysOf(v); !reflect.DeepEqual(got, []string{"contentLength", "createdTime", "deleted", "objectCreatedTime", "version"}) {
				t.Fatalf("version fields %v", got)
			}
			out = append(out, v["version"].(string))
		}
		return out, body.Next
	}
	all := func(pairs ...string) []string {
		var out []string
		page, next := list(pairs...)
		out = append(out, page...)
		for next != "" {
			page, next = list(append(pairs, "cursor", next)...)
			out = append(out, page...)
		}
		return out
	}
	reversed := []string{ids[4], ids[3], ids[2], ids[1], ids[0]}
	tests := map[string]struct {
		params []string
		want   []string
	}{
		"default ascending":  {nil, ids},
		"descending":         {[]string{"sortOrder", "Descending"}, reversed},
		"ascending by 2":     {[]string{"limit", "2", "sortOrder", "Ascending"}, ids},
		"descending by 2":    {[]string{"limit", "2", "sortOrder", "Descending"}, reversed},
		"time range":         {[]string{"startTime", times[1], "endTime", times[3]}, ids[1:4]},
		"start only, by 1":   {[]string{"startTime", times[3], "limit", "1"}, ids[3:]},
		"end only, desc":     {[]string{"endTime", times[1], "sortOrder", "Descending"}, []string{ids[1], ids[0]}},
		"range matches none": {[]string{"startTime", "2000-01-01T00:00:00Z", "endTime", "2000-01-02T00:00:00Z"}, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := all(tc.params...); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("versions %v, want %v", got, tc.want)
			}
		})
	}
	if page, next := list("limit", "2"); len(page) != 2 || next == "" {
		t.Errorf("limit 2: %d versions, cursor %q", len(page), next)
	}

	_, next := list("limit", "2")
	for name, tc := range map[string]struct {
		params []string
		status int
		code   string
	}{
		"sort order lower case": {[]string{"sortOrder", "ascending"}, 400, "InvalidSortOrder"},
		"sort order unknown":    {[]string{"sortOrder", "Newest"}, 400, "InvalidSortOrder"},
		"bad start time":        {[]string{"startTime", "yesterday"}, 400, "InvalidArgument"},
		"bad end time":          {[]string{"endTime", "2024-13-01"}, 400, "InvalidArgument"},
		"cursor, other order":   {[]string{"cursor", next, "sortOrder", "Descending"}, 400, "InvalidCursor"},
	} {
		t.Run(name, func(t *testing.T) {
			rec := do(t, e, request{method: http.MethodGet, target: std(pathVersions, append(append([]string{}, addr...), tc.params...)...)})
			wantStandardError(t, rec, tc.status, "INVALID_ARGUMENT", tc.code)
		})
	}
	rec := do(t, e, request{method: http.MethodGet, target: std(pathVersions, "datastoreName", "D", "entryKey", "missing")})
	wantStandardError(t, rec, http.StatusNotFound, "NOT_FOUND", "EntryNotFound")
}

func TestGetEntryVersion(t *testing.T) {
	e, clock := newTestEmulator(t, Options{})
	first := setEntry(t, e, "D", "global", "k", `{"v":1}`, map[string]string{"roblox-entry-attributes": `{"a":"b"}`, "roblox-entry-userids": "[42]"})
	clock.Advance(time.Minute)
	setEntry(t, e, "D", "global", "k", `{"v":2}`, nil)

	addr := []string{"datastoreName", "D", "entryKey", "k"}
	rec := do(t, e, request{method: http.MethodGet, target: std(pathVersion, append(addr, "versionId", first["version"].(string))...)})
	if rec.Code != http.StatusOK || rec.Body.String() != `{"v":1}` {
		t.Fatalf("GetEntryVersion: %d %s", rec.Code, rec.Body)
	}
	for k, want := range map[string]string{
		"roblox-entry-version":              first["version"].(string),
		"roblox-entry-version-created-time": first["createdTime"].(string),
		"roblox-entry-created-time":         first["objectCreatedTime"].(string),
		"roblox-entry-attributes":           `{"a":"b"}`,
		"roblox-entry-userids":              "[42]",
		"content-md5":                       md5Base64(`{"v":1}`),
	} {
		if got := rec.Header().Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	wantStandardError(t, do(t, e, request{method: http.MethodGet, target: std(pathVersion, append(addr, "versionId", "08D9E6A3F2188CFF.0000000009.08D9E6A3F2188CFF.01")...)}), 404, "NOT_FOUND", "VersionNotFound")
	wantStandardError(t, do(t, e, request{method: http.MethodGet, target: std(pathVersion, addr...)}), 400, "INVALID_ARGUMENT", "InvalidVersionId")
	wantStandardError(t, do(t, e, request{method: http.MethodGet, target: std(pathVersion, "datastoreName", "D", "entryKey", "zz", "versionId", "x")}), 404, "NOT_FOUND", "EntryNotFound")
}

func TestVersionIDsIncreaseAndAreUnique(t *testing.T) {
	e, clock := newTestEmulator(t, Options{})
	var last string
	seen := map[string]bool{}
	check := func(v string) {
		t.Helper()
		if !versionPattern.MatchString(v) || v <= last || seen[v] {
			t.Fatalf("version %q after %q is not a new, increasing id", v, last)
		}
		seen[v], last = true, v
	}
	for i := 0; i < 3; i++ {
		check(setEntry(t, e, "D", "global", "k", "1", nil)["version"].(string))
	}
	e.DeleteEntry(testUniverse, "D", "global", "k")
	ent, _ := e.PutEntry(testUniverse, "D", "global", "k", []byte("2"), nil, nil)
	versions := do(t, e, request{method: http.MethodGet, target: std(pathVersions, "datastoreName", "D", "entryKey", "k")})
	if !strings.Contains(versions.Body.String(), ent.Version) || ent.Version <= last {
		t.Errorf("version after delete and re-create %q (last %q)", ent.Version, last)
	}
	// The same instant still gives a new id.
	clock.Advance(0)
	check(ent.Version)
	check(setEntry(t, e, "D", "global", "k", "3", nil)["version"].(string))
}

func TestEntryAccessors(t *testing.T) {
	e, _ := newTestEmulator(t, Options{})
	ent, err := e.PutEntry(testUniverse, "D", "global", "k", []byte(`{"a": 1}`), []byte(`{"x":"y"}`), []int64{5})
	if err != nil {
		t.Fatal(err)
	}
	rec := do(t, e, request{method: http.MethodGet, target: std(pathEntry, "datastoreName", "D", "entryKey", "k")})
	if rec.Body.String() != `{"a": 1}` || rec.Header().Get("roblox-entry-version") != ent.Version ||
		rec.Header().Get("roblox-entry-attributes") != `{"x":"y"}` || rec.Header().Get("roblox-entry-userids") != "[5]" {
		t.Errorf("PutEntry not visible through the API: %v %s", rec.Header(), rec.Body)
	}
	for name, put := range map[string]func() error{
		"bad universe": func() error { _, err := e.PutEntry(0, "D", "global", "k", []byte("1"), nil, nil); return err },
		"bad store":    func() error { _, err := e.PutEntry(1, "", "global", "k", []byte("1"), nil, nil); return err },
		"bad key": func() error {
			_, err := e.PutEntry(1, "D", "global", strings.Repeat("k", 51), []byte("1"), nil, nil)
			return err
		},
		"bad value":      func() error { _, err := e.PutEntry(1, "D", "global", "k", []byte("nope"), nil, nil); return err },
		"bad attributes": func() error { _, err := e.PutEntry(1, "D", "global", "k", []byte("1"), []byte("[]"), nil); return err },
		"bad user ids": func() error {
			_, err := e.PutEntry(1, "D", "global", "k", []byte("1"), nil, []int64{1, 2, 3, 4, 5})
			return err
		},
	} {
		if put() == nil {
			t.Errorf("PutEntry with %s succeeded", name)
		}
	}
	if _, err := e.PutEntry(testUniverse, "D", "b", "k", []byte("1"), nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.PutEntry(testUniverse, "D", "a", "z", []byte("1"), nil, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := e.Entries(testUniverse, "D"), []EntryKey{{"a", "z"}, {"b", "k"}, {"global", "k"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Entries %v, want %v", got, want)
	}
	if !e.DeleteEntry(testUniverse, "D", "b", "k") || e.DeleteEntry(testUniverse, "D", "b", "k") {
		t.Errorf("DeleteEntry results wrong")
	}
	// The returned Entry is a copy.
	got, _ := e.Entry(testUniverse, "D", "global", "k")
	got.Value[0] = 'X'
	again, _ := e.Entry(testUniverse, "D", "global", "k")
	if string(again.Value) != `{"a": 1}` {
		t.Errorf("Entry shares memory with the store")
	}
}

func TestUnknownRoutes(t *testing.T) {
	e, _ := newTestEmulator(t, Options{})
	for _, tc := range []struct {
		method, target string
		status         int
	}{
		{http.MethodGet, "/", 404},
		{http.MethodGet, "/datastores/v1/universes/1/standard-datastores/datastore", 404},
		{http.MethodGet, "/datastores/v1/universes/1/standard-datastores/", 404},
		{http.MethodGet, "/ordered-data-stores/v1/universes/1/orderedDataStores/a/scopes/b", 404},
		{http.MethodPut, std(pathEntry), 405},
		{http.MethodGet, std(pathInc), 405},
		{http.MethodPut, ord("a", "b", "", ""), 405},
		{http.MethodGet, ord("a", "b", "c", ":increment"), 405},
	} {
		// No API key: routing comes before authentication.
		rec := do(t, e, request{method: tc.method, target: tc.target, header: map[string]string{"x-api-key": ""}})
		wantGatewayError(t, rec, tc.status)
	}
	if got := e.Stats().Operations["Unknown"]; got["404"] != 4 || got["405"] != 4 {
		t.Errorf("Unknown counts %v", got)
	}
}
