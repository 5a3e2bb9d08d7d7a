package provider

import (
	"fmt"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/terraform-roblox/terraform-provider-roblox/internal/emulator"
)

const (
	testAPIKey   = "test-api-key-0123456789"
	testUniverse = 4242
)

// testProviders serves the provider in-process to terraform-plugin-testing.
var testProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"roblox": providerserver.NewProtocol6WithError(New("test")()),
}

// testEnv is one in-process emulator with its loopback server; every acceptance test gets its own,
// so tests are hermetic and may run in parallel.
type testEnv struct {
	emu *emulator.Emulator
	url string
}

func newTestEnv(t *testing.T, opts emulator.Options) *testEnv {
	t.Helper()
	if len(opts.APIKeys) == 0 && len(opts.Keys) == 0 {
		opts.APIKeys = []string{testAPIKey}
	}
	emu, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("starting emulator: %v", err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(func() {
		srv.Close()
		_ = emu.Close()
	})
	return &testEnv{emu: emu, url: srv.URL}
}

// providerConfig is the provider block pointing at the emulator, with a short backoff so fault
// injection stays quick.
func (e *testEnv) providerConfig() string {
	return e.providerConfigWithKey(testAPIKey)
}

func (e *testEnv) providerConfigWithKey(key string) string {
	return fmt.Sprintf(`
provider "roblox" {
  api_key            = %q
  base_url           = %q
  universe_id        = %d
  min_retry_delay_ms = 5
}
`, key, e.url, testUniverse)
}

func TestProviderConfigErrors(t *testing.T) {
	// Not parallel: it clears the provider's environment variables for the run.
	t.Setenv("ROBLOX_API_KEY", "")
	t.Setenv("ROBLOX_BASE_URL", "")
	t.Setenv("ROBLOX_UNIVERSE_ID", "")
	const entry = `
resource "roblox_datastore_entry" "test" {
  universe_id    = 1
  datastore_name = "d"
  key            = "k"
  value          = "1"
}`
	tests := map[string]struct {
		provider string
		env      map[string]string
		want     string
	}{
		"missing key":       {provider: `provider "roblox" {}`, want: `(?s)Missing Roblox API Key.*ROBLOX_API_KEY`},
		"malformed url":     {provider: "provider \"roblox\" {\n  api_key  = \"k\"\n  base_url = \"apis.roblox.com\"\n}", want: `(?s)Invalid Base URL.*absolute http`},
		"malformed env url": {provider: `provider "roblox" { api_key = "k" }`, env: map[string]string{"ROBLOX_BASE_URL": "ftp://x"}, want: `Invalid Base URL`},
		"bad env universe":  {provider: `provider "roblox" { api_key = "k" }`, env: map[string]string{"ROBLOX_UNIVERSE_ID": "abc"}, want: `(?s)Invalid Universe ID.*ROBLOX_UNIVERSE_ID`},
		"unknown key": {
			provider: `
resource "terraform_data" "key" {
  input = "k"
}
provider "roblox" { api_key = terraform_data.key.output }`,
			want: `(?s)Unknown Provider Configuration Value.*api_key`,
		},
		"retries out of range": {provider: "provider \"roblox\" {\n  api_key     = \"k\"\n  max_retries = 50\n}", want: `max_retries`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      tc.provider + entry,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}
