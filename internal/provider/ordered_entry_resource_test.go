package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-roblox/terraform-provider-roblox/internal/emulator"
)

const orderedAddr = "roblox_ordered_entry.test"

func orderedConfig(env *testEnv, key, value, extra string) string {
	return env.providerConfig() + fmt.Sprintf(`
resource "roblox_ordered_entry" "test" {
  datastore_name = "Leaderboard"
  key            = %q
  value          = %s
%s
}
`, key, value, extra)
}

func expectOrdered(env *testEnv, scope, key string, want int64) emulatorCheck {
	return func() error {
		got, ok := env.emu.OrderedEntry(testUniverse, "Leaderboard", scope, key)
		if !ok || got != want {
			return fmt.Errorf("emulator holds %d (present %v) for %q, want %d", got, ok, key, want)
		}
		return nil
	}
}

func checkNoOrdered(env *testEnv, scope string) func(*terraform.State) error {
	return func(*terraform.State) error {
		if left := env.emu.OrderedEntries(testUniverse, "Leaderboard", scope); len(left) != 0 {
			return fmt.Errorf("ordered entries left after destroy: %v", left)
		}
		return nil
	}
}

func TestOrderedEntryResource_lifecycle(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             checkNoOrdered(env, "season-1"),
		Steps: []resource.TestStep{
			{
				Config: orderedConfig(env, "Player_1", "100", `scope = "season-1"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(orderedAddr, tfjsonpath.New("id"), knownvalue.StringExact("4242/Leaderboard/season-1/Player_1")),
					statecheck.ExpectKnownValue(orderedAddr, tfjsonpath.New("universe_id"), knownvalue.Int64Exact(testUniverse)),
					statecheck.ExpectKnownValue(orderedAddr, tfjsonpath.New("value"), knownvalue.Int64Exact(100)),
					expectOrdered(env, "season-1", "Player_1", 100),
				},
			},
			{
				Config: orderedConfig(env, "Player_1", "9223372036854775807", `scope = "season-1"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orderedAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectOrdered(env, "season-1", "Player_1", 9223372036854775807)},
			},
			{
				Config:           orderedConfig(env, "Player_1", "9223372036854775807", `scope = "season-1"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// A game server changes the score: the plan shows it, apply puts it back.
				PreConfig: func() { env.emu.PutOrderedEntry(testUniverse, "Leaderboard", "season-1", "Player_1", 5) },
				Config:    orderedConfig(env, "Player_1", "-42", `scope = "season-1"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orderedAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectOrdered(env, "season-1", "Player_1", -42)},
			},
			{
				PreConfig: func() { env.emu.DeleteOrderedEntry(testUniverse, "Leaderboard", "season-1", "Player_1") },
				Config:    orderedConfig(env, "Player_1", "-42", `scope = "season-1"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orderedAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectOrdered(env, "season-1", "Player_1", -42)},
			},
			{ResourceName: orderedAddr, ImportState: true, ImportStateVerify: true},
			{
				Config: orderedConfig(env, "Player_2", "-42", `scope = "season-1"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orderedAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectOrdered(env, "season-1", "Player_2", -42),
					emulatorCheck(func() error {
						if _, ok := env.emu.OrderedEntry(testUniverse, "Leaderboard", "season-1", "Player_1"); ok {
							return fmt.Errorf("the replaced entry is still there")
						}
						return nil
					}),
				},
			},
		},
	})
}

func TestOrderedEntryResource_importSpecialKeys(t *testing.T) {
	t.Parallel()
	for name, key := range map[string]string{
		"slash":        "guild/7",
		"spaces":       "Team Red",
		"unicode":      "игрок-★",
		"verb-looking": "x:increment",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, emulator.Options{})
			id := entryID{UniverseID: testUniverse, Datastore: "Leaderboard", Scope: "global", Key: key}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				CheckDestroy:             checkNoOrdered(env, "global"),
				Steps: []resource.TestStep{
					{
						Config:            orderedConfig(env, key, "7", ""),
						ConfigStateChecks: []statecheck.StateCheck{expectOrdered(env, "global", key, 7)},
					},
					{ResourceName: orderedAddr, ImportState: true, ImportStateVerify: true, ImportStateId: id.String()},
				},
			})
		})
	}
}

func TestOrderedEntryResource_existingAndInvalid(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	env.emu.PutOrderedEntry(testUniverse, "Leaderboard", "global", "taken", 1)
	tests := map[string]struct {
		key, value, extra string
		want              string
	}{
		"existing entry":     {key: "taken", value: "2", want: `(?s)already exists.*terraform import roblox_ordered_entry.NAME\s+4242/Leaderboard/global/taken`},
		"key too long":       {key: strings.Repeat("k", 51), value: "1", want: `key.*between 1 and 50`},
		"scope empty":        {key: "k", value: "1", extra: `scope = ""`, want: `scope.*between 1 and 50`},
		"not an integer":     {key: "k", value: "1.5", want: `(?i)value`},
		"beyond int64":       {key: "k", value: "9223372036854775808", want: `(?i)value`},
		"malformed import":   {key: "k", value: "1", want: `(?s)Invalid Import ID.*universe_id/datastore_name/scope/key`},
		"import bad segment": {key: "k", value: "1", want: `(?s)Invalid Import ID.*percent-encoded`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			step := resource.TestStep{
				Config:      orderedConfig(env, tc.key, tc.value, tc.extra),
				ExpectError: regexp.MustCompile(tc.want),
			}
			switch name {
			case "malformed import":
				step.ResourceName, step.ImportState, step.ImportStateId = orderedAddr, true, "4242/Leaderboard"
			case "import bad segment":
				step.ResourceName, step.ImportState, step.ImportStateId = orderedAddr, true, "4242/Leaderboard/global/%zz"
			}
			resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: []resource.TestStep{step}})
		})
	}
	if v, _ := env.emu.OrderedEntry(testUniverse, "Leaderboard", "global", "taken"); v != 1 {
		t.Errorf("the existing entry was overwritten: %d", v)
	}
}
