// A tiny client of the real Kubernetes API for the lab: a kubeconfig as kubeadm writes it
// (admin.conf: the cluster CA and a client certificate as base64 data), HTTPS with client
// certificate authentication, a bounded time per request, and the few calls the lab's health
// summary and its probe make. No dependency beyond Node and `yaml`.
//
// Errors carry the method, the path, the HTTP status and the API's Status.message; never the
// kubeconfig's contents (keys, certificates, tokens) nor request headers.
//
// This module is the public face of the folder: one file per concern behind it.
export { KubeClient } from "./client";
export type { KubeClientOptions, RawResponse } from "./client";
export { AlreadyExistsError, isAlreadyExists, isNotFound, KubeApiError } from "./errors";
export { loadKubeconfig, parseKubeconfig } from "./kubeconfig";
export type { Kubeconfig } from "./kubeconfig";
export type { ConfigMap, Lease, ListMeta, Namespace, Node, NodeCondition, ObjectMeta, Status } from "./objects";
export { parseKubeTime } from "./time";
