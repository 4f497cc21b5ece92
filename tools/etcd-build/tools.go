//go:build tools

// The commands scripts/toolchain.sh builds from this module: etcd (upstream's own main package
// of the server module, which etcd's build.sh builds too), etcdctl and etcdutl, all at v3.5.16.
// Go 1.23 (see go.mod) has no `tool` directive, so they are imported here, behind a build tag
// that no build sets, for `go mod tidy` to keep their requirements.
package tools

import (
	_ "go.etcd.io/etcd/etcdctl/v3"
	_ "go.etcd.io/etcd/etcdutl/v3"
	_ "go.etcd.io/etcd/server/v3"
)
