// An admin kubeconfig as kubeadm writes it, for the offline plan: a throwaway CA and client
// certificate made once with openssl (valid until 2126; their keys were discarded, so the
// client key is a placeholder). Lets the plan compute the stack's kubeconfig outputs.
import * as YAML from "yaml";

const CA_CERTIFICATE = [
    "-----BEGIN CERTIFICATE-----",
    "MIIBlzCCAT2gAwIBAgIUf2sf0feDQ+iot57Wa0TN7ekP6OwwCgYIKoZIzj0EAwIw",
    "IDEeMBwGA1UEAwwVb2ZmbGluZS1rdWJlcm5ldGVzLWNhMCAXDTI2MTIwNDE0MzAw",
    "MloYDzIxMjYxMTEwMTQzMDAyWjAgMR4wHAYDVQQDDBVvZmZsaW5lLWt1YmVybmV0",
    "ZXMtY2EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASQyV/CHmTFM18GqSqGRuhR",
    "92zoekK5DANTaEt1A5WhdGQ1+Q1j901APWdRZlH4OIDrhX754P9tZYaxp+KQDt8q",
    "o1MwUTAdBgNVHQ4EFgQUYVTl5kztOqQwQgveKFTrE02Jz0AwHwYDVR0jBBgwFoAU",
    "YVTl5kztOqQwQgveKFTrE02Jz0AwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQD",
    "AgNIADBFAiEAxhXJya7JD4SdPIxHpq6HZM5PjVlKf61OHao68NhdimoCICbyMZ0n",
    "ppWwO5xaeLqj+QYoA6+Ks22/SSRAbnru9baW",
    "-----END CERTIFICATE-----",
].join("\n");

const CLIENT_CERTIFICATE = [
    "-----BEGIN CERTIFICATE-----",
    "MIIBWTCB/wIUUuWqqr7XS848c71+smv6GjsYBuMwCgYIKoZIzj0EAwIwIDEeMBwG",
    "A1UEAwwVb2ZmbGluZS1rdWJlcm5ldGVzLWNhMCAXDTI2MTIwNDE0MzAwMloYDzIx",
    "MjYxMTEwMTQzMDAyWjA8MR8wHQYDVQQKDBZrdWJlYWRtOmNsdXN0ZXItYWRtaW5z",
    "MRkwFwYDVQQDDBBrdWJlcm5ldGVzLWFkbWluMFkwEwYHKoZIzj0CAQYIKoZIzj0D",
    "AQcDQgAE0wQyqxFyKLOi6fd6TdzMmoXpJJGOUCWCJpY+sCQTdZnIEkkME2KbbLpn",
    "vA8lKUM9p7e+CanDy+G3yk3lbNTOwTAKBggqhkjOPQQDAgNJADBGAiEA2ajsg12L",
    "Gjcsi99yg9kjFvCSxZrzjGelmP3Lqs4DJpkCIQCTVNSNSydZ4SJFHexewzs+r28l",
    "rmLIEo4pydTCgEhGzQ==",
    "-----END CERTIFICATE-----",
].join("\n");

const base64 = (text: string) => Buffer.from(`${text}\n`).toString("base64");

/** kubeadm's admin.conf shape: one cluster, one user, one context; `server` as kubeadm sets it. */
export function fakeAdminKubeconfig(server = "https://offline-control-plane-endpoint:6443"): string {
    return YAML.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "kubernetes", cluster: { server, "certificate-authority-data": base64(CA_CERTIFICATE) } }],
        users: [{ name: "kubernetes-admin", user: { "client-certificate-data": base64(CLIENT_CERTIFICATE), "client-key-data": base64("offline client key") } }],
        contexts: [{ name: "kubernetes-admin@kubernetes", context: { cluster: "kubernetes", user: "kubernetes-admin" } }],
        "current-context": "kubernetes-admin@kubernetes",
    });
}
