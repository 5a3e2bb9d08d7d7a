package emulator

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testKey      = "test-secret-key"
	testUniverse = 1234
)

// fakeClock is a settable clock, so that times, version ids, expiry and rate
// limits are deterministic.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 4, 5, 6, 7, 123456700, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newTestEmulator returns an emulator with the full-access testKey (unless
// opts has keys) and a fake clock (unless opts has one).
func newTestEmulator(t *testing.T, opts Options) (*Emulator, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	if len(opts.APIKeys) == 0 && len(opts.Keys) == 0 {
		opts.APIKeys = []string{testKey}
	}
	e, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	return e, clock
}

// request is one raw HTTP request to the handler.
type request struct {
	method string
	target string
	body   string
	// header holds extra headers; "x-api-key" defaults to testKey and an
	// empty value removes it.
	header map[string]string
	remote string
}

func do(t *testing.T, h http.Handler, r request) *httptest.ResponseRecorder {
	t.Helper()
	var body *strings.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	var req *http.Request
	if body != nil {
		req = httptest.NewRequest(r.method, r.target, body)
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(r.method, r.target, nil)
	}
	req.Header.Set("x-api-key", testKey)
	for k, v := range r.header {
		if v == "" {
			req.Header.Del(k)
			continue
		}
		req.Header.Set(k, v)
	}
	if r.remote != "" {
		req.RemoteAddr = r.remote
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// std builds a standard data store URL of testUniverse from a path suffix
// and query pairs.
func std(suffix string, pairs ...string) string {
	return stdU(testUniverse, suffix, pairs...)
}

func stdU(universe any, suffix string, pairs ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		q.Add(pairs[i], pairs[i+1])
	}
	u := "/datastores/v1/universes/" + toString(universe) + "/standard-datastores" + suffix
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

func toString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

const (
	pathEntry    = "/datastore/entries/entry"
	pathEntries  = "/datastore/entries"
	pathInc      = "/datastore/entries/entry/increment"
	pathVersions = "/datastore/entries/entry/versions"
	pathVersion  = "/datastore/entries/entry/versions/version"
)

// ord builds an ordered data store URL of testUniverse; entry is escaped as
// a path segment and suffix (such as ":increment") appended as is.
func ord(store, scope, entry, suffix string, pairs ...string) string {
	u := "/ordered-data-stores/v1/universes/" + toString(testUniverse) + "/orderedDataStores/" +
		url.PathEscape(store) + "/scopes/" + url.PathEscape(scope) + "/entries"
	if entry != "" {
		u += "/" + url.PathEscape(entry)
	}
	u += suffix
	q := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		q.Add(pairs[i], pairs[i+1])
	}
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// setEntry writes an entry through the API and fails the test unless it is
// answered 200.
func setEntry(t *testing.T, h http.Handler, store, scope, key, value string, header map[string]string) map[string]any {
	t.Helper()
	rec := do(t, h, request{method: http.MethodPost, target: std(pathEntry, "datastoreName", store, "scope", scope, "entryKey", key), body: value, header: header})
	if rec.Code != http.StatusOK {
		t.Fatalf("SetEntry %s/%s/%s: status %d, body %s", store, scope, key, rec.Code, rec.Body)
	}
	return decodeObject(t, rec.Body.Bytes())
}

func decodeObject(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", b, err)
	}
	return m
}

func keysOf(m map[string]any) []string {
	return slices.Sorted(maps.Keys(m))
}

// wantStandardError checks a v1 standard data store error: its status, the
// exact field set, the error name and the datastoreErrorCode ("" for none).
func wantStandardError(t *testing.T, rec *httptest.ResponseRecorder, status int, name, code string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	m := decodeObject(t, rec.Body.Bytes())
	wantFields := []string{"error", "message"}
	if code != "" {
		wantFields = []string{"error", "errorDetails", "message"}
	}
	if got := keysOf(m); !reflect.DeepEqual(got, wantFields) {
		t.Fatalf("error fields %v, want %v; body %s", got, wantFields, rec.Body)
	}
	if m["error"] != name {
		t.Errorf("error %v, want %s", m["error"], name)
	}
	if msg, _ := m["message"].(string); msg == "" {
		t.Errorf("empty message")
	}
	if code != "" {
		details, _ := m["errorDetails"].([]any)
		if len(details) != 1 {
			t.Fatalf("errorDetails %v, want one", m["errorDetails"])
		}
		want := map[string]any{"errorDetailType": "DatastoreErrorInfo", "datastoreErrorCode": code}
		if !reflect.DeepEqual(details[0], want) {
			t.Errorf("errorDetails[0] %v, want %v", details[0], want)
		}
	}
}

// wantOrderedError checks an ordered data store error.
func wantOrderedError(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) map[string]any {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	m := decodeObject(t, rec.Body.Bytes())
	if got := keysOf(m); !reflect.DeepEqual(got, []string{"code", "message"}) {
		t.Fatalf("error fields %v, want [code message]; body %s", got, rec.Body)
	}
	if m["code"] != code {
		t.Errorf("code %v, want %s", m["code"], code)
	}
	if msg, _ := m["message"].(string); msg == "" {
		t.Errorf("empty message")
	}
	return m
}

// wantGatewayError checks the API gateway's error shape.
func wantGatewayError(t *testing.T, rec *httptest.ResponseRecorder, status int) string {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	var body struct {
		Errors []struct {
			Code    *int    `json:"code"`
			Message *string `json:"message"`
		} `json:"errors"`
	}
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		t.Fatalf("gateway error body %s: %v", rec.Body, err)
	}
	if len(body.Errors) != 1 || body.Errors[0].Code == nil || *body.Errors[0].Code != 0 || body.Errors[0].Message == nil {
		t.Fatalf("gateway error body %s, want one error with code 0 and a message", rec.Body)
	}
	return *body.Errors[0].Message
}
