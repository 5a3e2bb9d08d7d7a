package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-roblox/terraform-provider-roblox/internal/emulator"
)

func TestAccDatastoreEntriesDataSource_pagination(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	// More keys than two full pages, so the listing needs three pages and a limit can cut inside one.
	keys := make([]string, 250)
	for i := range keys {
		keys[i] = fmt.Sprintf("Player_%03d", i)
		mustPutEntry(t, env, "Profiles", "global", keys[i], `{}`)
	}
	mustPutEntry(t, env, "Profiles", "beta", "Player_999", `{}`)
	mustPutEntry(t, env, "Other", "global", "Player_998", `{}`)

	const addr = "data.roblox_datastore_entries.test"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig() + `
data "roblox_datastore_entries" "test" {
  datastore_name = "Profiles"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("universe_id"), knownvalue.Int64Exact(testUniverse)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("scope"), knownvalue.StringExact("global")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("entries"), entryKeyList("global", keys...)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("entries").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"scope":      knownvalue.StringExact("global"),
						"key":        knownvalue.StringExact("Player_000"),
						"value":      knownvalue.Null(),
						"version":    knownvalue.Null(),
						"attributes": knownvalue.Null(),
						"user_ids":   knownvalue.Null(),
					})),
				},
			},
			{
				Config: env.providerConfig() + `
data "roblox_datastore_entries" "test" {
  datastore_name = "Profiles"
  limit          = 130
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("entries"), entryKeyList("global", keys[:130]...)),
				},
			},
		},
	})
}

func TestAccDatastoreEntriesDataSource_filters(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	for _, e := range []struct{ scope, key string }{
		{"global", "Config_A"}, {"global", "Config_B"}, {"global", "User_1"},
		{"beta", "Config_C"}, {"beta", "User_2"}, {"alpha", "User_3"},
	} {
		mustPutEntry(t, env, "Live", e.scope, e.key, `true`)
	}

	// One data source per case in a single configuration: each Terraform run costs more than the reads.
	cases := []struct {
		name, args string
		want       knownvalue.Check
	}{
		{"prefixed", `prefix = "Config_"`, entryKeyList("global", "Config_A", "Config_B")},
		{"scoped", `scope = "beta"`, entryKeyList("beta", "Config_C", "User_2")},
		{"all_scopes", "all_scopes = true\nprefix = \"User_\"", knownvalue.ListExact([]knownvalue.Check{
			entryKey("alpha", "User_3"), entryKey("beta", "User_2"), entryKey("global", "User_1"),
		})},
		{"none", `prefix = "Nothing"`, knownvalue.ListExact([]knownvalue.Check{})},
	}
	config := env.providerConfig()
	var checks []statecheck.StateCheck
	for _, c := range cases {
		config += fmt.Sprintf("data \"roblox_datastore_entries\" %q {\ndatastore_name = \"Live\"\n%s\n}\n", c.name, c.args)
		checks = append(checks, statecheck.ExpectKnownValue("data.roblox_datastore_entries."+c.name, tfjsonpath.New("entries"), c.want))
	}
	checks = append(checks, statecheck.ExpectKnownValue("data.roblox_datastore_entries.all_scopes", tfjsonpath.New("scope"), knownvalue.Null()))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

func TestAccDatastoreEntriesDataSource_values(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	const entries = 10
	var want []knownvalue.Check
	for i := range entries {
		key := fmt.Sprintf("Item_%02d", i)
		value := fmt.Sprintf(`{"price": %d}`, i*10)
		e, err := env.emu.PutEntry(testUniverse, "Shop", "global", key, []byte(value), []byte(`{"tier":"gold"}`), []int64{int64(100 + i)})
		if err != nil {
			t.Fatalf("seeding %s: %v", key, err)
		}
		want = append(want, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"scope":      knownvalue.StringExact("global"),
			"key":        knownvalue.StringExact(key),
			"value":      knownvalue.StringExact(value),
			"version":    knownvalue.StringExact(e.Version),
			"attributes": knownvalue.StringExact(`{"tier":"gold"}`),
			"user_ids":   knownvalue.SetExact([]knownvalue.Check{knownvalue.Int64Exact(int64(100 + i))}),
		}))
	}
	// The listing keeps showing a deleted key; the data source must leave it out.
	mustPutEntry(t, env, "Shop", "global", "Item_05a", `1`)
	env.emu.DeleteEntry(testUniverse, "Shop", "global", "Item_05a")

	const addr = "data.roblox_datastore_entries.test"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			PreConfig: env.emu.ResetStats,
			Config: env.providerConfig() + `
data "roblox_datastore_entries" "test" {
  datastore_name = "Shop"
  include_values = true
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("entries"), knownvalue.ListExact(want)),
			},
		}},
	})

	// Terraform reads the data source several times per step, so check the ratio: every read is one
	// listing page plus exactly one GetEntry per listed key, the deleted one included.
	stats := env.emu.Stats()
	lists := stats.Operations["ListEntryKeys"]["200"]
	if lists == 0 {
		t.Fatalf("no ListEntryKeys requests recorded: %+v", stats.Operations)
	}
	if got := stats.Operations["GetEntry"]["200"]; got != entries*lists {
		t.Errorf("GetEntry 200 answers = %d, want %d (%d per read, %d reads)", got, entries*lists, entries, lists)
	}
	if got := stats.Operations["GetEntry"]["404"]; got != lists {
		t.Errorf("GetEntry 404 answers = %d, want %d (one per read)", got, lists)
	}
	if stats.Total != lists*(entries+2) {
		t.Errorf("total requests = %d, want %d: %+v", stats.Total, lists*(entries+2), stats.Operations)
	}
}

func TestAccDatastoreEntriesDataSource_valuesConcurrency(t *testing.T) {
	t.Parallel()
	// Latency keeps requests in flight long enough to overlap.
	env := newTestEnv(t, emulator.Options{Latency: 20 * time.Millisecond})
	const entries = 24
	for i := range entries {
		mustPutEntry(t, env, "Shop", "global", fmt.Sprintf("Item_%02d", i), `1`)
	}
	var inFlight, peak atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/entries/entry") {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
		}
		env.emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "roblox" {
  api_key             = %q
  base_url            = %q
  universe_id         = %d
  requests_per_minute = 100000
}

data "roblox_datastore_entries" "test" {
  datastore_name = "Shop"
  include_values = true
}
`, testAPIKey, srv.URL, testUniverse),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.roblox_datastore_entries.test", tfjsonpath.New("entries"), knownvalue.ListSizeExact(entries)),
			},
		}},
	})
	if got := peak.Load(); got > maxConcurrentReads || got < 2 {
		t.Errorf("peak GetEntry requests in flight = %d, want between 2 and %d", got, maxConcurrentReads)
	}
}

func TestAccDatastoreEntriesDataSource_valuesLimitSkipsDeleted(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	for _, k := range []string{"A", "B", "C", "D", "E"} {
		mustPutEntry(t, env, "Seed", "global", k, `"`+k+`"`)
	}
	env.emu.DeleteEntry(testUniverse, "Seed", "global", "B")

	const addr = "data.roblox_datastore_entries.test"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: env.providerConfig() + `
data "roblox_datastore_entries" "test" {
  datastore_name = "Seed"
  include_values = true
  limit          = 3
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("entries"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"key": knownvalue.StringExact("A"), "value": knownvalue.StringExact(`"A"`), "attributes": knownvalue.Null()}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"key": knownvalue.StringExact("C"), "value": knownvalue.StringExact(`"C"`), "user_ids": knownvalue.SetSizeExact(0)}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"key": knownvalue.StringExact("D"), "value": knownvalue.StringExact(`"D"`)}),
				})),
			},
		}},
	})
}

func TestAccDatastoreEntriesDataSource_valueReadError(t *testing.T) {
	t.Parallel()
	// A key that may list but not read: every GetEntry is refused with 403.
	env := newTestEnv(t, emulator.Options{Keys: []emulator.Key{{
		Secret:     "list-only-key-0123456789",
		Operations: []string{"universe-datastores.objects:list"},
	}}})
	mustPutEntry(t, env, "Shop", "global", "Item_1", `1`)

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: env.providerConfigWithKey("list-only-key-0123456789") + `
data "roblox_datastore_entries" "test" {
  datastore_name = "Shop"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.roblox_datastore_entries.test", tfjsonpath.New("entries"), entryKeyList("global", "Item_1")),
				},
			},
			{
				Config: env.providerConfigWithKey("list-only-key-0123456789") + `
data "roblox_datastore_entries" "test" {
  datastore_name = "Shop"
  include_values = true
}
`,
				ExpectError: errorPattern(`Error Reading Data Store Entry.*"Item_1".*lacks a permission`),
			},
		},
	})
}

func TestAccDatastoreEntriesDataSource_validation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	// Cleanup runs after the parallel subtests, so this sees all of them.
	t.Cleanup(func() {
		if got := env.emu.Stats().Total; got != 0 {
			t.Errorf("an invalid configuration reached the service: %d requests", got)
		}
	})
	tests := map[string]struct {
		args    string
		wantErr string
	}{
		"name too long": {
			args:    `datastore_name = "` + strings.Repeat("n", 51) + `"`,
			wantErr: `Invalid Attribute Value Length.*datastore_name`,
		},
		"scope with all_scopes": {
			args: `
  datastore_name = "Shop"
  scope          = "global"
  all_scopes     = true
`,
			wantErr: `Invalid Attribute Combination.*all_scopes`,
		},
		"limit zero": {
			args: `
  datastore_name = "Shop"
  limit          = 0
`,
			wantErr: `Invalid Attribute Value.*limit`,
		},
		"prefix too long": {
			args: `
  datastore_name = "Shop"
  prefix         = "` + strings.Repeat("p", 51) + `"
`,
			wantErr: `Invalid Attribute Value Length.*prefix`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      env.providerConfig() + "data \"roblox_datastore_entries\" \"test\" {\n" + tc.args + "\n}\n",
					ExpectError: errorPattern(tc.wantErr),
				}},
			})
		})
	}
}

func mustPutEntry(t *testing.T, env *testEnv, store, scope, key, value string) {
	t.Helper()
	if _, err := env.emu.PutEntry(testUniverse, store, scope, key, []byte(value), nil, nil); err != nil {
		t.Fatalf("seeding %s/%s/%s: %v", store, scope, key, err)
	}
}

// entryKey matches one listed entry by scope and key.
func entryKey(scope, key string) knownvalue.Check {
	return knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"scope": knownvalue.StringExact(scope),
		"key":   knownvalue.StringExact(key),
	})
}

// entryKeyList matches a listing of exactly these keys of one scope, in this order.
func entryKeyList(scope string, keys ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(keys))
	for i, k := range keys {
		checks[i] = entryKey(scope, k)
	}
	return knownvalue.ListExact(checks)
}

// errorPattern compiles an expected error in which each space also matches a line break, because
// Terraform wraps diagnostics to the terminal width.
func errorPattern(pattern string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + strings.ReplaceAll(pattern, " ", `\s+`))
}
