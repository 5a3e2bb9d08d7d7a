package provider

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-roblox/terraform-provider-roblox/internal/emulator"
)

type orderedTestEntry struct {
	key   string
	value int64
}

func TestAccOrderedEntriesDataSource_pagination(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	// 250 entries with many ties (values 0..49, five keys each), across three pages of 100.
	var seeded []orderedTestEntry
	for i := range 250 {
		e := orderedTestEntry{fmt.Sprintf("Player_%03d", i), int64((i * 7) % 50)}
		seeded = append(seeded, e)
		env.emu.PutOrderedEntry(testUniverse, "Leaderboard", "global", e.key, e.value)
	}
	env.emu.PutOrderedEntry(testUniverse, "Leaderboard", "season2", "Player_999", 1000)

	ascending := slices.Clone(seeded)
	slices.SortFunc(ascending, func(a, b orderedTestEntry) int {
		return cmp.Or(cmp.Compare(a.value, b.value), cmp.Compare(a.key, b.key))
	})
	descending := slices.Clone(ascending)
	slices.Reverse(descending)
	between := slices.DeleteFunc(slices.Clone(ascending), func(e orderedTestEntry) bool { return e.value < 10 || e.value > 20 })

	// One data source per case in a single configuration: each Terraform run costs more than the reads.
	cases := []struct {
		name, args string
		want       []orderedTestEntry
	}{
		{"all", "", ascending},
		{"descending", `descending = true`, descending},
		{"top", "descending = true\nlimit = 130", descending[:130]},
		{"bottom", `limit = 7`, ascending[:7]},
		{"between", "min_value = 10\nmax_value = 20", between},
		{"at_least", `min_value = 45`, ascending[len(ascending)-25:]},
		{"at_most", "max_value = 1\ndescending = true", descending[len(descending)-10:]},
		{"exact", "min_value = 20\nmax_value = 20", ascending[100:105]},
		{"none", `min_value = 50`, nil},
	}
	config := env.providerConfig()
	var checks []statecheck.StateCheck
	for _, c := range cases {
		config += fmt.Sprintf("data \"roblox_ordered_entries\" %q {\ndatastore_name = \"Leaderboard\"\n%s\n}\n", c.name, c.args)
		addr := "data.roblox_ordered_entries." + c.name
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("scope"), knownvalue.StringExact("global")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("entries"), orderedEntryList(c.want)),
		)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

func TestAccOrderedEntriesDataSource_scope(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	env.emu.PutOrderedEntry(testUniverse, "Wins", "global", "A", 5)
	env.emu.PutOrderedEntry(testUniverse, "Wins", "season2", "B", -3)
	env.emu.PutOrderedEntry(testUniverse, "Wins", "season2", "C", 9)

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: env.providerConfig() + `
data "roblox_ordered_entries" "test" {
  datastore_name = "Wins"
  scope          = "season2"
  descending     = true
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.roblox_ordered_entries.test", tfjsonpath.New("entries"),
					orderedEntryList([]orderedTestEntry{{"C", 9}, {"B", -3}})),
			},
		}},
	})
}

func TestAccOrderedEntriesDataSource_validation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	t.Cleanup(func() {
		if got := env.emu.Stats().Total; got != 0 {
			t.Errorf("an invalid configuration reached the service: %d requests", got)
		}
	})
	tests := map[string]struct {
		args    string
		wantErr string
	}{
		"min above max": {
			args: `
  datastore_name = "Leaderboard"
  min_value      = 10
  max_value      = 9
`,
			wantErr: `Invalid Value Range.*min_value \(10\) is greater than max_value \(9\)`,
		},
		"name too long": {
			args:    `datastore_name = "` + strings.Repeat("n", 51) + `"`,
			wantErr: `Invalid Attribute Value Length.*datastore_name`,
		},
		"scope too long": {
			args:    `datastore_name = "Leaderboard"` + "\n" + `scope = "` + strings.Repeat("s", 51) + `"`,
			wantErr: `Invalid Attribute Value Length.*scope`,
		},
		"limit zero": {
			args:    `datastore_name = "Leaderboard"` + "\n" + `limit = 0`,
			wantErr: `Invalid Attribute Value.*limit`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      env.providerConfig() + "data \"roblox_ordered_entries\" \"test\" {\n" + tc.args + "\n}\n",
					ExpectError: errorPattern(tc.wantErr),
				}},
			})
		})
	}
}

// orderedEntryList matches exactly these entries, in this order.
func orderedEntryList(entries []orderedTestEntry) knownvalue.Check {
	checks := make([]knownvalue.Check, len(entries))
	for i, e := range entries {
		checks[i] = knownvalue.ObjectExact(map[string]knownvalue.Check{
			"key":   knownvalue.StringExact(e.key),
			"value": knownvalue.Int64Exact(e.value),
		})
	}
	return knownvalue.ListExact(checks)
}
