package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-roblox/terraform-provider-roblox/internal/opencloud"
)

var (
	_ datasource.DataSourceWithConfigure        = (*orderedEntriesDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*orderedEntriesDataSource)(nil)
	_ datasource.ConfigValidator                = orderedRangeValidator{}
)

// NewOrderedEntriesDataSource returns the roblox_ordered_entries data source.
func NewOrderedEntriesDataSource() datasource.DataSource {
	return &orderedEntriesDataSource{}
}

type orderedEntriesDataSource struct {
	data *providerData
}

type orderedEntriesModel struct {
	UniverseID    types.Int64               `tfsdk:"universe_id"`
	DatastoreName types.String              `tfsdk:"datastore_name"`
	Scope         types.String              `tfsdk:"scope"`
	Descending    types.Bool                `tfsdk:"descending"`
	MinValue      types.Int64               `tfsdk:"min_value"`
	MaxValue      types.Int64               `tfsdk:"max_value"`
	Limit         types.Int64               `tfsdk:"limit"`
	Entries       []orderedEntriesItemModel `tfsdk:"entries"`
}

type orderedEntriesItemModel struct {
	Key   types.String `tfsdk:"key"`
	Value types.Int64  `tfsdk:"value"`
}

func (d *orderedEntriesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ordered_entries"
}

func (d *orderedEntriesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the entries of one scope of an ordered data store sorted by value, optionally only values " +
			"within a range. This is the read side of a leaderboard: `descending = true` with `limit = 10` is the top ten, " +
			"ready to publish to a website or a status page. Every page is followed, so leave `limit` out to read the whole " +
			"scope. The API key needs `universe.ordered-data-store.scope.entry:read`.",
		Attributes: map[string]schema.Attribute{
			"universe_id":    dataSourceUniverseIDAttribute(),
			"datastore_name": dataSourceNameAttribute("Name of the ordered data store, 1 to 50 bytes."),
			"scope":          dataSourceScopeAttribute("Scope to list, 1 to 50 bytes. Defaults to `global`."),
			"descending": schema.BoolAttribute{
				MarkdownDescription: "List the highest values first. Defaults to `false` (lowest first).",
				Optional:            true,
			},
			"min_value": schema.Int64Attribute{
				MarkdownDescription: "Only list entries whose value is at least this. Must not be greater than `max_value`.",
				Optional:            true,
			},
			"max_value": schema.Int64Attribute{
				MarkdownDescription: "Only list entries whose value is at most this. Must not be less than `min_value`.",
				Optional:            true,
			},
			"limit": schema.Int64Attribute{
				MarkdownDescription: "Return at most this many entries, the first ones in the chosen order. Leave it out to return all of them.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"entries": schema.ListNestedAttribute{
				MarkdownDescription: "The entries in the service's order: by value, ascending or descending; entries with equal values " +
					"keep the service's order between them.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"key": schema.StringAttribute{
							MarkdownDescription: "Key (entry id) of the entry.",
							Computed:            true,
						},
						"value": schema.Int64Attribute{
							MarkdownDescription: "Value of the entry.",
							Computed:            true,
						},
					},
				},
			},
		},
	}
}

func (d *orderedEntriesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *orderedEntriesDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{orderedRangeValidator{}}
}

func (d *orderedEntriesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m orderedEntriesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	universe := d.data.universe(m.UniverseID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	in := opencloud.ListOrderedEntriesInput{
		UniverseID: universe,
		Datastore:  m.DatastoreName.ValueString(),
		Scope:      scopeOrDefault(m.Scope),
		Descending: m.Descending.ValueBool(),
		Filter:     opencloud.OrderedFilter(m.MinValue.ValueInt64Pointer(), m.MaxValue.ValueInt64Pointer()),
	}
	entries, diags := d.list(ctx, in, m.Limit)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.UniverseID = types.Int64Value(universe)
	m.Scope = types.StringValue(in.Scope)
	m.Entries = entries
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (d *orderedEntriesDataSource) list(ctx context.Context, in opencloud.ListOrderedEntriesInput, limit types.Int64) ([]orderedEntriesItemModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	// The page size stays the same on every page: the service refuses a page token used with
	// different parameters, page size included.
	in.MaxPageSize = maxPageSize
	if !limit.IsNull() {
		in.MaxPageSize = min(int(limit.ValueInt64()), maxPageSize)
	}
	out, pages, err := readPages(limit, func(_ int, token string) ([]orderedEntriesItemModel, string, error) {
		in.PageToken = token
		page, err := d.data.client.ListOrderedEntries(ctx, in)
		if err != nil {
			return nil, "", err
		}
		items := make([]orderedEntriesItemModel, len(page.Entries))
		for i, e := range page.Entries {
			items[i] = orderedEntriesItemModel{Key: types.StringValue(e.ID), Value: types.Int64Value(e.Value)}
		}
		return items, page.NextPageToken, nil
	})
	if err != nil {
		addAPIError(&diags, "Error Listing Ordered Data Store Entries", "list the entries of "+describeOrderedListing(in), err)
		return nil, diags
	}
	tflog.Debug(ctx, "listed ordered data store entries", map[string]any{"entries": len(out), "pages": pages})
	return out, diags
}

func describeOrderedListing(in opencloud.ListOrderedEntriesInput) string {
	s := fmt.Sprintf("ordered data store %q (scope %q, universe %d)", in.Datastore, in.Scope, in.UniverseID)
	if in.Filter != "" {
		s += fmt.Sprintf(" with filter %q", in.Filter)
	}
	return s
}

// orderedRangeValidator rejects min_value > max_value at plan time, naming the attribute, instead of
// leaving it to a 400 from the service during apply.
type orderedRangeValidator struct{}

func (orderedRangeValidator) Description(context.Context) string {
	return "min_value must not be greater than max_value"
}

func (orderedRangeValidator) MarkdownDescription(context.Context) string {
	return "`min_value` must not be greater than `max_value`"
}

func (orderedRangeValidator) ValidateDataSource(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var lo, hi types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("min_value"), &lo)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("max_value"), &hi)...)
	if resp.Diagnostics.HasError() || lo.IsNull() || lo.IsUnknown() || hi.IsNull() || hi.IsUnknown() {
		return
	}
	if lo.ValueInt64() > hi.ValueInt64() {
		resp.Diagnostics.AddAttributeError(path.Root("min_value"), "Invalid Value Range",
			fmt.Sprintf("min_value (%d) is greater than max_value (%d), so no entry could match. "+
				"Swap them, or leave one out for an open-ended range.", lo.ValueInt64(), hi.ValueInt64()))
	}
}
