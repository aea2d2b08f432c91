package sessionkit_test

// The error aliases' doc comments carry their structs, checked against the
// real types.

import (
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
)

// TestErrorAliasesDocumentTheirStructs: the error types are aliases of the
// engine's, so go doc and pkg.go.dev show only their doc comments. Each
// comment carries the struct as Go source; this test parses that source
// and checks it against the actual type, field by field (names and types),
// and that every method is named, so the docs cannot fall behind.
func TestErrorAliasesDocumentTheirStructs(t *testing.T) {
	docs := aliasDocs(t, "errors.go")
	for name, v := range map[string]any{
		"APIError":       sessionkit.APIError{},
		"FieldError":     sessionkit.FieldError{},
		"PageError":      sessionkit.PageError{},
		"MalformedError": sessionkit.MalformedError{},
	} {
		t.Run(name, func(t *testing.T) {
			doc, ok := docs[name]
			require.True(t, ok, "no doc comment for %s", name)
			documented := documentedFields(t, name, doc)
			rt := reflect.TypeOf(v)
			var actual []string
			for i := range rt.NumField() {
				f := rt.Field(i)
				if f.IsExported() {
					typ := strings.NewReplacer("engine.", "", "uint8", "byte").Replace(f.Type.String())
					actual = append(actual, f.Name+" "+typ)
				}
			}
			assert.Equal(t, actual, documented, "the struct in %s's doc comment differs from the type", name)
			pt := reflect.PointerTo(rt)
			for i := range pt.NumMethod() {
				m := pt.Method(i).Name
				assert.Contains(t, doc, m+"()", "%s's doc comment does not name its method %s", name, m)
			}
		})
	}
}

// aliasDocs returns the doc comment of every type declared in file.
func aliasDocs(t *testing.T, file string) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ParseComments)
	require.NoError(t, err)
	docs := map[string]string{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, spec := range gd.Specs {
			ts := spec.(*ast.TypeSpec)
			doc := gd.Doc
			if ts.Doc != nil {
				doc = ts.Doc
			}
			if doc != nil {
				docs[ts.Name.Name] = doc.Text()
			}
		}
	}
	return docs
}

// documentedFields parses the "type name struct { ... }" code block of doc
// and returns its fields as "Name Type", one per name.
func documentedFields(t *testing.T, name, doc string) []string {
	t.Helper()
	var block []string
	for _, line := range strings.Split(doc, "\n") {
		line = strings.TrimPrefix(line, "\t") // the comment's code block indent
		if block == nil && line != "type "+name+" struct {" {
			continue
		}
		block = append(block, line)
		if line == "}" {
			break
		}
	}
	require.NotEmpty(t, block, "the doc comment shows no struct")
	src := "package p\n" + strings.Join(block, "\n")
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "doc.go", src, 0)
	require.NoError(t, err, "the struct in the doc comment is not Go:\n%s", src)
	st := f.Decls[0].(*ast.GenDecl).Specs[0].(*ast.TypeSpec).Type.(*ast.StructType)
	var fields []string
	for _, fl := range st.Fields.List {
		var typ strings.Builder
		require.NoError(t, format.Node(&typ, fset, fl.Type))
		for _, n := range fl.Names {
			fields = append(fields, n.Name+" "+typ.String())
		}
	}
	return fields
}
