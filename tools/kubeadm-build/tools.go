//go:build tools

// The commands scripts/toolchain.sh builds from this module. Go 1.23 (see go.mod) has no
// `tool` directive, so they are imported here, behind a build tag that no build sets, for
// `go mod tidy` to keep every requirement they need.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubeadm"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
