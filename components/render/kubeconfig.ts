// The stack's admin access, from kubeadm's admin kubeconfig on a control-plane node: the
// kubeconfig with its server set to the cluster's endpoint (never a node's own address), the
// cluster's CA certificate, and when the admin credentials expire. Pure.
import { X509Certificate } from "crypto";
import * as YAML from "yaml";

export interface AdminAccess {
    /** The kubeconfig (a secret: it carries the admin's client key). */
    kubeconfig: string;
    /** The cluster CA's certificate, PEM. */
    caCertificate: string;
    /** When the admin's client certificate expires, ISO 8601. */
    expires: string;
}

interface KubeconfigDoc {
    clusters?: { name?: string; cluster?: { server?: string; "certificate-authority-data"?: string } }[];
    users?: { name?: string; user?: { "client-certificate-data"?: string; "client-key-data"?: string } }[];
}

function certificate(base64: string | undefined, what: string, source: string): X509Certificate {
    if (!base64) throw new Error(`haplane: ${source} has no ${what}`);
    try {
        return new X509Certificate(Buffer.from(base64, "base64"));
    } catch (e) {
        throw new Error(`haplane: ${source}'s ${what} is not a certificate (${(e as Error).message})`);
    }
}

/** `source` names where the kubeconfig came from, for errors (e.g. "cp-1's /etc/kubernetes/admin.conf"). */
export function adminAccess(adminConf: string, server: string, source: string): AdminAccess {
    let doc: KubeconfigDoc;
    try {
        doc = YAML.parse(adminConf) as KubeconfigDoc;
    } catch (e) {
        throw new Error(`haplane: ${source} is not YAML (${(e as Error).message})`);
    }
    const clusters = doc?.clusters ?? [];
    const users = doc?.users ?? [];
    if (clusters.length !== 1 || users.length !== 1) {
        throw new Error(`haplane: ${source} has ${clusters.length} clusters and ${users.length} users; kubeadm writes one of each`);
    }
    const ca = certificate(clusters[0].cluster?.["certificate-authority-data"], "certificate-authority-data", source);
    const client = certificate(users[0].user?.["client-certificate-data"], "client-certificate-data", source);
    if (!client.checkIssued(ca) || !client.verify(ca.publicKey)) throw new Error(`haplane: ${source}'s client certificate is not issued by its cluster CA`);
    clusters[0].cluster!.server = server;
    return { kubeconfig: YAML.stringify(doc), caCertificate: ca.toString(), expires: new Date(client.validTo).toISOString() };
}
