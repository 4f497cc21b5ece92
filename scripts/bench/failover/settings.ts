// The failover bench's fixed numbers: the keepalived settings it compares, and how often and how
// long each figure probes (methods.ts prints what they mean for the reader).
export const PLATFORM_ADVERT_S = 0.2; // the platform's default (components/render/keepalived.ts)
export const KEEPALIVED_DEFAULT_ADVERT_S = 1; // keepalived's own default advert_int

// Probing parameters (see printMethods for what they mean).
export const VIP_POLL_MS = 10;
export const VIP_ATTEMPT_TIMEOUT_MS = 500;
export const VIP_OBSERVE_AFTER_MS = 5000;
export const TAKEOVER_LIMIT_MS = 20_000;
export const ADMIN_POLL_MS = 10;
export const TCP_POLL_MS = 10;
export const BACKEND_VIP_POLL_MS = 20;
export const BACKEND_VIP_TIMEOUT_MS = 2000;
export const DOWN_LIMIT_MS = 15_000;
export const BACK_UP_LIMIT_MS = 300_000; // the kubelet's restart back-off tops out at 5 min
export const ETCD_PUT_EVERY_MS = 10;
export const ETCD_PUT_TIMEOUT_MS = 500;
export const ETCD_RESUME_LIMIT_MS = 20_000;
export const ETCD_KEY = "haplane-bench/failover";
// A killed or cut-off host's containers may sit in the kubelet's restart back-off (up to 5 min).
export const SETTLE_TIMEOUT_MS = 360_000;
export const REVIVE_AFTER_MS = 60_000;
export const DEPLOY_TIMEOUT_MS = 15 * 60_000;
export const LAB_DEPLOY_TIMEOUT_MS = 45 * 60_000; // may build the toolchain first
