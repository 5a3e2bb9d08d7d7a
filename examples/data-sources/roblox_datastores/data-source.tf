# Check that an environment has every data store its game servers read.
data "roblox_datastores" "all" {}

locals {
  required_datastores = ["Inventory", "InventoryV2", "LiveOps"]
  missing_datastores  = setsubtract(local.required_datastores, data.roblox_datastores.all.datastores[*].name)
}

check "required_datastores" {
  assert {
    condition     = length(local.missing_datastores) == 0
    error_message = "Missing data stores: ${join(", ", sort(local.missing_datastores))}."
  }
}

# Only the stores of one family, for example to drive a migration over all of them.
data "roblox_datastores" "inventory" {
  prefix = "Inventory"
}

output "inventory_datastores" {
  value = data.roblox_datastores.inventory.datastores[*].name
}
