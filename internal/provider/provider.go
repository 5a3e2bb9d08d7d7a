// Package provider implements the roblox Terraform provider on the Open Cloud data store API.
package provider

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-roblox/terraform-provider-roblox/internal/opencloud"
)

var _ provider.Provider = (*robloxProvider)(nil)

// New returns a constructor of the provider for the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &robloxProvider{version: version}
	}
}

type robloxProvider struct {
	version string
}

type providerModel struct {
	APIKey            types.String `tfsdk:"api_key"`
	BaseURL           types.String `tfsdk:"base_url"`
	UniverseID        types.Int64  `tfsdk:"universe_id"`
	MaxRetries        types.Int64  `tfsdk:"max_retries"`
	RequestsPerMinute types.Int64  `tfsdk:"requests_per_minute"`
	MinRetryDelayMS   types.Int64  `tfsdk:"min_retry_delay_ms"`
}

// providerData is what resources and data sources receive from Configure.
type providerData struct {
	client *opencloud.Client
	// universeID is the provider's default universe; 0 when none is set.
	universeID int64
}

func (p *robloxProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "roblox"
	resp.Version = p.version
}

func (p *robloxProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages entries of Roblox [Open Cloud](https://create.roblox.com/docs/cloud) data stores: " +
			"standard data store entries (JSON values with attributes and user ids) and ordered data store entries (integers), " +
			"with data sources for listings, single entries and leaderboards.",
		Attributes: map[string]schema.Attribute{
			"api_key": schema.StringAttribute{
				MarkdownDescription: "Open Cloud API key, sent in the `x-api-key` header. May also be set with the `ROBLOX_API_KEY` " +
					"environment variable. The key needs the permissions of the resources and data sources you use; see the provider documentation.",
				Optional:  true,
				Sensitive: true,
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "Address of the Open Cloud API. Defaults to `https://apis.roblox.com`; may also be set with " +
					"`ROBLOX_BASE_URL`. Point it at a local emulator (`go run ./internal/cmd/opencloud-emulator`) for tests.",
				Optional: true,
			},
			"universe_id": schema.Int64Attribute{
				MarkdownDescription: "Default universe (experience) id for every resource and data source that does not set its own. " +
					"May also be set with `ROBLOX_UNIVERSE_ID`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a request that failed with 429, 500, 502, 503 or 504, or a network error, is sent again " +
					"with exponential backoff, when repeating it is safe. Defaults to `5`; `0` turns retries off.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"min_retry_delay_ms": schema.Int64Attribute{
				MarkdownDescription: "First backoff step in milliseconds when the service gives no `Retry-After`; each retry " +
					"doubles it, with jitter, up to 30 seconds. Defaults to `500`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 60000)},
			},
			"requests_per_minute": schema.Int64Attribute{
				MarkdownDescription: "Client-side budget in requests per minute for each universe and request category " +
					"(standard reads, standard writes, ordered reads, ordered writes). Defaults to `300`, Roblox's published limit. " +
					"Lower it to leave room for game servers sharing the budget.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 100000)},
			},
		},
	}
}

func (p *robloxProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for name, v := range map[string]interface{ IsUnknown() bool }{
		"api_key": cfg.APIKey, "base_url": cfg.BaseURL, "universe_id": cfg.UniverseID,
		"max_retries": cfg.MaxRetries, "requests_per_minute": cfg.RequestsPerMinute, "min_retry_delay_ms": cfg.MinRetryDelayMS,
	} {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown Provider Configuration Value",
				"The provider cannot be configured while "+name+" is unknown (it depends on a resource that is not created yet). "+
					"Set it to a known value, or apply the resources it depends on first with -target.")
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	apiKey := stringOrEnv(cfg.APIKey, "ROBLOX_API_KEY")
	if apiKey == "" {
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Missing Roblox API Key",
			"Set api_key in the provider block or the ROBLOX_API_KEY environment variable to an Open Cloud API key. "+
				"Create one on the Creator Dashboard under Open Cloud > API Keys, with data store permissions for your experience.")
	}
	baseURL := stringOrEnv(cfg.BaseURL, "ROBLOX_BASE_URL")
	if baseURL == "" {
		baseURL = opencloud.DefaultBaseURL
	}
	if u, err := url.Parse(baseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Invalid Base URL",
			"base_url (or ROBLOX_BASE_URL) must be an absolute http or https URL such as https://apis.roblox.com, got "+
				strconv.Quote(baseURL)+".")
	}
	universeID := cfg.UniverseID.ValueInt64()
	if cfg.UniverseID.IsNull() {
		if env := os.Getenv("ROBLOX_UNIVERSE_ID"); env != "" {
			id, err := strconv.ParseInt(env, 10, 64)
			if err != nil || id < 1 {
				resp.Diagnostics.AddAttributeError(path.Root("universe_id"), "Invalid Universe ID",
					"The ROBLOX_UNIVERSE_ID environment variable must be a positive integer, got "+strconv.Quote(env)+".")
			}
			universeID = id
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	retry := opencloud.RetryConfig{
		MaxRetries: int(cfg.MaxRetries.ValueInt64()),
		Disabled:   !cfg.MaxRetries.IsNull() && cfg.MaxRetries.ValueInt64() == 0,
		WaitMin:    time.Duration(cfg.MinRetryDelayMS.ValueInt64()) * time.Millisecond,
	}
	perMinute := int(cfg.RequestsPerMinute.ValueInt64())
	client, err := opencloud.New(opencloud.Config{
		BaseURL:    baseURL,
		APIKey:     apiKey,
		UserAgent:  "terraform-provider-roblox/" + p.version + " Terraform/" + req.TerraformVersion,
		HTTPClient: &http.Client{Transport: newLoggingTransport(http.DefaultTransport, apiKey)},
		Retry:      retry,
		RateLimits: opencloud.RateLimits{StandardRead: perMinute, StandardWrite: perMinute, OrderedRead: perMinute, OrderedWrite: perMinute},
		Log:        clientLog(apiKey),
	})
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create Open Cloud Client", err.Error())
		return
	}
	data := &providerData{client: client, universeID: universeID}
	resp.ResourceData = data
	resp.DataSourceData = data
}

func (p *robloxProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewDatastoreEntryResource,
		NewOrderedEntryResource,
	}
}

func (p *robloxProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewDatastoreEntriesDataSource,
		NewDatastoreEntryDataSource,
		NewDatastoresDataSource,
		NewOrderedEntriesDataSource,
	}
}

func stringOrEnv(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return os.Getenv(env)
}

// configuredData turns the ProviderData of a resource or data source Configure call into *providerData.
// It returns nil without error before the provider is configured.
func configuredData(providerDataValue any, diags *diag.Diagnostics) *providerData {
	if providerDataValue == nil {
		return nil
	}
	data, ok := providerDataValue.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			"This is a bug in the provider; please report it. The provider data has an unexpected type.")
		return nil
	}
	return data
}

// universe returns the configured universe id, else the provider's default; a diagnostic on
// universe_id when neither is set.
func (d *providerData) universe(v types.Int64, diags *diag.Diagnostics) int64 {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueInt64()
	}
	if d.universeID == 0 {
		diags.AddAttributeError(path.Root("universe_id"), "Missing Universe ID",
			"Set universe_id here, or universe_id in the provider block (or the ROBLOX_UNIVERSE_ID environment variable).")
	}
	return d.universeID
}
