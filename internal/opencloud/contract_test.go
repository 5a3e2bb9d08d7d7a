package opencloud_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/terraform-roblox/terraform-provider-roblox/internal/emulator"
	"github.com/terraform-roblox/terraform-provider-roblox/internal/opencloud"
)

// These tests run the client against the emulator over HTTP. The emulator keeps its own wire
// structs, so a mistake in either side's idea of the wire format shows up here.

const (
	key      = "contract-key"
	universe = int64(31337)
)

func setup(t *testing.T, opts emulator.Options, cfg opencloud.Config) (*opencloud.Client, *emulator.Emulator) {
	t.Helper()
	if len(opts.APIKeys) == 0 && len(opts.Keys) == 0 {
		opts.APIKeys = []string{key}
	}
	emu, err := emulator.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(func() { srv.Close(); _ = emu.Close() })
	cfg.BaseURL = srv.URL
	if cfg.APIKey == "" {
		cfg.APIKey = key
	}
	if cfg.Retry.WaitMin == 0 {
		cfg.Retry.WaitMin = time.Millisecond
	}
	c, err := opencloud.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, emu
}

func ref(k string) opencloud.EntryRef {
	return opencloud.EntryRef{UniverseID: universe, Datastore: "Inventory", Key: k}
}

func TestContractStandardEntries(t *testing.T) {
	t.Parallel()
	c, emu := setup(t, emulator.Options{}, opencloud.Config{})
	ctx := context.Background()
	r := ref("players/1 é@x")

	// Create, exclusively.
	v1, err := c.SetEntry(ctx, opencloud.SetEntryInput{EntryRef: r, Value: []byte(`{"gems": 5}`),
		Attributes: json.RawMessage(`{"tier":"gold"}`), UserIDs: []int64{11, 12}, ExclusiveCreate: true})
	if err != nil {
		t.Fatal(err)
	}
	if v1.Version == "" || v1.Deleted || v1.ContentLength != int64(len(`{"gems": 5}`)) || v1.CreatedTime.IsZero() || v1.ObjectCreatedTime.IsZero() {
		t.Errorf("set answer %+v", v1)
	}
	// A second exclusive create is 412 with the current version.
	_, err = c.SetEntry(ctx, opencloud.SetEntryInput{EntryRef: r, Value: []byte(`1`), ExclusiveCreate: true})
	var apiErr *opencloud.Error
	if !opencloud.IsPreconditionFailed(err) || !errors.As(err, &apiErr) || apiErr.Current == nil || apiErr.Current.Version != v1.Version {
		t.Fatalf("second create: %v (current %+v)", err, apiErr)
	}

	// Get returns the bytes as written, with metadata.
	e, err := c.GetEntry(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if string(e.Value) != `{"gems": 5}` || e.Version != v1.Version || !strings.Contains(string(e.Attributes), `"gold"`) ||
		fmt.Sprint(e.UserIDs) != "[11 12]" || !e.CreatedTime.Equal(v1.ObjectCreatedTime) || !e.VersionCreatedTime.Equal(v1.CreatedTime) {
		t.Errorf("get: %s %+v", e.Value, e.EntryMetadata)
	}

	// matchVersion: stale fails, current succeeds; omitted metadata is cleared.
	if _, err := c.SetEntry(ctx, opencloud.SetEntryInput{EntryRef: r, Value: []byte(`2`), MatchVersion: "stale"}); !opencloud.IsPreconditionFailed(err) {
		t.Fatalf("stale matchVersion: %v", err)
	}
	v2, err := c.SetEntry(ctx, opencloud.SetEntryInput{EntryRef: r, Value: []byte(`7`), MatchVersion: v1.Version})
	if err != nil || v2.Version == v1.Version {
		t.Fatalf("matching write: %v %+v", err, v2)
	}
	if got, _ := emu.Entry(universe, "Inventory", "global", r.Key); got.Attributes != nil && string(got.Attributes) != "{}" || len(got.UserIDs) != 0 {
		t.Errorf("metadata not cleared: %s %v", got.Attributes, got.UserIDs)
	}

	// Increment an integer value, and a missing key starts at the amount.
	inc, err := c.IncrementEntry(ctx, opencloud.IncrementEntryInput{EntryRef: r, IncrementBy: 3, UserIDs: []int64{5}})
	if err != nil || string(inc.Value) != "10" || fmt.Sprint(inc.UserIDs) != "[5]" {
		t.Fatalf("increment: %v %s %v", err, inc.Value, inc.UserIDs)
	}
	inc, err = c.IncrementEntry(ctx, opencloud.IncrementEntryInput{EntryRef: ref("counter"), IncrementBy: -4})
	if err != nil || string(inc.Value) != "-4" {
		t.Fatalf("increment of a missing key: %v %s", err, inc.Value)
	}
	if _, err := c.IncrementEntry(ctx, opencloud.IncrementEntryInput{EntryRef: ref("counter"), IncrementBy: 9223372036854775807}); !errors.Is(err, opencloud.ErrInvalidArgument) {
		// -4 + max int64 fits; do it twice to overflow.
		if _, err := c.IncrementEntry(ctx, opencloud.IncrementEntryInput{EntryRef: ref("counter"), IncrementBy: 9223372036854775807}); !errors.Is(err, opencloud.ErrInvalidArgument) {
			t.Errorf("int64 overflow: %v", err)
		}
	}
	if _, err := c.SetEntry(ctx, opencloud.SetEntryInput{EntryRef: ref("text"), Value: []byte(`"x"`)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.IncrementEntry(ctx, opencloud.IncrementEntryInput{EntryRef: ref("text"), IncrementBy: 1})
	if !errors.As(err, &apiErr) || apiErr.DatastoreErrorCode != "ExistingValueNotNumeric" {
		t.Errorf("increment of a string: %v", err)
	}

	// Versions: listing in both orders, reading an old one.
	vs, err := c.ListEntryVersions(ctx, opencloud.ListEntryVersionsInput{EntryRef: r, Limit: 10})
	if err != nil || len(vs.Versions) != 3 || vs.Versions[0].Version != v1.Version {
		t.Fatalf("versions: %v %+v", err, vs)
	}
	desc, err := c.ListEntryVersions(ctx, opencloud.ListEntryVersionsInput{EntryRef: r, Limit: 10, Descending: true})
	if err != nil || desc.Versions[2].Version != v1.Version {
		t.Fatalf("descending versions: %v %+v", err, desc)
	}
	old, err := c.GetEntryVersion(ctx, r, v1.Version)
	if err != nil || string(old.Value) != `{"gems": 5}` {
		t.Fatalf("get version: %v %s", err, old.Value)
	}
	if _, err := c.GetEntryVersion(ctx, r, "no-such-version"); !opencloud.IsNotFound(err) {
		t.Errorf("unknown version: %v", err)
	}

	// Delete makes a tombstone: Get is 404, versions show it, listing still has the key.
	if err := c.DeleteEntry(ctx, r); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetEntry(ctx, r); !opencloud.IsNotFound(err) {
		t.Errorf("get after delete: %v", err)
	}
	vs, _ = c.ListEntryVersions(ctx, opencloud.ListEntryVersionsInput{EntryRef: r, Limit: 10})
	if n := len(vs.Versions); n != 4 || !vs.Versions[n-1].Deleted {
		t.Errorf("versions after delete: %+v", vs.Versions)
	}
	keys, err := c.ListEntryKeys(ctx, opencloud.ListEntryKeysInput{UniverseID: universe, Datastore: "Inventory", Prefix: "players/", Limit: 10})
	if err != nil || len(keys.Keys) != 1 || keys.Keys[0] != (opencloud.EntryKey{Scope: "global", Key: r.Key}) {
		t.Errorf("listing after delete: %v %+v", err, keys)
	}
	// A matchVersion write on a deleted entry fails: nothing is resurrected by accident.
	if _, err := c.SetEntry(ctx, opencloud.SetEntryInput{EntryRef: r, Value: []byte(`1`), MatchVersion: v2.Version}); !opencloud.IsPreconditionFailed(err) {
		t.Errorf("matchVersion on a tombstone: %v", err)
	}
	// And exclusiveCreate succeeds on it.
	if _, err := c.SetEntry(ctx, opencloud.SetEntryInput{EntryRef: r, Value: []byte(`1`), ExclusiveCreate: true}); err != nil {
		t.Errorf("exclusiveCreate on a tombstone: %v", err)
	}
}

func TestContractListing(t *testing.T) {
	t.Parallel()
	c, emu := setup(t, emulator.Options{}, opencloud.Config{})
	ctx := context.Background()
	for _, scope := range []string{"global", "eu"} {
		for i := range 25 {
			if _, err := emu.PutEntry(universe, "Inventory", scope, fmt.Sprintf("User_%02d", i), []byte("1"), nil, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, ds := range []string{"Inventory", "InventoryV2", "Settings"} {
		if _, err := emu.PutEntry(universe, ds, "global", "x", []byte("1"), nil, nil); err != nil {
			t.Fatal(err)
		}
	}

	// Pages of keys, with an entry added between pages: cursors keep working.
	var got []opencloud.EntryKey
	cursor := ""
	for page := 0; ; page++ {
		out, err := c.ListEntryKeys(ctx, opencloud.ListEntryKeysInput{UniverseID: universe, Datastore: "Inventory", Prefix: "User_", Limit: 10, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, out.Keys...)
		if page == 0 {
			if _, err := emu.PutEntry(universe, "Inventory", "global", "User_99", []byte("1"), nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		if cursor = out.NextPageCursor; cursor == "" {
			break
		}
	}
	if len(got) != 26 || got[0].Key != "User_00" || got[25].Key != "User_99" {
		t.Errorf("listed %d keys: %v", len(got), got)
	}

	all, err := c.ListEntryKeys(ctx, opencloud.ListEntryKeysInput{UniverseID: universe, Datastore: "Inventory", AllScopes: true, Limit: 1000})
	if err != nil || len(all.Keys) != 52 {
		t.Errorf("all scopes: %v, %d keys", err, len(all.Keys))
	}
	_, err = c.ListEntryKeys(ctx, opencloud.ListEntryKeysInput{UniverseID: universe, Datastore: "Inventory", AllScopes: true, Scope: "eu"})
	if !errors.Is(err, opencloud.ErrInvalidArgument) {
		t.Errorf("scope with allScopes: %v", err)
	}
	_, err = c.ListEntryKeys(ctx, opencloud.ListEntryKeysInput{UniverseID: universe, Datastore: "Inventory", Cursor: "not-a-cursor"})
	var apiErr *opencloud.Error
	if !errors.As(err, &apiErr) || apiErr.DatastoreErrorCode != "InvalidCursor" {
		t.Errorf("bad cursor: %v", err)
	}

	stores, err := c.ListDatastores(ctx, opencloud.ListDatastoresInput{UniverseID: universe, Prefix: "Inv", Limit: 1})
	if err != nil || len(stores.Datastores) != 1 || stores.Datastores[0].Name != "Inventory" || stores.NextPageCursor == "" || stores.Datastores[0].CreatedTime.IsZero() {
		t.Fatalf("stores page 1: %v %+v", err, stores)
	}
	stores, err = c.ListDatastores(ctx, opencloud.ListDatastoresInput{UniverseID: universe, Prefix: "Inv", Limit: 1, Cursor: stores.NextPageCursor})
	if err != nil || len(stores.Datastores) != 1 || stores.Datastores[0].Name != "InventoryV2" {
		t.Fatalf("stores page 2: %v %+v", err, stores)
	}
}

func TestContractOrdered(t *testing.T) {
	t.Parallel()
	c, _ := setup(t, emulator.Options{}, opencloud.Config{})
	ctx := context.Background()
	oref := func(k string) opencloud.OrderedRef {
		return opencloud.OrderedRef{UniverseID: universe, Datastore: "Race Times", Scope: "season/1", Key: k}
	}
	for i, k := range []string{"ann", "bob", "c/d", "dee", "eve:increment"} {
		e, err := c.CreateOrderedEntry(ctx, oref(k), int64(i*10))
		if err != nil || e.ID != k || e.Value != int64(i*10) || e.Path == "" {
			t.Fatalf("create %q: %v %+v", k, err, e)
		}
	}
	if _, err := c.CreateOrderedEntry(ctx, oref("ann"), 1); !opencloud.IsAlreadyExists(err) {
		t.Errorf("duplicate create: %v", err)
	}
	if e, err := c.GetOrderedEntry(ctx, oref("c/d")); err != nil || e.Value != 20 {
		t.Errorf("get: %v %+v", err, e)
	}
	if _, err := c.UpdateOrderedEntry(ctx, oref("zed"), 1, false); !opencloud.IsNotFound(err) {
		t.Errorf("update of a missing entry: %v", err)
	}
	if e, err := c.UpdateOrderedEntry(ctx, oref("zed"), 5, true); err != nil || e.Value != 5 {
		t.Errorf("update with allow_missing: %v %+v", err, e)
	}
	if e, err := c.IncrementOrderedEntry(ctx, oref("eve:increment"), 2); err != nil || e.Value != 42 {
		t.Errorf("increment: %v %+v", err, e)
	}
	if _, err := c.IncrementOrderedEntry(ctx, oref("eve:increment"), 9223372036854775807); !errors.Is(err, opencloud.ErrInvalidArgument) {
		t.Errorf("overflow: %v", err)
	}

	// Descending with a range, two per page.
	lo, hi := int64(5), int64(30)
	var ids []string
	token := ""
	for {
		out, err := c.ListOrderedEntries(ctx, opencloud.ListOrderedEntriesInput{UniverseID: universe, Datastore: "Race Times", Scope: "season/1",
			MaxPageSize: 2, PageToken: token, Descending: true, Filter: opencloud.OrderedFilter(&lo, &hi)})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range out.Entries {
			ids = append(ids, fmt.Sprintf("%s=%d", e.ID, e.Value))
		}
		if token = out.NextPageToken; token == "" {
			break
		}
	}
	if got := strings.Join(ids, ","); got != "dee=30,c/d=20,bob=10,zed=5" {
		t.Errorf("ordered listing %s", got)
	}
	// A token reused with other parameters is refused; so is a filter outside the grammar.
	first, _ := c.ListOrderedEntries(ctx, opencloud.ListOrderedEntriesInput{UniverseID: universe, Datastore: "Race Times", Scope: "season/1", MaxPageSize: 1})
	if _, err := c.ListOrderedEntries(ctx, opencloud.ListOrderedEntriesInput{UniverseID: universe, Datastore: "Race Times", Scope: "season/1", MaxPageSize: 1, PageToken: first.NextPageToken, Descending: true}); !errors.Is(err, opencloud.ErrInvalidArgument) {
		t.Errorf("token with other parameters: %v", err)
	}
	if _, err := c.ListOrderedEntries(ctx, opencloud.ListOrderedEntriesInput{UniverseID: universe, Datastore: "Race Times", Scope: "season/1", Filter: "entry>=1"}); !errors.Is(err, opencloud.ErrInvalidArgument) {
		t.Errorf("bad filter: %v", err)
	}

	if err := c.DeleteOrderedEntry(ctx, oref("ann")); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteOrderedEntry(ctx, oref("ann")); err != nil {
		t.Errorf("deleting a missing entry: %v", err)
	}
	if _, err := c.GetOrderedEntry(ctx, oref("ann")); !opencloud.IsNotFound(err) {
		t.Errorf("get after delete: %v", err)
	}
}

func TestContractLimits(t *testing.T) {
	t.Parallel()
	c, _ := setup(t, emulator.Options{}, opencloud.Config{})
	ctx := context.Background()
	long := strings.Repeat("é", 26) // 52 bytes
	tests := map[string]struct {
		in     opencloud.SetEntryInput
		dsCode string
	}{
		"key too long":          {in: opencloud.SetEntryInput{EntryRef: ref(long), Value: []byte("1")}, dsCode: "InvalidEntryKey"},
		"empty key":             {in: opencloud.SetEntryInput{EntryRef: ref(""), Value: []byte("1")}, dsCode: "InvalidEntryKey"},
		"store too long":        {in: opencloud.SetEntryInput{EntryRef: opencloud.EntryRef{UniverseID: universe, Datastore: long, Key: "k"}, Value: []byte("1")}, dsCode: "InvalidDataStoreName"},
		"scope too long":        {in: opencloud.SetEntryInput{EntryRef: opencloud.EntryRef{UniverseID: universe, Datastore: "d", Scope: long, Key: "k"}, Value: []byte("1")}, dsCode: "InvalidDataStoreScope"},
		"value too big":         {in: opencloud.SetEntryInput{EntryRef: ref("k"), Value: []byte(`"` + strings.Repeat("x", 4194303) + `"`)}, dsCode: "ContentTooBig"},
		"not JSON":              {in: opencloud.SetEntryInput{EntryRef: ref("k"), Value: []byte(`{nope`)}, dsCode: "ContentNotJson"},
		"NaN":                   {in: opencloud.SetEntryInput{EntryRef: ref("k"), Value: []byte(`NaN`)}, dsCode: "ContentNotJson"},
		"attributes not object": {in: opencloud.SetEntryInput{EntryRef: ref("k"), Value: []byte("1"), Attributes: json.RawMessage(`[1]`)}, dsCode: "InvalidAttributes"},
		"attributes too big": {in: opencloud.SetEntryInput{EntryRef: ref("k"), Value: []byte("1"),
			Attributes: json.RawMessage(`{"a":"` + strings.Repeat("x", 200) + `","b":"` + strings.Repeat("y", 100) + `"}`)}, dsCode: "InvalidAttributes"},
		"five user ids":    {in: opencloud.SetEntryInput{EntryRef: ref("k"), Value: []byte("1"), UserIDs: []int64{1, 2, 3, 4, 5}}, dsCode: "InvalidUserIds"},
		"negative user id": {in: opencloud.SetEntryInput{EntryRef: ref("k"), Value: []byte("1"), UserIDs: []int64{-3}}, dsCode: "InvalidUserIds"},
		"both conditions": {in: opencloud.SetEntryInput{EntryRef: ref("k"), Value: []byte("1"), MatchVersion: "v", ExclusiveCreate: true},
			dsCode: "ExclusiveCreateAndMatchVersionCannotBeSet"},
		"bad universe": {in: opencloud.SetEntryInput{EntryRef: opencloud.EntryRef{UniverseID: -1, Datastore: "d", Key: "k"}, Value: []byte("1")}, dsCode: "InvalidUniverseId"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := c.SetEntry(ctx, tc.in)
			var apiErr *opencloud.Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.DatastoreErrorCode != tc.dsCode {
				t.Errorf("got %v, want 400 %s", err, tc.dsCode)
			}
		})
	}
	// The largest value allowed is accepted.
	if _, err := c.SetEntry(ctx, opencloud.SetEntryInput{EntryRef: ref("max"), Value: []byte(`"` + strings.Repeat("x", 4194302) + `"`)}); err != nil {
		t.Errorf("a 4,194,304-byte value: %v", err)
	}
	if _, err := c.CreateOrderedEntry(ctx, opencloud.OrderedRef{UniverseID: universe, Datastore: "d", Key: long}, 1); !errors.Is(err, opencloud.ErrInvalidArgument) {
		t.Errorf("ordered key too long: %v", err)
	}
}

func TestContractAuth(t *testing.T) {
	t.Parallel()
	opts := emulator.Options{Keys: []emulator.Key{
		{Secret: "support", UniverseID: universe, Operations: []string{"universe-datastores.objects:read", "universe-datastores.objects:update"}},
		{Secret: "inventory-only", UniverseID: universe, Datastores: []string{"Inventory"}},
		{Secret: "expired", ExpiresAt: time.Now().Add(-time.Hour)},
		{Secret: "leaderboard-reader", UniverseID: universe, Operations: []string{"universe.ordered-data-store.scope.entry:read"}},
		{Secret: "admin"},
	}}
	_, emu := setup(t, opts, opencloud.Config{APIKey: "admin"})
	if _, err := emu.PutEntry(universe, "Inventory", "global", "User_1", []byte(`{"gems":1}`), nil, nil); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	client := func(k string) *opencloud.Client {
		c, err := opencloud.New(opencloud.Config{BaseURL: srv.URL, APIKey: k})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ctx := context.Background()
	set := func(c *opencloud.Client, ds, k string) error {
		_, err := c.SetEntry(ctx, opencloud.SetEntryInput{EntryRef: opencloud.EntryRef{UniverseID: universe, Datastore: ds, Key: k}, Value: []byte("2")})
		return err
	}
	tests := map[string]struct {
		err  error
		want error
	}{
		"support key updates an existing entry": {err: set(client("support"), "Inventory", "User_1")},
		"support key cannot create":             {err: set(client("support"), "Inventory", "User_2"), want: opencloud.ErrForbidden},
		"support key cannot delete":             {err: client("support").DeleteEntry(ctx, ref("User_1")), want: opencloud.ErrForbidden},
		"store restriction":                     {err: set(client("inventory-only"), "Settings", "x"), want: opencloud.ErrForbidden},
		"store restriction allows its store":    {err: set(client("inventory-only"), "Inventory", "User_3")},
		"expired key":                           {err: set(client("expired"), "Inventory", "User_1"), want: opencloud.ErrUnauthorized},
		"unknown key":                           {err: set(client("nobody"), "Inventory", "User_1"), want: opencloud.ErrUnauthorized},
		"ordered reader cannot write": {err: func() error {
			_, err := client("leaderboard-reader").CreateOrderedEntry(ctx, opencloud.OrderedRef{UniverseID: universe, Datastore: "L", Key: "k"}, 1)
			return err
		}(), want: opencloud.ErrForbidden},
		"ordered reader cannot read standard": {err: func() error { _, err := client("leaderboard-reader").GetEntry(ctx, ref("User_1")); return err }(), want: opencloud.ErrForbidden},
	}
	for name, tc := range tests {
		if tc.want == nil && tc.err != nil || tc.want != nil && !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: got %v, want %v", name, tc.err, tc.want)
		}
		if tc.err != nil && (strings.Contains(tc.err.Error(), "support") && strings.Contains(tc.err.Error(), "x-api-key")) {
			t.Errorf("%s: error mentions the key: %v", name, tc.err)
		}
	}
}

// TestLimiterKeepsBurstUnderBudget sends a burst bigger than the emulator's per-minute budget from
// many goroutines: with the client's limiter set to the same budget, nothing is answered 429.
// Without the limiter the same burst is throttled, which shows the test can fail.
func TestLimiterKeepsBurstUnderBudget(t *testing.T) {
	t.Parallel()
	const budget = 600 // per minute: 10 per second
	run := func(limits opencloud.RateLimits, burst int) (rejected int, took time.Duration) {
		c, emu := setup(t, emulator.Options{RateLimit: budget}, opencloud.Config{RateLimits: limits, Retry: opencloud.RetryConfig{Disabled: true}})
		// The service's bucket has been filling long before a client starts; the emulator's starts
		// with the first request. Start it first, as in real life, so the client's budget is
		// compared with a bucket that is at least as old as its own.
		if _, err := emu.PutEntry(universe, "Inventory", "global", "warm", []byte("1"), nil, nil); err != nil {
			t.Fatal(err)
		}
		warm := httptest.NewServer(emu)
		defer warm.Close()
		unlimited, _ := opencloud.New(opencloud.Config{BaseURL: warm.URL, APIKey: key, RateLimits: opencloud.RateLimits{StandardRead: -1}})
		if _, err := unlimited.GetEntry(context.Background(), ref("warm")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		emu.ResetStats()
		start := time.Now()
		var wg sync.WaitGroup
		for i := range burst {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _ = c.GetEntry(context.Background(), ref(fmt.Sprint("k", i)))
			}()
		}
		wg.Wait()
		return emu.Stats().Operations["GetEntry"]["429"], time.Since(start)
	}
	// The client cannot know when the service's bucket started filling, so its own budget keeps a
	// small margin below the service's.
	limited := opencloud.RateLimits{StandardRead: budget - 10, Burst: budget - 10}
	if n, took := run(limited, budget+30); n != 0 || took < 3*time.Second {
		t.Errorf("with the limiter: %d requests answered 429 in %v; want 0, spread over about 4s", n, took)
	}
	if n, _ := run(opencloud.RateLimits{StandardRead: -1}, 2*budget); n == 0 {
		t.Error("without the limiter the burst was not throttled: the budget in this test is too loose to prove anything")
	}
}

// TestRetriesRecoverFromFaults writes and reads through an emulator that answers 429 and 500 at
// random: every call succeeds, and no write lands twice.
func TestRetriesRecoverFromFaults(t *testing.T) {
	t.Parallel()
	c, emu := setup(t, emulator.Options{Fault429: 0.25, Fault500: 0.25, FaultSeed: 3}, opencloud.Config{Retry: opencloud.RetryConfig{MaxRetries: 15, WaitMin: time.Millisecond, WaitMax: 5 * time.Millisecond}})
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := ref(fmt.Sprint("fault/", i))
			if _, err := c.SetEntry(ctx, opencloud.SetEntryInput{EntryRef: r, Value: []byte(fmt.Sprint(i)), ExclusiveCreate: true}); err != nil {
				errs <- err
				return
			}
			if e, err := c.GetEntry(ctx, r); err != nil || string(e.Value) != fmt.Sprint(i) {
				errs <- fmt.Errorf("read back %v %v", e, err)
			}
			if _, err := c.IncrementOrderedEntry(ctx, opencloud.OrderedRef{UniverseID: universe, Datastore: "d", Key: "total"}, 1); err != nil && !errors.Is(err, opencloud.ErrServer) {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st := emu.Stats().Operations
	if st["SetEntry"]["429"]+st["SetEntry"]["500"] == 0 {
		t.Fatal("no faults were injected")
	}
	if n := st["SetEntry"]["200"]; n != 40 {
		t.Errorf("%d successful writes for 40 entries", n)
	}
	// Increments that failed with a 500 are not repeated: the total counts each landed one once.
	total, _ := emu.OrderedEntry(universe, "d", "global", "total")
	if landed := int64(st["IncrementOrderedEntry"]["200"]); total != landed {
		t.Errorf("ordered total %d, but %d increments were answered 200", total, landed)
	}
}
