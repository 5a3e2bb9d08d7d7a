package provider

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccRealService runs against the real Open Cloud API (`make testacc`). It needs TF_ACC,
// ROBLOX_API_KEY and ROBLOX_UNIVERSE_ID, and a key with create, read, update and delete on standard
// entries and write/read on ordered entries in that universe. It writes only under the data store
// names below, with a key unique to the run, and deletes what it wrote.
func TestAccRealService(t *testing.T) {
	if os.Getenv("TF_ACC") == "" || os.Getenv("ROBLOX_API_KEY") == "" || os.Getenv("ROBLOX_UNIVERSE_ID") == "" {
		t.Skip("real-service test: set TF_ACC=1, ROBLOX_API_KEY and ROBLOX_UNIVERSE_ID to run it (make testacc)")
	}
	key := fmt.Sprintf("acc-%d", time.Now().UnixNano())
	config := func(gems, score int) string {
		return fmt.Sprintf(`
resource "roblox_datastore_entry" "test" {
  datastore_name = "TerraformProviderAcceptance"
  key            = %[1]q
  value          = jsonencode({ gems = %[2]d })
  attributes     = jsonencode({ source = "acceptance-test" })
}

resource "roblox_ordered_entry" "test" {
  datastore_name = "TerraformProviderAcceptance"
  key            = %[1]q
  value          = %[3]d
}
`, key, gems, score)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: config(1, 10),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(entryAddr, tfjsonpath.New("version"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(orderedAddr, tfjsonpath.New("value"), knownvalue.Int64Exact(10)),
				},
			},
			{
				Config: config(2, 20),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(entryAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(orderedAddr, plancheck.ResourceActionUpdate),
				}},
			},
			{ResourceName: entryAddr, ImportState: true, ImportStateVerify: true},
			{ResourceName: orderedAddr, ImportState: true, ImportStateVerify: true},
		},
	})
}
