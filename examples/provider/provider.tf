terraform {
  required_providers {
    roblox = {
      source = "terraform-roblox/roblox"
    }
  }
}

variable "roblox_api_key" {
  description = "Open Cloud API key. Leave it unset to use the ROBLOX_API_KEY environment variable."
  type        = string
  sensitive   = true
  default     = null
}

provider "roblox" {
  # When api_key is null the provider reads ROBLOX_API_KEY, which keeps the key out of files.
  api_key = var.roblox_api_key

  # The experience's universe id (Creator Dashboard > the experience > Copy Universe ID).
  # Resources and data sources use it unless they set their own universe_id.
  universe_id = 1234567890

  # To work against the local emulator instead of Roblox, start it with
  #   go run ./internal/cmd/opencloud-emulator -api-key dev-key
  # and set (or export ROBLOX_BASE_URL=http://127.0.0.1:8787 and ROBLOX_API_KEY=dev-key):
  # base_url = "http://127.0.0.1:8787"

  # Leave part of the universe's 300 requests per minute to the game servers that share it.
  requests_per_minute = 200
}
