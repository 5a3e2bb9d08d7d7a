package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-roblox/terraform-provider-roblox/internal/opencloud"
)

var _ datasource.DataSourceWithConfigure = (*datastoresDataSource)(nil)

// NewDatastoresDataSource returns the roblox_datastores data source.
func NewDatastoresDataSource() datasource.DataSource {
	return &datastoresDataSource{}
}

type datastoresDataSource struct {
	data *providerData
}

type datastoresModel struct {
	UniverseID types.Int64          `tfsdk:"universe_id"`
	Prefix     types.String         `tfsdk:"prefix"`
	Limit      types.Int64          `tfsdk:"limit"`
	Datastores []datastoreItemModel `tfsdk:"datastores"`
}

type datastoreItemModel struct {
	Name        types.String `tfsdk:"name"`
	CreatedTime types.String `tfsdk:"created_time"`
}

func (d *datastoresDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_datastores"
}

func (d *datastoresDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the standard data stores of a universe (experience), optionally only those whose names start " +
			"with a prefix, in name order. Use it to discover the stores a game has created, for example to check that an " +
			"environment has every store it needs or to drive a migration over several stores. Every page is followed, so " +
			"leave `limit` out to list them all. The API key needs `universe-datastores.control:list`.",
		Attributes: map[string]schema.Attribute{
			"universe_id": dataSourceUniverseIDAttribute(),
			"prefix": schema.StringAttribute{
				MarkdownDescription: "Only list data stores whose names start with this text, at most 50 bytes.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtMost(50)},
			},
			"limit": schema.Int64Attribute{
				MarkdownDescription: "Return at most this many data stores. Leave it out to return all of them.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"datastores": schema.ListNestedAttribute{
				MarkdownDescription: "The data stores, in the service's order (by name).",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"name": schema.StringAttribute{
							MarkdownDescription: "Name of the data store.",
							Computed:            true,
						},
						"created_time": schema.StringAttribute{
							MarkdownDescription: "When the data store was created (RFC 3339).",
							Computed:            true,
						},
					},
				},
			},
		},
	}
}

func (d *datastoresDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *datastoresDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m datastoresModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	universe := d.data.universe(m.UniverseID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	in := opencloud.ListDatastoresInput{UniverseID: universe, Prefix: m.Prefix.ValueString()}
	stores, diags := d.list(ctx, in, m.Limit)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.UniverseID = types.Int64Value(universe)
	m.Datastores = stores
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (d *datastoresDataSource) list(ctx context.Context, in opencloud.ListDatastoresInput, limit types.Int64) ([]datastoreItemModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	out, pages, err := readPages(limit, func(size int, cursor string) ([]datastoreItemModel, string, error) {
		in.Limit, in.Cursor = size, cursor
		page, err := d.data.client.ListDatastores(ctx, in)
		if err != nil {
			return nil, "", err
		}
		items := make([]datastoreItemModel, len(page.Datastores))
		for i, s := range page.Datastores {
			items[i] = datastoreItemModel{Name: types.StringValue(s.Name), CreatedTime: timeValue(s.CreatedTime)}
		}
		return items, page.NextPageCursor, nil
	})
	if err != nil {
		addAPIError(&diags, "Error Listing Data Stores", "list the data stores of "+describeStoreListing(in), err)
		return nil, diags
	}
	tflog.Debug(ctx, "listed data stores", map[string]any{"datastores": len(out), "pages": pages})
	return out, diags
}

func describeStoreListing(in opencloud.ListDatastoresInput) string {
	s := fmt.Sprintf("universe %d", in.UniverseID)
	if in.Prefix != "" {
		s += fmt.Sprintf(" with prefix %q", in.Prefix)
	}
	return s
}
