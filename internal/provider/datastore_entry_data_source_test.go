package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-roblox/terraform-provider-roblox/internal/emulator"
)

func TestAccDatastoreEntryDataSource_basic(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	value := `{"enabled": true, "rollout": 0.25}`
	e, err := env.emu.PutEntry(testUniverse, "LiveConfig", "global", "DoubleXP", []byte(value), []byte(`{"owner":"liveops"}`), []int64{7, 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.emu.PutEntry(testUniverse, "LiveConfig", "staging", "DoubleXP", []byte(`{"enabled": false}`), nil, nil); err != nil {
		t.Fatal(err)
	}

	const addr = "data.roblox_datastore_entry.test"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig() + `
data "roblox_datastore_entry" "test" {
  datastore_name = "LiveConfig"
  key            = "DoubleXP"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("universe_id"), knownvalue.Int64Exact(testUniverse)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("scope"), knownvalue.StringExact("global")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("value"), knownvalue.StringExact(value)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("attributes"), knownvalue.StringExact(`{"owner":"liveops"}`)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("user_ids"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.Int64Exact(3), knownvalue.Int64Exact(7),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.StringExact(e.Version)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("created_time"), knownvalue.StringExact(wireTime(e.CreatedTime))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version_created_time"),
						knownvalue.StringExact(wireTime(e.VersionCreatedTime))),
				},
			},
			{
				Config: env.providerConfig() + `
data "roblox_datastore_entry" "test" {
  datastore_name = "LiveConfig"
  scope          = "staging"
  key            = "DoubleXP"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("value"), knownvalue.StringExact(`{"enabled": false}`)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("attributes"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("user_ids"), knownvalue.SetSizeExact(0)),
				},
			},
		},
	})
}

func TestAccDatastoreEntryDataSource_version(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	first, err := env.emu.PutEntry(testUniverse, "Shop", "global", "Prices", []byte(`{"sword": 100}`), []byte(`{"rev":"1"}`), []int64{1})
	if err != nil {
		t.Fatal(err)
	}
	second, err := env.emu.PutEntry(testUniverse, "Shop", "global", "Prices", []byte(`{"sword": 120}`), nil, nil)
	if err != nil {
		t.Fatal(err)
	}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: env.providerConfig() + `
data "roblox_datastore_entry" "old" {
  datastore_name = "Shop"
  key            = "Prices"
  version        = "` + first.Version + `"
}

data "roblox_datastore_entry" "current" {
  datastore_name = "Shop"
  key            = "Prices"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.roblox_datastore_entry.old", tfjsonpath.New("value"), knownvalue.StringExact(`{"sword": 100}`)),
				statecheck.ExpectKnownValue("data.roblox_datastore_entry.old", tfjsonpath.New("version"), knownvalue.StringExact(first.Version)),
				statecheck.ExpectKnownValue("data.roblox_datastore_entry.old", tfjsonpath.New("attributes"), knownvalue.StringExact(`{"rev":"1"}`)),
				statecheck.ExpectKnownValue("data.roblox_datastore_entry.old", tfjsonpath.New("user_ids"), knownvalue.SetExact([]knownvalue.Check{knownvalue.Int64Exact(1)})),
				statecheck.ExpectKnownValue("data.roblox_datastore_entry.current", tfjsonpath.New("value"), knownvalue.StringExact(`{"sword": 120}`)),
				statecheck.ExpectKnownValue("data.roblox_datastore_entry.current", tfjsonpath.New("version"), knownvalue.StringExact(second.Version)),
			},
		}},
	})
}

func TestAccDatastoreEntryDataSource_notFound(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	e, err := env.emu.PutEntry(testUniverse, "Shop", "global", "Deleted", []byte(`1`), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	env.emu.DeleteEntry(testUniverse, "Shop", "global", "Deleted")
	mustPutEntry(t, env, "Shop", "global", "Live", `1`)

	tests := map[string]struct {
		args    string
		wantErr string
	}{
		"missing key": {
			args:    `key = "Missing"`,
			wantErr: `Data Store Entry Not Found.*entry "Missing" in data store "Shop" \(scope "global", universe 4242\)`,
		},
		"missing scope": {
			args: `
  key   = "Live"
  scope = "other"
`,
			wantErr: `Data Store Entry Not Found.*entry "Live" in data store "Shop" \(scope "other"`,
		},
		"deleted entry": {
			args:    `key = "Deleted"`,
			wantErr: `Data Store Entry Not Found.*entry "Deleted"`,
		},
		"unknown version": {
			args: `
  key     = "Deleted"
  version = "` + e.Version + `-unknown"
`,
			wantErr: `Data Store Entry Not Found.*version ".*-unknown" of entry "Deleted"`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config: env.providerConfig() + `
data "roblox_datastore_entry" "test" {
  datastore_name = "Shop"
` + tc.args + `
}
`,
					ExpectError: errorPattern(tc.wantErr),
				}},
			})
		})
	}
}

func TestAccDatastoreEntryDataSource_validation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	t.Cleanup(func() {
		if got := env.emu.Stats().Total; got != 0 {
			t.Errorf("an invalid configuration reached the service: %d requests", got)
		}
	})
	long := strings.Repeat("x", 51)
	tests := map[string]struct {
		args    string
		wantErr string
	}{
		"name too long": {
			args:    `datastore_name = "` + long + `"` + "\n" + `key = "k"`,
			wantErr: `Invalid Attribute Value Length.*datastore_name`,
		},
		"key too long": {
			args:    `datastore_name = "Shop"` + "\n" + `key = "` + long + `"`,
			wantErr: `Invalid Attribute Value Length.*key`,
		},
		"empty scope": {
			args:    `datastore_name = "Shop"` + "\n" + `key = "k"` + "\n" + `scope = ""`,
			wantErr: `Invalid Attribute Value Length.*scope`,
		},
		"empty version": {
			args:    `datastore_name = "Shop"` + "\n" + `key = "k"` + "\n" + `version = ""`,
			wantErr: `Invalid Attribute Value Length.*version`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      env.providerConfig() + "data \"roblox_datastore_entry\" \"test\" {\n" + tc.args + "\n}\n",
					ExpectError: errorPattern(tc.wantErr),
				}},
			})
		})
	}
}

// wireTime is t as it comes back over the wire: the service sends times with 100 ns precision.
func wireTime(t time.Time) string {
	return t.Truncate(100 * time.Nanosecond).UTC().Format(time.RFC3339Nano)
}
