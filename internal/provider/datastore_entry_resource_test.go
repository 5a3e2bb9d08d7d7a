package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-roblox/terraform-provider-roblox/internal/emulator"
	"github.com/terraform-roblox/terraform-provider-roblox/internal/opencloud"
)

const entryAddr = "roblox_datastore_entry.test"

func entryConfig(env *testEnv, key, value, extra string) string {
	return env.providerConfig() + fmt.Sprintf(`
resource "roblox_datastore_entry" "test" {
  datastore_name = "LiveConfig"
  key            = %q
  value          = %s
%s
}
`, key, value, extra)
}

// expectEntry checks the emulator's live entry in the global scope against a JSON value (by meaning),
// attributes and user ids.
func expectEntry(env *testEnv, key, value, attributes string, userIDs ...int64) emulatorCheck {
	return func() error {
		e, ok := env.emu.Entry(testUniverse, "LiveConfig", "global", key)
		if !ok {
			return fmt.Errorf("entry %q/%q is not in the emulator", "global", key)
		}
		if eq, err := JSONSemanticallyEqual(e.Value, []byte(value)); err != nil || !eq {
			return fmt.Errorf("emulator value %s, want %s", e.Value, value)
		}
		if eq, err := JSONSemanticallyEqual(orEmptyObject(e.Attributes), []byte(attributes)); err != nil || !eq {
			return fmt.Errorf("emulator attributes %s, want %s", e.Attributes, attributes)
		}
		if fmt.Sprint(sortedIDs(e.UserIDs)) != fmt.Sprint(sortedIDs(userIDs)) {
			return fmt.Errorf("emulator user ids %v, want %v", e.UserIDs, userIDs)
		}
		return nil
	}
}

func sortedIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

func checkNoEntries(env *testEnv) func(*terraform.State) error {
	return func(*terraform.State) error {
		if keys := env.emu.Entries(testUniverse, "LiveConfig"); len(keys) != 0 {
			return fmt.Errorf("entries left after destroy: %v", keys)
		}
		return nil
	}
}

func TestDatastoreEntryResource_lifecycle(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	const v1 = `jsonencode({ flags = { double_xp = false, shop_v2 = true }, ratio = 1 })`
	const v2 = `jsonencode({ flags = { double_xp = true, shop_v2 = true }, ratio = 1 })`
	// The same meaning as v2, spelled differently: whitespace, key order, 1.0 for 1.
	const v2Reformatted = "<<-EOT\n    {\n      \"ratio\": 1.0,\n      \"flags\": {\"shop_v2\": true,   \"double_xp\": true}\n    }\n  EOT"
	const attrs = `attributes = jsonencode({ owner = "liveops" })`
	const users = `user_ids = [42, 7]`

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             checkNoEntries(env),
		Steps: []resource.TestStep{
			{
				Config: entryConfig(env, "live", v1, attrs+"\n"+users),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(entryAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(entryAddr, tfjsonpath.New("universe_id"), knownvalue.Int64Exact(testUniverse)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(entryAddr, tfjsonpath.New("id"), knownvalue.StringExact("4242/LiveConfig/global/live")),
					statecheck.ExpectKnownValue(entryAddr, tfjsonpath.New("scope"), knownvalue.StringExact("global")),
					statecheck.ExpectKnownValue(entryAddr, tfjsonpath.New("value"), knownvalue.StringExact(`{"flags":{"double_xp":false,"shop_v2":true},"ratio":1}`)),
					statecheck.ExpectKnownValue(entryAddr, tfjsonpath.New("user_ids"), knownvalue.SetExact([]knownvalue.Check{knownvalue.Int64Exact(7), knownvalue.Int64Exact(42)})),
					statecheck.ExpectKnownValue(entryAddr, tfjsonpath.New("version"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(entryAddr, tfjsonpath.New("created_time"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
					expectEntry(env, "live", `{"flags":{"double_xp":false,"shop_v2":true},"ratio":1}`, `{"owner":"liveops"}`, 7, 42),
				},
			},
			{
				// One flag flips: an in-place update, not a replacement.
				Config: entryConfig(env, "live", v2, attrs+"\n"+users),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(entryAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(entryAddr, tfjsonpath.New("version")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectEntry(env, "live", `{"flags":{"double_xp":true,"shop_v2":true},"ratio":1}`, `{"owner":"liveops"}`, 7, 42),
				},
			},
			{
				// Reformatted JSON means the same: nothing to do.
				Config:           entryConfig(env, "live", v2Reformatted, "attributes = \"{ \\\"owner\\\" : \\\"liveops\\\" }\"\nuser_ids = [7, 42]"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// A game server changes the value: the next plan shows it and apply puts it back.
				PreConfig: func() {
					mustPut(t, env, "live", `{"flags":{"double_xp":true,"shop_v2":false},"ratio":1}`, `{"owner":"liveops"}`, 7, 42)
				},
				Config: entryConfig(env, "live", v2, attrs+"\n"+users),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(entryAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectEntry(env, "live", `{"flags":{"double_xp":true,"shop_v2":true},"ratio":1}`, `{"owner":"liveops"}`, 7, 42),
				},
			},
			{
				// Drift in attributes alone.
				PreConfig: func() {
					mustPut(t, env, "live", `{"ratio":1,"flags":{"double_xp":true,"shop_v2":true}}`, `{"owner":"someone-else"}`, 7, 42)
				},
				Config: entryConfig(env, "live", v2, attrs+"\n"+users),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(entryAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectEntry(env, "live", `{"flags":{"double_xp":true,"shop_v2":true},"ratio":1}`, `{"owner":"liveops"}`, 7, 42),
				},
			},
			{
				// Drift in user ids alone (a write that omits them clears them).
				PreConfig: func() {
					mustPut(t, env, "live", `{"flags":{"double_xp":true,"shop_v2":true},"ratio":1}`, `{"owner":"liveops"}`)
				},
				Config: entryConfig(env, "live", v2, attrs+"\n"+users),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(entryAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectEntry(env, "live", `{"flags":{"double_xp":true,"shop_v2":true},"ratio":1}`, `{"owner":"liveops"}`, 7, 42),
				},
			},
			{
				// Deleted behind Terraform's back: the next plan creates it again.
				PreConfig: func() {
					if !env.emu.DeleteEntry(testUniverse, "LiveConfig", "global", "live") {
						t.Fatal("nothing to delete")
					}
				},
				Config: entryConfig(env, "live", v2, attrs+"\n"+users),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(entryAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectEntry(env, "live", `{"flags":{"double_xp":true,"shop_v2":true},"ratio":1}`, `{"owner":"liveops"}`, 7, 42),
				},
			},
			{
				ResourceName:      entryAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// Removing attributes and user ids clears them on the service.
				Config: entryConfig(env, "live", v2, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(entryAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectEntry(env, "live", `{"flags":{"double_xp":true,"shop_v2":true},"ratio":1}`, `{}`),
				},
			},
			{
				Config:           entryConfig(env, "live", v2, `attributes = "{}"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// A new key is a new entry: replace.
				Config: entryConfig(env, "live-2", v2, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(entryAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					emulatorCheck(func() error {
						if _, ok := env.emu.Entry(testUniverse, "LiveConfig", "global", "live"); ok {
							return fmt.Errorf("the old entry is still live")
						}
						return nil
					}),
					expectEntry(env, "live-2", `{"flags":{"double_xp":true,"shop_v2":true},"ratio":1}`, `{}`),
				},
			},
		},
	})
}

func mustPut(t *testing.T, env *testEnv, key, value, attributes string, userIDs ...int64) {
	t.Helper()
	if _, err := env.emu.PutEntry(testUniverse, "LiveConfig", "global", key, []byte(value), []byte(attributes), userIDs); err != nil {
		t.Fatalf("writing behind Terraform's back: %v", err)
	}
}

func TestDatastoreEntryResource_numbersComparedExactly(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: entryConfig(env, "big", `"{\"id\": 9007199254740992}"`, "")},
			{
				// Equal as float64, different as numbers: a real change.
				Config: entryConfig(env, "big", `"{\"id\": 9007199254740993}"`, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(entryAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{emulatorCheck(func() error {
					e, _ := env.emu.Entry(testUniverse, "LiveConfig", "global", "big")
					if string(e.Value) != `{"id": 9007199254740993}` {
						return fmt.Errorf("emulator holds %s", e.Value)
					}
					return nil
				})},
			},
			{
				Config:           entryConfig(env, "big", `"{\"id\": 9007199254740993.0}"`, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestDatastoreEntryResource_importSpecialKeys(t *testing.T) {
	t.Parallel()
	for name, key := range map[string]string{
		"slash":   "players/123/profile",
		"spaces":  "summer event 2026",
		"unicode": "ключ-🎮-é",
		"percent": "100% done?",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, emulator.Options{})
			id := entryID{UniverseID: testUniverse, Datastore: "LiveConfig", Scope: "global", Key: key}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				CheckDestroy:             checkNoEntries(env),
				Steps: []resource.TestStep{
					{
						Config: entryConfig(env, key, `jsonencode([1, "two", { three = 3 }])`, `user_ids = [1]`),
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(entryAddr, tfjsonpath.New("id"), knownvalue.StringExact(id.String())),
							expectEntry(env, key, `[1,"two",{"three":3}]`, `{}`, 1),
						},
					},
					{ResourceName: entryAddr, ImportState: true, ImportStateVerify: true, ImportStateId: id.String()},
				},
			})
		})
	}
}

func TestDatastoreEntryResource_validation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	tooBig := `"` + strings.Repeat("x", maxValueBytes) + `"`
	tests := map[string]struct {
		key, value, extra string
		want              string
	}{
		"invalid JSON":           {key: "k", value: `"{\"a\": }"`, want: `Invalid JSON Value`},
		"NaN is not JSON":        {key: "k", value: `"NaN"`, want: `Invalid JSON Value`},
		"value too large":        {key: "k", value: `"` + strings.ReplaceAll(tooBig, `"`, `\"`) + `"`, want: `value.*4194304`},
		"key too long in bytes":  {key: strings.Repeat("é", 26), value: `"1"`, want: `key.*between 1 and 50`},
		"empty key":              {key: "", value: `"1"`, want: `key.*between 1 and 50`},
		"attributes not object":  {key: "k", value: `"1"`, extra: `attributes = "[1]"`, want: `Invalid JSON Object`},
		"attributes too large":   {key: "k", value: `"1"`, extra: fmt.Sprintf(`attributes = jsonencode({ a = %q, b = %q })`, strings.Repeat("x", 150), strings.Repeat("y", 150)), want: `Attributes Too Large`},
		"attribute key too long": {key: "k", value: `"1"`, extra: fmt.Sprintf(`attributes = jsonencode({ %s = 1 })`, strings.Repeat("k", 51)), want: `Attribute Key Too Long`},
		"five user ids":          {key: "k", value: `"1"`, extra: `user_ids = [1, 2, 3, 4, 5]`, want: `user_ids.*at most 4`},
		"negative user id":       {key: "k", value: `"1"`, extra: `user_ids = [-1]`, want: `user_ids.*at least 1`},
		"scope too long":         {key: "k", value: `"1"`, extra: `scope = "` + strings.Repeat("s", 51) + `"`, want: `scope.*between 1 and 50`},
		"universe not positive":  {key: "k", value: `"1"`, extra: `universe_id = 0`, want: `universe_id.*at least 1`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      entryConfig(env, tc.key, tc.value, tc.extra),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)` + tc.want),
				}},
			})
		})
	}
	if n := env.emu.Stats().Total; n != 0 {
		t.Errorf("validation errors sent %d requests; they must stop at plan time", n)
	}
}

func TestDatastoreEntryResource_missingUniverse(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "roblox" {
  api_key  = %q
  base_url = %q
}
resource "roblox_datastore_entry" "test" {
  datastore_name = "LiveConfig"
  key            = "k"
  value          = "1"
}`, testAPIKey, env.url),
			ExpectError: regexp.MustCompile(`Missing Universe ID`),
		}},
	})
}

func TestDatastoreEntryResource_existingEntryIsNotOverwritten(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	mustPut(t, env, "taken", `{"owner":"game"}`, `{}`)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:      entryConfig(env, "taken", `jsonencode({ owner = "terraform" })`, ""),
				ExpectError: regexp.MustCompile(`(?s)already exists.*terraform import roblox_datastore_entry.NAME\s+4242/LiveConfig/global/taken`),
			},
			{
				Config:        entryConfig(env, "taken", `jsonencode({ owner = "terraform" })`, ""),
				ResourceName:  entryAddr,
				ImportState:   true,
				ImportStateId: "4242/LiveConfig/taken",
				ExpectError:   regexp.MustCompile(`(?s)Invalid Import ID.*universe_id/datastore_name/scope/key`),
			},
		},
	})
	if e, _ := env.emu.Entry(testUniverse, "LiveConfig", "global", "taken"); string(e.Value) != `{"owner":"game"}` {
		t.Errorf("the existing entry was overwritten: %s", e.Value)
	}
}

// TestDatastoreEntryResource_supportKey is the usage guide's support-portal case: a key that may
// read and update entries but not create them.
func TestDatastoreEntryResource_supportKey(t *testing.T) {
	t.Parallel()
	const supportKey = "support-key-read-update"
	env := newTestEnv(t, emulator.Options{
		APIKeys: []string{testAPIKey},
		Keys: []emulator.Key{{
			Secret: supportKey, UniverseID: testUniverse, Datastores: []string{"LiveConfig"},
			Operations: []string{"universe-datastores.objects:read", "universe-datastores.objects:update"},
		}},
	})
	config := func(key, value string) string {
		return env.providerConfigWithKey(supportKey) + fmt.Sprintf(`
resource "roblox_datastore_entry" "test" {
  datastore_name = "LiveConfig"
  key            = %q
  value          = jsonencode(%s)
}`, key, value)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:      config("User_2", `{ gems = 1 }`),
				ExpectError: regexp.MustCompile(`(?s)universe-datastores\.objects:create.*terraform import`),
			},
			{
				PreConfig:          func() { mustPut(t, env, "User_1", `{"gems":5}`, `{}`) },
				Config:             config("User_1", `{ gems = 5 }`),
				ResourceName:       entryAddr,
				ImportState:        true,
				ImportStateId:      "4242/LiveConfig/global/User_1",
				ImportStatePersist: true,
			},
			{
				Config: config("User_1", `{ gems = 15 }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(entryAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectEntry(env, "User_1", `{"gems":15}`, `{}`)},
			},
			{
				// The key may not delete either.
				Config:      env.providerConfigWithKey(supportKey),
				ExpectError: regexp.MustCompile(`universe-datastores\.objects:delete`),
			},
			{
				// Hand the entry back to a full key so the test can clean up.
				Config:           strings.Replace(config("User_1", `{ gems = 15 }`), supportKey, testAPIKey, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestDatastoreEntryWrite covers the conditional-write outcomes that Terraform cannot provoke on
// its own, because it refreshes right before applying: a 412 that is really our own lost write,
// and a 412 from a write by someone else.
func TestDatastoreEntryWrite(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		existing  string // value present before the write; "" for none
		value     string
		update    bool
		wantError string
	}{
		"create finds its own lost write":  {existing: `{"a":1}`, value: `{"a":1}`},
		"create finds someone else's":      {existing: `{"a":2}`, value: `{"a":1}`, wantError: "Data Store Entry Already Exists"},
		"update finds its own lost write":  {existing: `{"a":1}`, value: `{"a":1}`, update: true},
		"update finds an in-game change":   {existing: `{"a":2}`, value: `{"a":1}`, update: true, wantError: "Changed Outside Terraform"},
		"update of an entry deleted since": {value: `{"a":1}`, update: true, wantError: "Changed Outside Terraform"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, emulator.Options{})
			client, err := opencloud.New(opencloud.Config{BaseURL: env.url, APIKey: testAPIKey})
			if err != nil {
				t.Fatal(err)
			}
			if tc.existing != "" {
				mustPut(t, env, "k", tc.existing, `{}`)
			}
			r := &datastoreEntryResource{data: &providerData{client: client}}
			m := datastoreEntryModel{
				UniverseID: types.Int64Value(testUniverse), DatastoreName: types.StringValue("LiveConfig"),
				Scope: types.StringValue("global"), Key: types.StringValue("k"),
				Value: NewJSONValue(tc.value), Attributes: NewJSONObjectNull(), UserIDs: types.SetNull(types.Int64Type),
			}
			in, diags := m.setInput()
			if tc.update {
				in.MatchVersion = "stale-version"
			} else {
				in.ExclusiveCreate = true
			}
			diags.Append(r.write(context.Background(), &m, in, map[bool]string{true: "update", false: "create"}[tc.update])...)
			if got := summaries(diags); tc.wantError != "" && !strings.Contains(got, tc.wantError) || tc.wantError == "" && diags.HasError() {
				t.Fatalf("diagnostics %q, want %q", got, tc.wantError)
			}
			if tc.wantError == "" && m.Version.ValueString() == "" {
				t.Error("success without a version in state")
			}
			e, _ := env.emu.Entry(testUniverse, "LiveConfig", "global", "k")
			if tc.existing != "" && string(e.Value) != tc.existing {
				t.Errorf("the entry was overwritten: %s", e.Value)
			}
		})
	}
}

func summaries(diags diag.Diagnostics) string {
	var s []string
	for _, d := range diags {
		s = append(s, d.Summary()+": "+d.Detail())
	}
	return strings.Join(s, "; ")
}
