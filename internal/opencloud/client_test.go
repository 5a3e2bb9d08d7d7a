package opencloud

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const fakeKey = "secret-key-do-not-log"

// fakeServer answers every request with handler and counts attempts.
func fakeServer(t *testing.T, handler http.HandlerFunc) (*Client, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		handler(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{
		BaseURL:   srv.URL,
		APIKey:    fakeKey,
		UserAgent: "test-agent/1.0",
		Retry:     RetryConfig{MaxRetries: 3, WaitMin: time.Millisecond, WaitMax: 20 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, &n
}

var testRef = EntryRef{UniverseID: 7, Datastore: "Inventory", Key: "User_1"}

func TestErrorShapes(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		status   int
		body     string
		header   map[string]string
		sentinel error
		code     string
		dsCode   string
		message  string
		retry    time.Duration
	}{
		"gateway": {
			status: 401, body: `{"errors":[{"code":0,"message":"Invalid API Key"}]}`,
			sentinel: ErrUnauthorized, message: "Invalid API Key",
		},
		"v1 data store": {
			status: 400,
			body: `{"error":"INVALID_ARGUMENT","message":"Invalid entry key.","errorDetails":[` +
				`{"errorDetailType":"DatastoreErrorInfo","datastoreErrorCode":"InvalidEntryKey"}]}`,
			sentinel: ErrInvalidArgument, code: "INVALID_ARGUMENT", dsCode: "InvalidEntryKey", message: "Invalid entry key.",
		},
		"code and message": {
			status: 403, body: `{"code":"PERMISSION_DENIED","message":"Insufficient scope."}`,
			sentinel: ErrForbidden, code: "PERMISSION_DENIED", message: "Insufficient scope.",
		},
		"not found": {
			status: 404, body: `{"error":"NOT_FOUND","message":"Entry not found.","errorDetails":[{"errorDetailType":"DatastoreErrorInfo","datastoreErrorCode":"EntryNotFound"}]}`,
			sentinel: ErrNotFound, code: "NOT_FOUND", dsCode: "EntryNotFound", message: "Entry not found.",
		},
		"html from a proxy": {
			status: 409, body: `<html>` + strings.Repeat("x", 1000) + `</html>`,
			sentinel: ErrConflict, message: "Conflict",
		},
		"empty body": {status: 400, body: ``, sentinel: ErrInvalidArgument, message: "Bad Request"},
		"already exists": {
			status: 400, body: `{"code":"INVALID_ARGUMENT","message":"Entry already exists."}`,
			sentinel: ErrAlreadyExists, code: "INVALID_ARGUMENT", message: "Entry already exists.",
		},
		"retry-after on a final 429": {
			status: 429, body: `{"errors":[{"code":0,"message":"Too many requests"}]}`,
			header: map[string]string{"Retry-After": "0"}, sentinel: ErrRateLimited, message: "Too many requests",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, _ := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			})
			_, err := c.GetEntry(context.Background(), testRef)
			var apiErr *Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v is not an *Error", err)
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.sentinel)
			}
			if apiErr.StatusCode != tc.status || apiErr.Code != tc.code || apiErr.DatastoreErrorCode != tc.dsCode || apiErr.Message != tc.message {
				t.Errorf("got status %d code %q ds %q message %q", apiErr.StatusCode, apiErr.Code, apiErr.DatastoreErrorCode, apiErr.Message)
			}
			if strings.Contains(err.Error(), fakeKey) || strings.Contains(err.Error(), "<html>") {
				t.Errorf("error leaks the key or the raw body: %v", err)
			}
		})
	}
}

func TestGetEntryHeaders(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		header     map[string]string
		body       string
		wantAttrs  string
		wantIDs    []int64
		wantErr    error
		wantStatus int
	}{
		"all headers": {
			header: map[string]string{
				"roblox-entry-version":              "08D9E6A3F2188CFF.0000000001.08D9E6A3F2188CFF.01",
				"roblox-entry-created-time":         "2022-02-02T23:30:06.5388799+00:00",
				"roblox-entry-version-created-time": "2022-02-02T23:30:06.5388799+00:00",
				"roblox-entry-attributes":           `{ "myAttribute": "myValue" }`,
				"roblox-entry-userids":              `[1, 2, 3]`,
			},
			body: `{"gems":5}`, wantAttrs: `{ "myAttribute": "myValue" }`, wantIDs: []int64{1, 2, 3},
		},
		"optional headers missing": {
			header: map[string]string{"roblox-entry-version": "v1"}, body: `1`,
		},
		"comma separated user ids": {
			header: map[string]string{"roblox-entry-userids": "4,5"}, body: `1`, wantIDs: []int64{4, 5},
		},
		"checksum mismatch": {
			header: map[string]string{"content-md5": contentMD5([]byte("other"))}, body: `1`, wantErr: ErrChecksumMismatch,
		},
		"deleted answered 204": {body: ``, wantStatus: http.StatusNoContent, wantErr: ErrNotFound},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, _ := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				if w.Header().Get("content-md5") == "" && tc.body != "" {
					w.Header().Set("content-md5", contentMD5([]byte(tc.body)))
				}
				if tc.wantStatus != 0 {
					w.WriteHeader(tc.wantStatus)
				}
				_, _ = io.WriteString(w, tc.body)
			})
			e, err := c.GetEntry(context.Background(), testRef)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("got %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(e.Value) != tc.body || string(e.Attributes) != tc.wantAttrs || !equalIDs(e.UserIDs, tc.wantIDs) {
				t.Errorf("got value %s attrs %s ids %v", e.Value, e.Attributes, e.UserIDs)
			}
		})
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSetEntrySendsChecksumAndMetadata(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		in        SetEntryInput
		wantAttrs string
		wantIDs   string
		wantQuery string
	}{
		"metadata omitted is sent empty": {
			in:        SetEntryInput{EntryRef: testRef, Value: []byte(`{"a":1}`)},
			wantAttrs: "{}", wantIDs: "[]", wantQuery: "datastoreName=Inventory&entryKey=User_1&scope=global",
		},
		"metadata and conditions": {
			in:        SetEntryInput{EntryRef: testRef, Value: []byte(`2`), Attributes: []byte(`{"k":"v"}`), UserIDs: []int64{9, 10}, MatchVersion: "v 1"},
			wantAttrs: `{"k":"v"}`, wantIDs: "[9,10]", wantQuery: "datastoreName=Inventory&entryKey=User_1&matchVersion=v%201&scope=global",
		},
		"exclusive create": {
			in:        SetEntryInput{EntryRef: testRef, Value: []byte(`3`), ExclusiveCreate: true},
			wantAttrs: "{}", wantIDs: "[]", wantQuery: "datastoreName=Inventory&entryKey=User_1&exclusiveCreate=true&scope=global",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, _ := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				switch {
				case r.Header.Get("content-md5") != contentMD5(body):
					t.Errorf("content-md5 %q does not match body %q", r.Header.Get("content-md5"), body)
				case r.Header.Get("roblox-entry-attributes") != tc.wantAttrs:
					t.Errorf("attributes header %q, want %q", r.Header.Get("roblox-entry-attributes"), tc.wantAttrs)
				case r.Header.Get("roblox-entry-userids") != tc.wantIDs:
					t.Errorf("userids header %q, want %q", r.Header.Get("roblox-entry-userids"), tc.wantIDs)
				case r.URL.RawQuery != tc.wantQuery:
					t.Errorf("query %q, want %q", r.URL.RawQuery, tc.wantQuery)
				case r.Header.Get("x-api-key") != fakeKey || r.Header.Get("User-Agent") != "test-agent/1.0":
					t.Errorf("key or user agent missing")
				case r.Header.Get("Content-Type") != "application/json" || r.ContentLength != int64(len(body)):
					t.Errorf("content type %q length %d", r.Header.Get("Content-Type"), r.ContentLength)
				}
				_, _ = io.WriteString(w, `{"version":"v2","deleted":false,"contentLength":7,"createdTime":"2026-01-02T03:04:05Z","objectCreatedTime":"2026-01-01T00:00:00Z"}`)
			})
			v, err := c.SetEntry(context.Background(), tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if v.Version != "v2" || v.ObjectCreatedTime.Year() != 2026 || v.ContentLength != 7 {
				t.Errorf("got %+v", v)
			}
		})
	}
}

func TestPreconditionFailedCarriesCurrentVersion(t *testing.T) {
	t.Parallel()
	c, _ := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("roblox-entry-version", "current-v")
		w.Header().Set("roblox-entry-userids", "[3]")
		w.WriteHeader(http.StatusPreconditionFailed)
		_, _ = io.WriteString(w, `{"error":"FAILED_PRECONDITION","message":"Version mismatch."}`)
	})
	_, err := c.SetEntry(context.Background(), SetEntryInput{EntryRef: testRef, Value: []byte(`1`), MatchVersion: "old"})
	var apiErr *Error
	if !IsPreconditionFailed(err) || !errors.As(err, &apiErr) {
		t.Fatalf("got %v, want a 412 *Error", err)
	}
	if apiErr.Current == nil || apiErr.Current.Version != "current-v" || !equalIDs(apiErr.Current.UserIDs, []int64{3}) {
		t.Errorf("current metadata = %+v", apiErr.Current)
	}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		status []int // answers in order; the last repeats
		call   func(*Client) error
		want   int64 // attempts
		ok     bool
	}{
		"read retried after 500 and 503": {
			status: []int{500, 503, 200}, want: 3, ok: true,
			call: func(c *Client) error {
				_, err := c.ListDatastores(context.Background(), ListDatastoresInput{UniverseID: 1})
				return err
			},
		},
		"conditional write retried after 502": {
			status: []int{502, 200}, want: 2, ok: true,
			call: func(c *Client) error {
				_, err := c.SetEntry(context.Background(), SetEntryInput{EntryRef: testRef, Value: []byte("1"), ExclusiveCreate: true})
				return err
			},
		},
		"increment not repeated after a 500": {
			status: []int{500, 200}, want: 1, ok: false,
			call: func(c *Client) error {
				_, err := c.IncrementEntry(context.Background(), IncrementEntryInput{EntryRef: testRef, IncrementBy: 1})
				return err
			},
		},
		"ordered increment retried after 429": {
			status: []int{429, 429, 200}, want: 3, ok: true,
			call: func(c *Client) error {
				_, err := c.IncrementOrderedEntry(context.Background(), OrderedRef{UniverseID: 1, Datastore: "d", Key: "k"}, 1)
				return err
			},
		},
		"gives up after max retries": {
			status: []int{503}, want: 4, ok: false,
			call: func(c *Client) error {
				_, err := c.GetOrderedEntry(context.Background(), OrderedRef{UniverseID: 1, Datastore: "d", Key: "k"})
				return err
			},
		},
		"client errors are not retried": {
			status: []int{400, 200}, want: 1, ok: false,
			call: func(c *Client) error { return c.DeleteEntry(context.Background(), testRef) },
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int64
			c, n := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
				i := int(calls.Add(1)) - 1
				status := tc.status[min(i, len(tc.status)-1)]
				w.WriteHeader(status)
				switch {
				case status != 200:
					_, _ = io.WriteString(w, `{"code":"X","message":"m"}`)
				case strings.Contains(r.URL.Path, "ordered"):
					_, _ = io.WriteString(w, `{"path":"p","id":"k","value":1}`)
				case strings.Contains(r.URL.Path, "increment"):
					_, _ = io.WriteString(w, `1`)
				default:
					_, _ = io.WriteString(w, `{"version":"v"}`)
				}
			})
			err := tc.call(c)
			if (err == nil) != tc.ok {
				t.Errorf("error = %v, want ok=%v", err, tc.ok)
			}
			if got := n.Load(); got != tc.want {
				t.Errorf("attempts = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestRetryHonoursServiceWait(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		header  string
		value   string
		minWait time.Duration
	}{
		"Retry-After seconds":      {header: "Retry-After", value: "1", minWait: time.Second},
		"x-ratelimit-reset":        {header: "x-ratelimit-reset", value: "0.3", minWait: 300 * time.Millisecond},
		"Retry-After as HTTP date": {header: "Retry-After", value: "DATE", minWait: 500 * time.Millisecond},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int64
			var srvURL string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) == 1 {
					v := tc.value
					if v == "DATE" {
						// HTTP dates have whole seconds: ask for the next second but one.
						v = time.Now().Add(1500 * time.Millisecond).UTC().Format(http.TimeFormat)
					}
					w.Header().Set(tc.header, v)
					w.WriteHeader(http.StatusTooManyRequests)
					return
				}
				_, _ = io.WriteString(w, `{"datastores":[]}`)
			}))
			defer srv.Close()
			srvURL = srv.URL
			c, err := New(Config{BaseURL: srvURL, APIKey: fakeKey, Retry: RetryConfig{WaitMin: time.Millisecond, WaitMax: 5 * time.Second}})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if _, err := c.ListDatastores(context.Background(), ListDatastoresInput{UniverseID: 1}); err != nil {
				t.Fatal(err)
			}
			if waited := time.Since(start); waited < tc.minWait {
				t.Errorf("waited %v, want at least %v", waited, tc.minWait)
			}
		})
	}
}

func TestNoRetryPastDeadline(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		"cancelled during backoff": {
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(100*time.Millisecond, cancel)
				return ctx, cancel
			},
			want: context.Canceled,
		},
		"deadline before the next attempt": {
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 300*time.Millisecond)
			},
			want: ErrServer, // the last answer, returned at once instead of waiting past the deadline
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusServiceUnavailable)
			}))
			defer srv.Close()
			c, err := New(Config{BaseURL: srv.URL, APIKey: fakeKey, Retry: RetryConfig{WaitMin: 10 * time.Second, WaitMax: 20 * time.Second}})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := tc.ctx()
			defer cancel()
			start := time.Now()
			_, err = c.GetEntry(ctx, testRef)
			if !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("returned after %v; it waited past the context", d)
			}
		})
	}
}

func TestConnectionErrors(t *testing.T) {
	t.Parallel()
	// A closed port: the dial is refused, so even an increment may be retried; it still fails.
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	c, err := New(Config{BaseURL: base, APIKey: fakeKey, Retry: RetryConfig{MaxRetries: 2, WaitMin: time.Millisecond, WaitMax: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.IncrementEntry(context.Background(), IncrementEntryInput{EntryRef: testRef, IncrementBy: 1})
	if err == nil || strings.Contains(err.Error(), fakeKey) {
		t.Fatalf("got %v", err)
	}
	if !retryable(repeatNever, nil, &netDialError) {
		t.Error("a refused dial should be retryable even for increments")
	}
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	tests := map[string]Config{
		"no key":       {BaseURL: "https://apis.roblox.com"},
		"relative url": {APIKey: "k", BaseURL: "apis.roblox.com"},
		"bad scheme":   {APIKey: "k", BaseURL: "ftp://apis.roblox.com"},
	}
	for name, cfg := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := New(cfg); err == nil {
				t.Error("New accepted an invalid config")
			}
		})
	}
}

func TestOrderedFilter(t *testing.T) {
	t.Parallel()
	one, two := int64(1), int64(-2)
	tests := map[string]struct {
		min, max *int64
		want     string
	}{
		"none":  {want: ""},
		"min":   {min: &one, want: "entry >= 1"},
		"max":   {max: &two, want: "entry <= -2"},
		"range": {min: &two, max: &one, want: "entry >= -2 && entry <= 1"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := OrderedFilter(tc.min, tc.max); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
