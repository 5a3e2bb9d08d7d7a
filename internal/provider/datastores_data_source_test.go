package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-roblox/terraform-provider-roblox/internal/emulator"
)

func TestAccDatastoresDataSource_pagination(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	// More stores than two full pages, so listing them all takes three pages.
	stores := make([]string, 250)
	for i := range stores {
		stores[i] = fmt.Sprintf("Store_%03d", i)
		mustPutEntry(t, env, stores[i], "global", "k", `1`)
	}
	all := append([]string{"Inventory", "Leaderboard"}, stores...)
	for _, s := range all[:2] {
		mustPutEntry(t, env, s, "global", "k", `1`)
	}
	// Another universe's stores must not show up.
	if _, err := env.emu.PutEntry(testUniverse+1, "Elsewhere", "global", "k", []byte(`1`), nil, nil); err != nil {
		t.Fatal(err)
	}

	// One data source per case in a single configuration: each Terraform run costs more than the reads.
	cases := []struct {
		name, args string
		want       []string
	}{
		{"all", "", all},
		{"limited", `limit = 130`, all[:130]},
		{"prefixed", `prefix = "Store_"`, stores},
		{"prefixed_limited", "prefix = \"Store_\"\nlimit = 101", stores[:101]},
		{"none", `prefix = "Nothing"`, nil},
	}
	config := env.providerConfig()
	var checks []statecheck.StateCheck
	for _, c := range cases {
		config += fmt.Sprintf("data \"roblox_datastores\" %q {\n%s\n}\n", c.name, c.args)
		addr := "data.roblox_datastores." + c.name
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("universe_id"), knownvalue.Int64Exact(testUniverse)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("datastores"), datastoreNameList(c.want...)),
		)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

func TestAccDatastoresDataSource_universe(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	const other = 777
	if _, err := env.emu.PutEntry(other, "Elsewhere", "global", "k", []byte(`1`), nil, nil); err != nil {
		t.Fatal(err)
	}
	mustPutEntry(t, env, "Home", "global", "k", `1`)

	const addr = "data.roblox_datastores.test"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: env.providerConfig() + fmt.Sprintf(`
data "roblox_datastores" "test" {
  universe_id = %d
}
`, other),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("universe_id"), knownvalue.Int64Exact(other)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("datastores"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name":         knownvalue.StringExact("Elsewhere"),
						"created_time": knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`)),
					}),
				})),
			},
		}},
	})
}

func TestAccDatastoresDataSource_validation(t *testing.T) {
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
		"limit zero":      {args: `limit = 0`, wantErr: `Invalid Attribute Value.*limit`},
		"prefix too long": {args: `prefix = "` + strings.Repeat("p", 51) + `"`, wantErr: `Invalid Attribute Value Length.*prefix`},
		"universe zero":   {args: `universe_id = 0`, wantErr: `Invalid Attribute Value.*universe_id`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      env.providerConfig() + "data \"roblox_datastores\" \"test\" {\n" + tc.args + "\n}\n",
					ExpectError: errorPattern(tc.wantErr),
				}},
			})
		})
	}
}

// datastoreNameList matches a listing of exactly these data stores, in this order.
func datastoreNameList(names ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(names))
	for i, n := range names {
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact(n)})
	}
	return knownvalue.ListExact(checks)
}
