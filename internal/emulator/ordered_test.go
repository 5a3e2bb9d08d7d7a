package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestOrderedEntryLifecycle(t *testing.T) {
	e, _ := newTestEmulator(t, Options{})
	const prefix = `{"path":"universes/1234/orderedDataStores/Top/scopes/global/entries/`
	steps := []struct {
		name   string
		method string
		target string
		body   string
		status int
		want   string
	}{
		{"create", http.MethodPost, ord("Top", "global", "", "", "id", "p1"), `{"value": 50}`, 200, prefix + `p1","id":"p1","value":50}`},
		{"get", http.MethodGet, ord("Top", "global", "p1", ""), "", 200, prefix + `p1","id":"p1","value":50}`},
		{"update", http.MethodPatch, ord("Top", "global", "p1", ""), `{"value": 70}`, 200, prefix + `p1","id":"p1","value":70}`},
		{"increment", http.MethodPost, ord("Top", "global", "p1", ":increment"), `{"amount": 5}`, 200, prefix + `p1","id":"p1","value":75}`},
		{"decrement", http.MethodPost, ord("Top", "global", "p1", ":increment"), `{"amount": -80}`, 200, prefix + `p1","id":"p1","value":-5}`},
		{"increment missing creates", http.MethodPost, ord("Top", "global", "p2", ":increment"), `{"amount": 3}`, 200, prefix + `p2","id":"p2","value":3}`},
		{"update missing, allowed", http.MethodPatch, ord("Top", "global", "p3", "", "allow_missing", "true"), `{"value": 9}`, 200, prefix + `p3","id":"p3","value":9}`},
		{"delete", http.MethodDelete, ord("Top", "global", "p1", ""), "", 200, `{}`},
		{"delete again", http.MethodDelete, ord("Top", "global", "p1", ""), "", 200, `{}`},
		{"delete never existed", http.MethodDelete, ord("Top", "other", "zz", ""), "", 200, `{}`},
		{"create after delete", http.MethodPost, ord("Top", "global", "", "", "id", "p1"), `{"value": 1}`, 200, prefix + `p1","id":"p1","value":1}`},
	}
	for _, s := range steps {
		rec := do(t, e, request{method: s.method, target: s.target, body: s.body})
		if rec.Code != s.status || rec.Body.String() != s.want {
			t.Fatalf("%s: %d %s\nwant %d %s", s.name, rec.Code, rec.Body, s.status, s.want)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type %q", s.name, ct)
		}
	}
	m := wantOrderedError(t, do(t, e, request{method: http.MethodPost, target: ord("Top", "global", "", "", "id", "p2"), body: `{"value": 1}`}), 400, "INVALID_ARGUMENT")
	if !strings.Contains(m["message"].(string), "already exists") {
		t.Errorf("create of an existing entry: message %q", m["message"])
	}
	wantOrderedError(t, do(t, e, request{method: http.MethodGet, target: ord("Top", "global", "nope", "")}), 404, "NOT_FOUND")
	wantOrderedError(t, do(t, e, request{method: http.MethodPatch, target: ord("Top", "global", "nope", ""), body: `{"value": 1}`}), 404, "NOT_FOUND")
	wantOrderedError(t, do(t, e, request{method: http.MethodPatch, target: ord("Top", "global", "nope", "", "allow_missing", "false"), body: `{"value": 1}`}), 404, "NOT_FOUND")
	if got, want := e.OrderedEntries(testUniverse, "Top", "global"), map[string]int64{"p1": 1, "p2": 3, "p3": 9}; !reflect.DeepEqual(got, want) {
		t.Errorf("entries %v, want %v", got, want)
	}
}

// TestOrderedPathEncoding goes through a real server, so that ids are
// percent-encoded on the wire exactly as a client sends them.
func TestOrderedPathEncoding(t *testing.T) {
	e, _ := newTestEmulator(t, Options{})
	srv := httptest.NewServer(e)
	defer srv.Close()
	base := srv.URL + "/ordered-data-stores/v1/universes/1234/orderedDataStores/My%20Board/scopes/s%2F1/entries"
	send := func(method, rawURL, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, rawURL, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("x-api-key", testKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	ids := map[string]string{ // id -> its encoded path segment
		"a/b":            "a%2Fb",
		"x@y":            "x@y",
		"with space":     "with%20space",
		"colon:inside":   "colon:inside",
		"ünïcødé":        "%C3%BCn%C3%AFc%C3%B8d%C3%A9",
		"ends:increment": "ends%3Aincrement",
		"100%":           "100%25",
	}
	want := map[string]int64{}
	for id, seg := range ids {
		q := "?id=" + strings.ReplaceAll(seg, "/", "%2F")
		if code, body := send(http.MethodPost, base+q, `{"value": 1}`); code != 200 {
			t.Fatalf("create %q: %d %s", id, code, body)
		}
		code, body := send(http.MethodPost, base+"/"+seg+":increment", `{"amount": 10}`)
		if code != 200 {
			t.Fatalf("increment %q: %d %s", id, code, body)
		}
		var got orderedEntryWire
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatalf("increment %q answered %s: %v", id, body, err)
		}
		if got.ID != id || got.Value != 11 || got.Path != "universes/1234/orderedDataStores/My Board/scopes/s/1/entries/"+id {
			t.Errorf("increment %q answered %s", id, body)
		}
		if code, body := send(http.MethodGet, base+"/"+seg, ""); code != 200 || !strings.Contains(body, `"value":11`) {
			t.Errorf("get %q: %d %s", id, code, body)
		}
		want[id] = 11
	}
	if got := e.OrderedEntries(testUniverse, "My Board", "s/1"); !reflect.DeepEqual(got, want) {
		t.Errorf("stored ids %v, want %v", got, want)
	}
	if code, _ := send(http.MethodDelete, base+"/a%2Fb", ""); code != 200 {
		t.Errorf("delete a/b: %d", code)
	}
	if _, ok := e.OrderedEntry(testUniverse, "My Board", "s/1", "a/b"); ok {
		t.Errorf("a/b not deleted")
	}
}

type orderedEntryWire struct {
	Path  string `json:"path"`
	ID    string `json:"id"`
	Value int64  `json:"value"`
}

func TestOrderedValidation(t *testing.T) {
	e, _ := newTestEmulator(t, Options{})
	e.PutOrderedEntry(testUniverse, "Top", "global", "max", 9223372036854775807)
	e.PutOrderedEntry(testUniverse, "Top", "global", "min", -9223372036854775808)
	long := strings.Repeat("x", 51)
	tests := map[string]struct {
		method, target, body string
	}{
		"universe not a number":  {http.MethodGet, "/ordered-data-stores/v1/universes/abc/orderedDataStores/Top/scopes/global/entries", ""},
		"store name 51 B":        {http.MethodGet, ord(long, "global", "", ""), ""},
		"scope 51 B":             {http.MethodGet, ord("Top", long, "", ""), ""},
		"empty store name":       {http.MethodGet, ord("", "global", "", ""), ""},
		"entry id 51 B":          {http.MethodGet, ord("Top", "global", long, ""), ""},
		"empty id to increment":  {http.MethodPost, ord("Top", "global", "", "/:increment"), `{"amount": 1}`},
		"create without id":      {http.MethodPost, ord("Top", "global", "", ""), `{"value": 1}`},
		"create with empty id":   {http.MethodPost, ord("Top", "global", "", "", "id", ""), `{"value": 1}`},
		"create id 51 B":         {http.MethodPost, ord("Top", "global", "", "", "id", long), `{"value": 1}`},
		"body not JSON":          {http.MethodPost, ord("Top", "global", "", "", "id", "n"), `{value: 1}`},
		"body empty":             {http.MethodPost, ord("Top", "global", "", "", "id", "n"), ``},
		"body an array":          {http.MethodPost, ord("Top", "global", "", "", "id", "n"), `[1]`},
		"body null":              {http.MethodPost, ord("Top", "global", "", "", "id", "n"), `null`},
		"value missing":          {http.MethodPost, ord("Top", "global", "", "", "id", "n"), `{"amount": 1}`},
		"value fraction":         {http.MethodPost, ord("Top", "global", "", "", "id", "n"), `{"value": 1.5}`},
		"value exponent":         {http.MethodPost, ord("Top", "global", "", "", "id", "n"), `{"value": 1e3}`},
		"value string":           {http.MethodPost, ord("Top", "global", "", "", "id", "n"), `{"value": "5"}`},
		"value above int64":      {http.MethodPost, ord("Top", "global", "", "", "id", "n"), `{"value": 9223372036854775808}`},
		"value below int64":      {http.MethodPatch, ord("Top", "global", "n", "", "allow_missing", "true"), `{"value": -9223372036854775809}`},
		"allow_missing not bool": {http.MethodPatch, ord("Top", "global", "n", "", "allow_missing", "sure"), `{"value": 1}`},
		"amount above int64":     {http.MethodPost, ord("Top", "global", "n", ":increment"), `{"amount": 99999999999999999999}`},
		"amount missing":         {http.MethodPost, ord("Top", "global", "n", ":increment"), `{"value": 1}`},
		"increment overflow":     {http.MethodPost, ord("Top", "global", "max", ":increment"), `{"amount": 1}`},
		"decrement underflow":    {http.MethodPost, ord("Top", "global", "min", ":increment"), `{"amount": -1}`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			rec := do(t, e, request{method: tc.method, target: tc.target, body: tc.body})
			wantOrderedError(t, rec, http.StatusBadRequest, "INVALID_ARGUMENT")
		})
	}
	if got := e.OrderedEntries(testUniverse, "Top", "global"); len(got) != 2 || got["max"] != 9223372036854775807 || got["min"] != -9223372036854775808 {
		t.Errorf("rejected requests changed the store: %v", got)
	}
	for _, body := range []string{`{"value": 9223372036854775807}`, `{"value": -9223372036854775808}`, `{"value": -0, "extra": true}`} {
		if rec := do(t, e, request{method: http.MethodPatch, target: ord("Top", "global", "edge", "", "allow_missing", "true"), body: body}); rec.Code != 200 {
			t.Errorf("%s: %d %s", body, rec.Code, rec.Body)
		}
	}
}

type orderedPage struct {
	Entries       []orderedEntryWire `json:"entries"`
	NextPageToken *string            `json:"nextPageToken"`
}

func listOrdered(t *testing.T, e *Emulator, scope string, pairs ...string) orderedPage {
	t.Helper()
	rec := do(t, e, request{method: http.MethodGet, target: ord("Top", scope, "", "", pairs...)})
	if rec.Code != http.StatusOK {
		t.Fatalf("list %v: %d %s", pairs, rec.Code, rec.Body)
	}
	var p orderedPage
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if p.NextPageToken != nil && *p.NextPageToken == "" {
		t.Fatalf("empty nextPageToken; the field must be left out on the last page")
	}
	return p
}

func (p orderedPage) ids() []string {
	var out []string
	for _, en := range p.Entries {
		out = append(out, en.ID+"="+strconv.FormatInt(en.Value, 10))
	}
	return out
}

func TestListOrderedEntries(t *testing.T) {
	e, _ := newTestEmulator(t, Options{})
	if rec := do(t, e, request{method: http.MethodGet, target: ord("Top", "global", "", "")}); rec.Body.String() != `{"entries":[]}` {
		t.Errorf("empty list: %s", rec.Body)
	}
	for id, v := range map[string]int64{"a": 5, "b": 3, "c": 5, "d": -1, "e": 10, "f": 3} {
		e.PutOrderedEntry(testUniverse, "Top", "global", id, v)
	}
	asc := []string{"d=-1", "b=3", "f=3", "a=5", "c=5", "e=10"}
	desc := []string{"e=10", "c=5", "a=5", "f=3", "b=3", "d=-1"}
	all := func(pairs ...string) []string {
		var out []string
		p := listOrdered(t, e, "global", pairs...)
		out = append(out, p.ids()...)
		for p.NextPageToken != nil {
			p = listOrdered(t, e, "global", append(pairs, "page_token", *p.NextPageToken)...)
			out = append(out, p.ids()...)
		}
		return out
	}
	tests := map[string]struct {
		params []string
		want   []string
	}{
		"ascending":            {nil, asc},
		"descending":           {[]string{"order_by", "desc"}, desc},
		"ascending by 2":       {[]string{"max_page_size", "2"}, asc},
		"descending by 4":      {[]string{"max_page_size", "4", "order_by", "desc"}, desc},
		"min":                  {[]string{"filter", "entry >= 3"}, asc[1:]},
		"max":                  {[]string{"filter", "entry <= 3"}, asc[:3]},
		"range by 1, desc":     {[]string{"filter", "entry >= 3 && entry <= 5", "max_page_size", "1", "order_by", "desc"}, desc[1:5]},
		"range of one value":   {[]string{"filter", "entry >= 10 && entry <= 10"}, []string{"e=10"}},
		"negative bounds":      {[]string{"filter", "entry <= -1"}, []string{"d=-1"}},
		"size 0 means default": {[]string{"max_page_size", "0"}, asc},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := all(tc.params...); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}

	first := listOrdered(t, e, "global", "max_page_size", "2")
	if first.NextPageToken == nil {
		t.Fatal("no token on a first page of two")
	}
	tok := *first.NextPageToken
	for name, params := range map[string][]string{
		"page size -1":           {"max_page_size", "-1"},
		"page size not a number": {"max_page_size", "ten"},
		"order_by asc":           {"order_by", "asc"},
		"order_by value desc":    {"order_by", "value desc"},
		"bad filter":             {"filter", "entry > 3"},
		"filter bound too big":   {"filter", "entry >= 9223372036854775808"},
		"garbage token":          {"page_token", "garbage"},
		"token, other size":      {"page_token", tok, "max_page_size", "3"},
		"token, other order":     {"page_token", tok, "max_page_size", "2", "order_by", "desc"},
		"token, other filter":    {"page_token", tok, "max_page_size", "2", "filter", "entry >= 0"},
	} {
		t.Run(name, func(t *testing.T) {
			wantOrderedError(t, do(t, e, request{method: http.MethodGet, target: ord("Top", "global", "", "", params...)}), 400, "INVALID_ARGUMENT")
		})
	}
	t.Run("token, other scope", func(t *testing.T) {
		wantOrderedError(t, do(t, e, request{method: http.MethodGet, target: ord("Top", "other", "", "", "page_token", tok, "max_page_size", "2")}), 400, "INVALID_ARGUMENT")
	})

	// The next page starts after the last entry returned, whatever changed
	// in between.
	e.PutOrderedEntry(testUniverse, "Top", "global", "before", -5)
	e.PutOrderedEntry(testUniverse, "Top", "global", "after", 4)
	e.DeleteOrderedEntry(testUniverse, "Top", "global", "b")
	p := listOrdered(t, e, "global", "max_page_size", "2", "page_token", tok)
	if got, want := p.ids(), []string{"f=3", "after=4"}; !reflect.DeepEqual(got, want) {
		t.Errorf("page after changes %v, want %v", got, want)
	}
}

func TestListOrderedPageSizes(t *testing.T) {
	e, _ := newTestEmulator(t, Options{})
	for i := 0; i < 150; i++ {
		e.PutOrderedEntry(testUniverse, "Top", "big", "id"+strconv.Itoa(i), int64(i))
	}
	for _, tc := range []struct {
		size string
		want int
	}{{"", 10}, {"0", 10}, {"1", 1}, {"100", 100}, {"101", 100}, {"5000", 100}} {
		var pairs []string
		if tc.size != "" {
			pairs = []string{"max_page_size", tc.size}
		}
		p := listOrdered(t, e, "big", pairs...)
		if len(p.Entries) != tc.want || p.NextPageToken == nil {
			t.Errorf("max_page_size %q: %d entries, want %d and a token", tc.size, len(p.Entries), tc.want)
		}
	}
}

func TestOrderedAccessors(t *testing.T) {
	e, _ := newTestEmulator(t, Options{})
	if _, ok := e.OrderedEntry(testUniverse, "Top", "global", "a"); ok {
		t.Error("missing entry reported")
	}
	e.PutOrderedEntry(testUniverse, "Top", "global", "a", 7)
	if v, ok := e.OrderedEntry(testUniverse, "Top", "global", "a"); !ok || v != 7 {
		t.Errorf("OrderedEntry = %d, %v", v, ok)
	}
	m := e.OrderedEntries(testUniverse, "Top", "global")
	m["a"] = 100
	if v, _ := e.OrderedEntry(testUniverse, "Top", "global", "a"); v != 7 {
		t.Error("OrderedEntries shares memory with the store")
	}
	if got := e.OrderedEntries(testUniverse, "Top", "nothing"); got == nil || len(got) != 0 {
		t.Errorf("OrderedEntries of an empty scope = %v", got)
	}
	if !e.DeleteOrderedEntry(testUniverse, "Top", "global", "a") || e.DeleteOrderedEntry(testUniverse, "Top", "global", "a") {
		t.Error("DeleteOrderedEntry results wrong")
	}
}
