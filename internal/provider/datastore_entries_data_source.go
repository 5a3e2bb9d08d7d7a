package provider

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
	_ datasource.DataSourceWithConfigure        = (*datastoreEntriesDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*datastoreEntriesDataSource)(nil)
)

// NewDatastoreEntriesDataSource returns the roblox_datastore_entries data source.
func NewDatastoreEntriesDataSource() datasource.DataSource {
	return &datastoreEntriesDataSource{}
}

type datastoreEntriesDataSource struct {
	data *providerData
}

type datastoreEntriesModel struct {
	UniverseID    types.Int64                 `tfsdk:"universe_id"`
	DatastoreName types.String                `tfsdk:"datastore_name"`
	Scope         types.String                `tfsdk:"scope"`
	AllScopes     types.Bool                  `tfsdk:"all_scopes"`
	Prefix        types.String                `tfsdk:"prefix"`
	Limit         types.Int64                 `tfsdk:"limit"`
	IncludeValues types.Bool                  `tfsdk:"include_values"`
	Entries       []datastoreEntriesItemModel `tfsdk:"entries"`
}

type datastoreEntriesItemModel struct {
	Scope      types.String    `tfsdk:"scope"`
	Key        types.String    `tfsdk:"key"`
	Value      JSONValue       `tfsdk:"value"`
	Version    types.String    `tfsdk:"version"`
	Attributes JSONObjectValue `tfsdk:"attributes"`
	UserIDs    types.Set       `tfsdk:"user_ids"`
}

func (d *datastoreEntriesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_datastore_entries"
}

func (d *datastoreEntriesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the entries of a standard data store, in one scope or in all of them, optionally narrowed to keys " +
			"with a prefix and optionally with every entry's value, attributes and user ids. Use it to seed or migrate data: " +
			"read one store with `include_values = true` and write transformed copies with `roblox_datastore_entry` and `for_each`. " +
			"Every page is followed, so leave `limit` out to read the whole store, and mind that `include_values` costs one " +
			"request per entry against the universe's read budget. The API key needs `universe-datastores.objects:list`, " +
			"plus `universe-datastores.objects:read` with `include_values`.",
		Attributes: map[string]schema.Attribute{
			"universe_id":    dataSourceUniverseIDAttribute(),
			"datastore_name": dataSourceNameAttribute("Name of the standard data store, 1 to 50 bytes."),
			"scope": dataSourceScopeAttribute("Scope to list, 1 to 50 bytes. Defaults to `global` unless `all_scopes` is set; " +
				"cannot be set together with `all_scopes`."),
			"all_scopes": schema.BoolAttribute{
				MarkdownDescription: "List the entries of every scope. Cannot be set together with `scope`.",
				Optional:            true,
			},
			"prefix": schema.StringAttribute{
				MarkdownDescription: "Only list keys that start with this text, at most 50 bytes.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtMost(50)},
			},
			"limit": schema.Int64Attribute{
				MarkdownDescription: "Return at most this many entries. Leave it out to return all of them. " +
					"With `include_values`, deleted entries that the listing still shows are skipped and not counted.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"include_values": schema.BoolAttribute{
				MarkdownDescription: "Also read each entry's value, version, attributes and user ids, one request per entry " +
					"(at most 8 at a time). Defaults to `false`, which lists keys only.",
				Optional: true,
			},
			"entries": schema.ListNestedAttribute{
				MarkdownDescription: "The entries, in the service's listing order (by scope, then key).",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"scope": schema.StringAttribute{
							MarkdownDescription: "Scope of the entry.",
							Computed:            true,
						},
						"key": schema.StringAttribute{
							MarkdownDescription: "Key of the entry.",
							Computed:            true,
						},
						"value": schema.StringAttribute{
							MarkdownDescription: "The entry's value as JSON text, exactly as stored. Null unless `include_values` is set.",
							CustomType:          JSONType{},
							Computed:            true,
						},
						"version": schema.StringAttribute{
							MarkdownDescription: "Current version id of the entry. Null unless `include_values` is set.",
							Computed:            true,
						},
						"attributes": schema.StringAttribute{
							MarkdownDescription: "Attributes of the entry as JSON object text; null when it has none or unless `include_values` is set.",
							CustomType:          JSONObjectType{},
							Computed:            true,
						},
						"user_ids": schema.SetAttribute{
							MarkdownDescription: "Roblox user ids tagged on the entry. Null unless `include_values` is set.",
							ElementType:         types.Int64Type,
							Computed:            true,
						},
					},
				},
			},
		},
	}
}

func (d *datastoreEntriesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *datastoreEntriesDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.Conflicting(path.MatchRoot("scope"), path.MatchRoot("all_scopes")),
	}
}

func (d *datastoreEntriesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m datastoreEntriesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	universe := d.data.universe(m.UniverseID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	in := opencloud.ListEntryKeysInput{
		UniverseID: universe,
		Datastore:  m.DatastoreName.ValueString(),
		AllScopes:  m.AllScopes.ValueBool(),
		Prefix:     m.Prefix.ValueString(),
	}
	if !in.AllScopes {
		in.Scope = scopeOrDefault(m.Scope)
		m.Scope = types.StringValue(in.Scope)
	}
	entries, diags := d.list(ctx, in, m.Limit, m.IncludeValues.ValueBool())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.UniverseID = types.Int64Value(universe)
	m.Entries = entries
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// list follows the listing page by page. Values are read per page, so that with a limit the
// listing stops as soon as enough live entries are found, and deleted keys do not use up the limit.
func (d *datastoreEntriesDataSource) list(ctx context.Context, in opencloud.ListEntryKeysInput, limit types.Int64, withValues bool) ([]datastoreEntriesItemModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	out, pages, err := readPages(limit, func(size int, cursor string) ([]datastoreEntriesItemModel, string, error) {
		in.Limit, in.Cursor = size, cursor
		page, err := d.data.client.ListEntryKeys(ctx, in)
		if err != nil {
			return nil, "", err
		}
		keys := page.Keys[:min(len(page.Keys), size)]
		if withValues {
			items, err := d.readValues(ctx, in, keys)
			return items, page.NextPageCursor, err
		}
		items := make([]datastoreEntriesItemModel, len(keys))
		for i, k := range keys {
			items[i] = datastoreEntriesItemModel{
				Scope:      types.StringValue(k.Scope),
				Key:        types.StringValue(k.Key),
				Value:      NewJSONNull(),
				Version:    types.StringNull(),
				Attributes: NewJSONObjectNull(),
				UserIDs:    types.SetNull(types.Int64Type),
			}
		}
		return items, page.NextPageCursor, nil
	})
	var readErr *valueReadError
	switch {
	case errors.As(err, &readErr):
		addAPIError(&diags, "Error Reading Data Store Entry",
			"read "+readErr.id.describe()+" while listing values (include_values)", readErr.err)
		return nil, diags
	case err != nil:
		addAPIError(&diags, "Error Listing Data Store Entries", "list the keys of "+describeKeyListing(in), err)
		return nil, diags
	}
	tflog.Debug(ctx, "listed data store entries", map[string]any{"entries": len(out), "pages": pages, "include_values": withValues})
	return out, diags
}

// valueReadError is a failed GetEntry of include_values, with the entry it was for.
type valueReadError struct {
	id  entryID
	err error
}

func (e *valueReadError) Error() string { return e.err.Error() }
func (e *valueReadError) Unwrap() error { return e.err }

// readValues reads the entries of one page with a fixed pool of workers, keeping the page's order.
// Keys whose entry is gone (deleted but not yet purged from the listing) are left out.
func (d *datastoreEntriesDataSource) readValues(ctx context.Context, in opencloud.ListEntryKeysInput, keys []opencloud.EntryKey) ([]datastoreEntriesItemModel, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	results := make([]*opencloud.Entry, len(keys))
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	for range min(maxConcurrentReads, len(keys)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(keys) || ctx.Err() != nil {
					return
				}
				id := entryID{UniverseID: in.UniverseID, Datastore: in.Datastore, Scope: keys[i].Scope, Key: keys[i].Key}
				e, err := d.data.client.GetEntry(ctx, id.entryRef())
				switch {
				case opencloud.IsNotFound(err):
				case err != nil:
					errOnce.Do(func() {
						firstErr = &valueReadError{id: id, err: err}
						// One failure fails the read, so the requests still queued would be wasted.
						cancel()
					})
					return
				default:
					results[i] = e
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		// Interrupted: the entries not yet read would otherwise look deleted and be left out.
		return nil, err
	}

	items := make([]datastoreEntriesItemModel, 0, len(keys))
	for i, e := range results {
		if e == nil {
			continue
		}
		ids, idDiags := userIDsValue(e.UserIDs)
		if idDiags.HasError() {
			return nil, fmt.Errorf("user ids of %q: %s", keys[i].Key, idDiags[0].Detail())
		}
		items = append(items, datastoreEntriesItemModel{
			Scope:      types.StringValue(keys[i].Scope),
			Key:        types.StringValue(keys[i].Key),
			Value:      NewJSONValue(string(e.Value)),
			Version:    types.StringValue(e.Version),
			Attributes: attributesValue(e.Attributes),
			UserIDs:    ids,
		})
	}
	return items, nil
}

func describeKeyListing(in opencloud.ListEntryKeysInput) string {
	scope := fmt.Sprintf("scope %q", in.Scope)
	if in.AllScopes {
		scope = "all scopes"
	}
	s := fmt.Sprintf("data store %q (%s, universe %d)", in.Datastore, scope, in.UniverseID)
	if in.Prefix != "" {
		s += fmt.Sprintf(" with prefix %q", in.Prefix)
	}
	return s
}
