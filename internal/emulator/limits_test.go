package emulator

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"
)

func TestRateLimit(t *testing.T) {
	e, clock := newTestEmulator(t, Options{RateLimit: 2})
	get := request{method: http.MethodGet, target: std(pathEntry, "datastoreName", "D", "entryKey", "k")}
	for i := 0; i < 2; i++ {
		if rec := do(t, e, get); rec.Code != http.StatusNotFound {
			t.Fatalf("read %d: %d", i, rec.Code)
		}
	}
	rec := do(t, e, get)
	wantStandardError(t, rec, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "TooManyRequests")
	if got := rec.Header().Get("Retry-After"); got != "30" {
		t.Errorf("Retry-After %q, want 30 (one token every 30 s)", got)
	}

	// Other categories and universes have their own budgets.
	for _, r := range []request{
		{method: http.MethodPost, target: std(pathEntry, "datastoreName", "D", "entryKey", "k"), body: "1"},
		{method: http.MethodPost, target: std(pathInc, "datastoreName", "D", "entryKey", "n")},
		{method: http.MethodGet, target: ord("Top", "global", "", "")},
		{method: http.MethodGet, target: stdU(99, pathEntry, "datastoreName", "D", "entryKey", "k")},
	} {
		if rec := do(t, e, r); rec.Code == http.StatusTooManyRequests {
			t.Errorf("%s %s: 429 from another budget", r.method, r.target)
		}
	}
	wantStandardError(t, do(t, e, request{method: http.MethodDelete, target: std(pathEntry, "datastoreName", "D", "entryKey", "k")}), 429, "RESOURCE_EXHAUSTED", "TooManyRequests")

	// Rejected keys spend nothing.
	for i := 0; i < 3; i++ {
		do(t, e, request{method: http.MethodGet, target: stdU(77, ""), header: map[string]string{"x-api-key": "bad"}})
	}
	if rec := do(t, e, request{method: http.MethodGet, target: stdU(77, "")}); rec.Code != http.StatusOK {
		t.Errorf("first good request after 401s: %d", rec.Code)
	}

	clock.Advance(10 * time.Second)
	if rec := do(t, e, get); rec.Code != 429 || rec.Header().Get("Retry-After") != "20" {
		t.Errorf("after 10 s: %d, Retry-After %q, want 429 and 20", rec.Code, rec.Header().Get("Retry-After"))
	}
	clock.Advance(20 * time.Second)
	if rec := do(t, e, get); rec.Code != http.StatusOK {
		t.Errorf("after the refill: %d", rec.Code)
	}
}

func TestRateLimitOrderedAndRounding(t *testing.T) {
	e, _ := newTestEmulator(t, Options{RateLimit: 7})
	var rec *httptest.ResponseRecorder
	for i := 0; i < 8; i++ {
		rec = do(t, e, request{method: http.MethodPost, target: ord("Top", "global", "e", ":increment"), body: `{"amount":1}`})
	}
	wantOrderedError(t, rec, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED")
	// 60/7 s per token is 8.57 s, rounded up.
	if got := rec.Header().Get("Retry-After"); got != "9" {
		t.Errorf("Retry-After %q, want 9", got)
	}
	if v, _ := e.OrderedEntry(testUniverse, "Top", "global", "e"); v != 7 {
		t.Errorf("value %d, want 7: a throttled request was processed", v)
	}
}

func TestInjectedFaults(t *testing.T) {
	e, _ := newTestEmulator(t, Options{Fault429: 1})
	set := request{method: http.MethodPost, target: std(pathEntry, "datastoreName", "D", "entryKey", "k"), body: `1`}

	rec := do(t, e, set)
	wantStandardError(t, rec, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "TooManyRequests")
	if _, ok := rec.Header()["Retry-After"]; ok {
		t.Error("an injected 429 has Retry-After; clients should fall back to their own backoff")
	}
	wantOrderedError(t, do(t, e, request{method: http.MethodGet, target: ord("Top", "global", "", "")}), 429, "RESOURCE_EXHAUSTED")
	// Authentication comes first, and tooling is never faulted.
	wantGatewayError(t, do(t, e, request{method: http.MethodGet, target: std(""), header: map[string]string{"x-api-key": "nope"}}), 401)
	if rec := do(t, e, request{method: http.MethodGet, target: "/_emulator/stats"}); rec.Code != 200 {
		t.Errorf("stats under faults: %d", rec.Code)
	}

	e.SetFaults(Faults{Fault500: 1})
	wantStandardError(t, do(t, e, set), http.StatusInternalServerError, "INTERNAL", "")
	wantOrderedError(t, do(t, e, request{method: http.MethodPost, target: ord("Top", "global", "", "", "id", "a"), body: `{"value":1}`}), 500, "INTERNAL")
	if _, ok := e.Entry(testUniverse, "D", "global", "k"); ok {
		t.Fatal("a faulted request was processed")
	}
	if len(e.OrderedEntries(testUniverse, "Top", "global")) != 0 {
		t.Fatal("a faulted ordered request was processed")
	}

	e.SetFaults(Faults{Fault500AfterWrite: 1})
	wantStandardError(t, do(t, e, set), http.StatusInternalServerError, "INTERNAL", "")
	if ent, ok := e.Entry(testUniverse, "D", "global", "k"); !ok || string(ent.Value) != "1" {
		t.Fatal("500-after-write did not store the write")
	}
	if rec := do(t, e, request{method: http.MethodGet, target: std(pathEntry, "datastoreName", "D", "entryKey", "k")}); rec.Code != 200 {
		t.Errorf("a read under 500-after-write: %d", rec.Code)
	}
	wantStandardError(t, do(t, e, request{method: http.MethodPost, target: std(pathInc, "datastoreName", "D", "entryKey", "k")}), 500, "INTERNAL", "")
	if ent, _ := e.Entry(testUniverse, "D", "global", "k"); string(ent.Value) != "2" {
		t.Errorf("increment under 500-after-write: value %s, want 2", ent.Value)
	}
	// A write that fails on its own keeps its own error.
	wantStandardError(t, do(t, e, request{method: http.MethodPost, target: std(pathEntry, "datastoreName", "D", "entryKey", "k"), body: `nope`}), 400, "INVALID_ARGUMENT", "ContentNotJson")
	wantStandardError(t, do(t, e, request{method: http.MethodDelete, target: std(pathEntry, "datastoreName", "D", "entryKey", "k")}), 500, "INTERNAL", "")
	if _, ok := e.Entry(testUniverse, "D", "global", "k"); ok {
		t.Error("delete under 500-after-write did not delete")
	}
	for _, r := range []request{
		{method: http.MethodPost, target: ord("Top", "global", "", "", "id", "a"), body: `{"value":1}`},
		{method: http.MethodPatch, target: ord("Top", "global", "a", ""), body: `{"value":5}`},
		{method: http.MethodPost, target: ord("Top", "global", "a", ":increment"), body: `{"amount":2}`},
	} {
		wantOrderedError(t, do(t, e, r), 500, "INTERNAL")
	}
	if v, _ := e.OrderedEntry(testUniverse, "Top", "global", "a"); v != 7 {
		t.Errorf("ordered writes under 500-after-write: value %d, want 7", v)
	}
	wantOrderedError(t, do(t, e, request{method: http.MethodDelete, target: ord("Top", "global", "a", "")}), 500, "INTERNAL")
	if _, ok := e.OrderedEntry(testUniverse, "Top", "global", "a"); ok {
		t.Error("ordered delete under 500-after-write did not delete")
	}

	e.SetFaults(Faults{})
	if rec := do(t, e, set); rec.Code != 200 {
		t.Errorf("faults off: %d", rec.Code)
	}
}

func TestFaultsAreRepeatableWithASeed(t *testing.T) {
	run := func(seed int64) []int {
		e, _ := newTestEmulator(t, Options{Fault429: 0.2, Fault500: 0.3, Fault500AfterWrite: 0.5, FaultSeed: seed})
		var codes []int
		for i := 0; i < 60; i++ {
			r := request{method: http.MethodGet, target: std(pathEntry, "datastoreName", "D", "entryKey", "k")}
			if i%2 == 0 {
				r = request{method: http.MethodPost, target: std(pathEntry, "datastoreName", "D", "entryKey", "k"), body: "1"}
			}
			codes = append(codes, do(t, e, r).Code)
		}
		return codes
	}
	a, b := run(42), run(42)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed, different faults:\n%v\n%v", a, b)
	}
	seen := map[int]bool{}
	for _, c := range a {
		seen[c] = true
	}
	for _, want := range []int{200, 404, 429, 500} {
		if !seen[want] {
			t.Errorf("no %d in %v", want, a)
		}
	}
	if reflect.DeepEqual(a, run(43)) {
		t.Error("different seeds gave the same faults")
	}
}

func TestLatency(t *testing.T) {
	e, _ := newTestEmulator(t, Options{Latency: 50 * time.Millisecond})
	start := time.Now()
	do(t, e, request{method: http.MethodGet, target: std("")})
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("answered after %s, before the latency", d)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest(http.MethodGet, std(""), nil).WithContext(ctx)
	req.Header.Set("x-api-key", testKey)
	rec := httptest.NewRecorder()
	start = time.Now()
	e.ServeHTTP(rec, req)
	if d := time.Since(start); d > 40*time.Millisecond || rec.Body.Len() != 0 {
		t.Errorf("a cancelled request waited %s and wrote %q", d, rec.Body)
	}
	if got := e.Stats().Operations["ListDatastores"]; !reflect.DeepEqual(got, map[string]int{"200": 1, "499": 1}) {
		t.Errorf("counts %v", got)
	}
}

func TestStats(t *testing.T) {
	e, _ := newTestEmulator(t, Options{
		APIKeys: []string{testKey},
		Keys:    []Key{{Secret: "reader", Operations: []string{PermReadEntry}}},
	})
	for i := 0; i < 3; i++ {
		setEntry(t, e, "D", "global", "k", "1", nil)
	}
	do(t, e, request{method: http.MethodPost, target: std(pathEntry, "datastoreName", "D", "entryKey", "k", "exclusiveCreate", "true"), body: "1"})
	do(t, e, request{method: http.MethodGet, target: std(pathEntry, "datastoreName", "D", "entryKey", "nope")})
	do(t, e, request{method: http.MethodGet, target: std(pathEntry, "datastoreName", "D", "entryKey", "k"), header: map[string]string{"x-api-key": ""}})
	do(t, e, request{method: http.MethodPost, target: std(pathEntry, "datastoreName", "D", "entryKey", "k"), body: "1", header: map[string]string{"x-api-key": "reader"}})
	do(t, e, request{method: http.MethodGet, target: ord("Top", "global", "", "")})
	do(t, e, request{method: http.MethodGet, target: "/v2/nothing"})
	do(t, e, request{method: http.MethodGet, target: "/_emulator/stats"})

	want := Stats{Total: 9, Operations: map[string]map[string]int{
		"SetEntry":           {"200": 3, "412": 1, "403": 1},
		"GetEntry":           {"404": 1, "401": 1},
		"ListOrderedEntries": {"200": 1},
		"Unknown":            {"404": 1},
	}}
	got := e.Stats()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Stats() = %+v\nwant %+v", got, want)
	}
	rec := do(t, e, request{method: http.MethodGet, target: "/_emulator/stats", header: map[string]string{"x-api-key": ""}})
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("GET /_emulator/stats: %d %v", rec.Code, rec.Header())
	}
	var wire struct {
		Total      int                       `json:"total"`
		Operations map[string]map[string]int `json:"operations"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &wire); err != nil || wire.Total != want.Total || !reflect.DeepEqual(wire.Operations, want.Operations) {
		t.Errorf("/_emulator/stats = %s (%v)", rec.Body, err)
	}

	got.Operations["SetEntry"]["200"] = 100
	got.Operations["Extra"] = map[string]int{}
	if again := e.Stats(); !reflect.DeepEqual(again, want) {
		t.Error("Stats() returned shared maps")
	}
	e.ResetStats()
	if s := e.Stats(); s.Total != 0 || len(s.Operations) != 0 {
		t.Errorf("after ResetStats: %+v", s)
	}
	if rec := do(t, e, request{method: http.MethodPost, target: "/_emulator/stats"}); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /_emulator/stats: %d", rec.Code)
	}
	if rec := do(t, e, request{method: http.MethodGet, target: "/_emulator/other"}); rec.Code != http.StatusNotFound {
		t.Errorf("GET /_emulator/other: %d", rec.Code)
	}
}
