package provider

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// exampleCase is one folder of examples/ that the documentation renders.
type exampleCase struct {
	// dir is the folder relative to the repository root.
	dir string
	// files must exist in dir.
	files []string
	// resourceType is set for resource examples, whose import IDs are checked too.
	resourceType string
}

// exampleCases lists the example folders that tfplugindocs reads: the provider's, and one for every
// resource and data source type the provider serves. Folders under examples/resources and
// examples/data-sources that match no type are reported, since the documentation would ignore them.
func exampleCases(t *testing.T, root string) map[string]exampleCase {
	t.Helper()
	ctx := context.Background()
	p := New("test")()
	cases := map[string]exampleCase{
		"provider": {dir: "examples/provider", files: []string{"provider.tf"}},
	}
	for _, newResource := range p.Resources(ctx) {
		var resp resource.MetadataResponse
		newResource().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "roblox"}, &resp)
		cases["resource/"+resp.TypeName] = exampleCase{
			dir:          "examples/resources/" + resp.TypeName,
			files:        []string{"resource.tf", "import.sh", "import-by-string-id.tf"},
			resourceType: resp.TypeName,
		}
	}
	for _, newDataSource := range p.DataSources(ctx) {
		var resp datasource.MetadataResponse
		newDataSource().Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "roblox"}, &resp)
		cases["data-source/"+resp.TypeName] = exampleCase{
			dir:   "examples/data-sources/" + resp.TypeName,
			files: []string{"data-source.tf"},
		}
	}

	dirs := map[string]bool{}
	for _, c := range cases {
		dirs[c.dir] = true
	}
	for _, parent := range []string{"examples/resources", "examples/data-sources"} {
		entries, err := os.ReadDir(filepath.Join(root, parent))
		if err != nil {
			t.Fatalf("reading %s: %v", parent, err)
		}
		for _, e := range entries {
			dir := parent + "/" + e.Name()
			if e.IsDir() && !dirs[dir] {
				t.Errorf("%s matches no resource or data source of the provider; rename or remove it", dir)
			}
		}
	}
	return cases
}

// repoRoot is the repository root, two levels above this file.
func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test source file")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// exampleCLIConfig builds the provider binary into a temporary directory and writes a Terraform
// CLI configuration whose dev_overrides point at it, so `terraform validate` uses this source
// tree's schemas without `terraform init` or any network access. TestExamples calls it once and
// shares the binary between its parallel subtests.
func exampleCLIConfig(t *testing.T, root string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to build the provider for terraform validate")
	}
	dir := t.TempDir()
	cmd := exec.Command(goBin, "build", "-o", filepath.Join(dir, "terraform-provider-roblox"), ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	config := "provider_installation {\n  dev_overrides {\n    \"terraform-roblox/roblox\" = " +
		strconv.Quote(filepath.ToSlash(dir)) + "\n  }\n  direct {}\n}\n"
	path := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(path, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestExamples checks every example that the documentation shows against the provider's real
// schemas with the Terraform CLI: each folder, together with examples/provider/provider.tf, must
// pass `terraform validate` without warnings of its own, and must be `terraform fmt` clean.
func TestExamples(t *testing.T) {
	t.Parallel()
	bin := terraformCLI(t)
	root := repoRoot(t)
	cases := exampleCases(t, root)
	cliConfig := exampleCLIConfig(t, root)
	providerTF := filepath.Join(root, "examples", "provider", "provider.tf")

	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			src := filepath.Join(root, filepath.FromSlash(tc.dir))
			for _, f := range tc.files {
				if _, err := os.Stat(filepath.Join(src, f)); err != nil {
					t.Errorf("missing %s/%s: %v", tc.dir, f, err)
				}
			}

			work := t.TempDir()
			tfFiles, err := filepath.Glob(filepath.Join(src, "*.tf"))
			if err != nil {
				t.Fatal(err)
			}
			if len(tfFiles) == 0 {
				t.Fatalf("%s holds no .tf file", tc.dir)
			}
			if !slices.Contains(tfFiles, providerTF) {
				tfFiles = append(tfFiles, providerTF)
			}
			for _, f := range tfFiles {
				copyFile(t, f, filepath.Join(work, filepath.Base(f)))
			}

			tf, err := tfexec.NewTerraform(work, bin)
			if err != nil {
				t.Fatal(err)
			}
			// A fresh HOME keeps the user's CLI configuration and plugin directories out of the check.
			if err := tf.SetEnv(map[string]string{
				"CHECKPOINT_DISABLE": "1",
				"TF_CLI_CONFIG_FILE": cliConfig,
				"HOME":               t.TempDir(),
			}); err != nil {
				t.Fatal(err)
			}

			ok, unformatted, err := tf.FormatCheck(ctx, tfexec.Dir(src))
			if err != nil {
				t.Fatalf("terraform fmt -check %s: %v", tc.dir, err)
			}
			if !ok {
				for i, f := range unformatted {
					unformatted[i] = filepath.Base(f)
				}
				t.Errorf("terraform fmt would change %s in %s; run `terraform fmt %s`", strings.Join(unformatted, ", "), tc.dir, tc.dir)
			}

			out, err := tf.Validate(ctx)
			if err != nil {
				t.Fatalf("terraform validate: %v", err)
			}
			for _, d := range out.Diagnostics {
				if d.Severity == "warning" && d.Summary == "Provider development overrides are in effect" {
					continue
				}
				where := ""
				if d.Range != nil {
					where = " at " + d.Range.Filename + ":" + strconv.Itoa(d.Range.Start.Line)
				}
				t.Errorf("terraform validate %s%s: %s: %s", d.Severity, where, d.Summary, d.Detail)
			}
			if !out.Valid {
				t.Errorf("terraform validate reports %s (with %s) as invalid", tc.dir, providerTF)
			}
		})
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

var (
	// importCommand is one `terraform import ADDRESS ID` line of an import.sh.
	importCommand = regexp.MustCompile(`^terraform import (\S+) (\S+)$`)
	// importBlock is an import block of import-by-string-id.tf with its to and id arguments.
	importBlock   = regexp.MustCompile(`(?s)import\s*\{(.*?)\n\}`)
	importBlockTo = regexp.MustCompile(`(?m)^\s*to\s*=\s*(\S+)\s*$`)
	importBlockID = regexp.MustCompile(`(?m)^\s*id\s*=\s*"([^"]*)"\s*$`)
)

// exampleImport is one import shown in the documentation: the resource address and the import ID.
type exampleImport struct {
	source  string
	address string
	id      string
}

// TestExampleImportIDs checks the import IDs that the resource pages show: each one parses as the
// resource's import does, is written in its canonical percent-encoding, and targets a resource of
// the right type that the example configuration declares.
func TestExampleImportIDs(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	for name, tc := range exampleCases(t, root) {
		if tc.resourceType == "" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(root, filepath.FromSlash(tc.dir))
			imports := readExampleImports(t, dir)
			if len(imports) == 0 {
				t.Fatalf("%s shows no import", tc.dir)
			}
			config, err := os.ReadFile(filepath.Join(dir, "resource.tf"))
			if err != nil {
				t.Fatal(err)
			}
			slashKey := false
			for _, imp := range imports {
				id, err := parseEntryID(imp.id)
				if err != nil {
					t.Errorf("%s: import ID %q does not parse: %v", imp.source, imp.id, err)
					continue
				}
				if got := id.String(); got != imp.id {
					t.Errorf("%s: import ID %q is not in canonical form %q (the resource's id attribute)", imp.source, imp.id, got)
				}
				slashKey = slashKey || strings.Contains(id.Key, "/")

				// The address is TYPE.NAME, optionally with a for_each or count index.
				typeName, resName, _ := strings.Cut(imp.address, ".")
				resName, _, _ = strings.Cut(resName, "[")
				if typeName != tc.resourceType {
					t.Errorf("%s: imports into %q, not a %s", imp.source, imp.address, tc.resourceType)
				}
				declared := regexp.MustCompile(`(?m)^resource\s+"` + regexp.QuoteMeta(typeName) + `"\s+"` + regexp.QuoteMeta(resName) + `"`)
				if !declared.Match(config) {
					t.Errorf("%s: imports into %q, which %s/resource.tf does not declare", imp.source, imp.address, tc.dir)
				}
			}
			if tc.resourceType == "roblox_datastore_entry" && !slashKey {
				t.Errorf("%s shows no import of a key holding \"/\" (written %%2F)", tc.dir)
			}
		})
	}
}

// readExampleImports collects the imports of a resource example folder: the commands of import.sh
// and the import blocks of import-by-string-id.tf.
func readExampleImports(t *testing.T, dir string) []exampleImport {
	t.Helper()
	var imports []exampleImport
	script, err := os.ReadFile(filepath.Join(dir, "import.sh"))
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(script), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := importCommand.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("import.sh:%d: %q is not `terraform import ADDRESS ID`", i+1, line)
			continue
		}
		imports = append(imports, exampleImport{
			source:  "import.sh:" + strconv.Itoa(i+1),
			address: strings.Trim(m[1], `'"`),
			id:      strings.Trim(m[2], `'"`),
		})
	}

	blocks, err := os.ReadFile(filepath.Join(dir, "import-by-string-id.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range importBlock.FindAllStringSubmatch(string(blocks), -1) {
		to := importBlockTo.FindStringSubmatch(m[1])
		id := importBlockID.FindStringSubmatch(m[1])
		if to == nil || id == nil {
			t.Errorf("import-by-string-id.tf: an import block without a literal `to` and `id`:\n%s", m[0])
			continue
		}
		imports = append(imports, exampleImport{source: "import-by-string-id.tf", address: to[1], id: id[1]})
	}
	return imports
}
