// pulumi-resource-kubernetes, the Pulumi Kubernetes provider, built offline by
// scripts/toolchain.sh from the one provider/v4 version the Go module proxy serves here (the
// commit of tag v4.25.0, which @pulumi/kubernetes 4.25.0 on npm belongs to).
//
// The module's own main package embeds schema-embed.json and terraform-mapping-embed.json,
// which its go:generate step writes and its module zip leaves out. So this wrapper serves the
// same provider with the two files the toolchain generates next to this file before the build
// (from the module's schema.json and terraform-mapping.json, with the release's version set).
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, schema, terraformMapping)
}
