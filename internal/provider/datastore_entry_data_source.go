package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-roblox/terraform-provider-roblox/internal/opencloud"
)

var _ datasource.DataSourceWithConfigure = (*datastoreEntryDataSource)(nil)

// NewDatastoreEntryDataSource returns the roblox_datastore_entry data source.
func NewDatastoreEntryDataSource() datasource.DataSource {
	return &datastoreEntryDataSource{}
}

type datastoreEntryDataSource struct {
	data *providerData
}

type datastoreEntryDataSourceModel struct {
	UniverseID         types.Int64     `tfsdk:"universe_id"`
	DatastoreName      types.String    `tfsdk:"datastore_name"`
	Scope              types.String    `tfsdk:"scope"`
	Key                types.String    `tfsdk:"key"`
	Version            types.String    `tfsdk:"version"`
	Value              JSONValue       `tfsdk:"value"`
	Attributes         JSONObjectValue `tfsdk:"attributes"`
	UserIDs            types.Set       `tfsdk:"user_ids"`
	CreatedTime        types.String    `tfsdk:"created_time"`
	VersionCreatedTime types.String    `tfsdk:"version_created_time"`
}

func (d *datastoreEntryDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_datastore_entry"
}

func (d *datastoreEntryDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one entry of a standard data store: its JSON value, attributes, user ids and version, " +
			"either as it is now or as it was at a given `version`. Use it to feed configuration that game servers own " +
			"into other resources, or to copy an entry into another store. A missing or deleted entry is an error. " +
			"The API key needs `universe-datastores.objects:read`, plus `universe-datastores.versions:read` when `version` is set.",
		Attributes: map[string]schema.Attribute{
			"universe_id":    dataSourceUniverseIDAttribute(),
			"datastore_name": dataSourceNameAttribute("Name of the standard data store, 1 to 50 bytes."),
			"scope":          dataSourceScopeAttribute("Scope of the entry, 1 to 50 bytes. Defaults to `global`."),
			"key": schema.StringAttribute{
				MarkdownDescription: "Key of the entry, 1 to 50 bytes.",
				Required:            true,
				Validators:          nameValidators(),
			},
			"version": schema.StringAttribute{
				MarkdownDescription: "Version id to read, as found in `roblox_datastore_entry.version` or the entry's version history. " +
					"Leave it out to read the current version; it is then set to the current version id.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"value": schema.StringAttribute{
				MarkdownDescription: "The entry's value as JSON text, exactly as stored; `jsondecode(...)` turns it into a Terraform value.",
				CustomType:          JSONType{},
				Computed:            true,
			},
			"attributes": schema.StringAttribute{
				MarkdownDescription: "Attributes of the entry as JSON object text, or null when it has none.",
				CustomType:          JSONObjectType{},
				Computed:            true,
			},
			"user_ids": schema.SetAttribute{
				MarkdownDescription: "Roblox user ids tagged on the entry; empty when it has none.",
				ElementType:         types.Int64Type,
				Computed:            true,
			},
			"created_time": schema.StringAttribute{
				MarkdownDescription: "When the entry was created (RFC 3339).",
				Computed:            true,
			},
			"version_created_time": schema.StringAttribute{
				MarkdownDescription: "When the version that was read was written (RFC 3339).",
				Computed:            true,
			},
		},
	}
}

func (d *datastoreEntryDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *datastoreEntryDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m datastoreEntryDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	universe := d.data.universe(m.UniverseID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := entryID{
		UniverseID: universe,
		Datastore:  m.DatastoreName.ValueString(),
		Scope:      scopeOrDefault(m.Scope),
		Key:        m.Key.ValueString(),
	}
	what := id.describe()
	var entry *opencloud.Entry
	var err error
	if m.Version.IsNull() {
		entry, err = d.data.client.GetEntry(ctx, id.entryRef())
	} else {
		what = fmt.Sprintf("version %q of %s", m.Version.ValueString(), what)
		entry, err = d.data.client.GetEntryVersion(ctx, id.entryRef(), m.Version.ValueString())
	}
	if opencloud.IsNotFound(err) {
		blame, hint := path.Root("key"), "Check the key, data store name, scope and universe_id."
		if !m.Version.IsNull() {
			blame, hint = path.Root("version"), "Check the version id: it must be a version of this entry that is not a deletion."
		}
		resp.Diagnostics.AddAttributeError(blame, "Data Store Entry Not Found",
			fmt.Sprintf("Could not read %s: it does not exist or has been deleted. %s\n\n%s", what, hint, err))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Reading Data Store Entry", "read "+what, err)
		return
	}

	m.UniverseID = types.Int64Value(universe)
	m.Scope = types.StringValue(id.Scope)
	resp.Diagnostics.Append(m.fromEntry(entry)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (m *datastoreEntryDataSourceModel) fromEntry(e *opencloud.Entry) diag.Diagnostics {
	m.Value = NewJSONValue(string(e.Value))
	m.Attributes = attributesValue(e.Attributes)
	ids, diags := userIDsValue(e.UserIDs)
	m.UserIDs = ids
	m.Version = types.StringValue(e.Version)
	m.CreatedTime = timeValue(e.CreatedTime)
	m.VersionCreatedTime = timeValue(e.VersionCreatedTime)
	return diags
}

// dataSourceUniverseIDAttribute is computed as well as optional so that the state records which
// universe was read when the provider's default was used.
func dataSourceUniverseIDAttribute() schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: "Universe (experience) id. Defaults to the provider's `universe_id`.",
		Optional:            true,
		Computed:            true,
		Validators:          []validator.Int64{int64validator.AtLeast(1)},
	}
}

func dataSourceNameAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Required:            true,
		Validators:          nameValidators(),
	}
}

// dataSourceScopeAttribute is computed so that the state shows the scope that was read even when
// the default applied; data sources have no schema defaults.
func dataSourceScopeAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Optional:            true,
		Computed:            true,
		Validators:          nameValidators(),
	}
}

func scopeOrDefault(v types.String) string {
	if v.IsNull() || v.ValueString() == "" {
		return opencloud.DefaultScope
	}
	return v.ValueString()
}

// attributesValue is null when the service sent no attributes, so configurations can tell "none"
// apart from an explicit empty object.
func attributesValue(raw []byte) JSONObjectValue {
	if len(raw) == 0 {
		return NewJSONObjectNull()
	}
	return NewJSONObjectValue(string(raw))
}

// userIDsValue is an empty set rather than null when there are none, so length() and for
// expressions work without a null check.
func userIDsValue(ids []int64) (types.Set, diag.Diagnostics) {
	elems := make([]attr.Value, len(ids))
	for i, id := range ids {
		elems[i] = types.Int64Value(id)
	}
	return types.SetValue(types.Int64Type, elems)
}
