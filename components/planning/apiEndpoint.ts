// How clients name the API endpoint: the host (the DNS name when there is one, else the
// address), the port, `host:port`, the URL, and the names every API server certificate must
// carry for it. The one place these are derived. Pure.

export interface EndpointSettings {
    port: number;
    dns?: { name: string };
}

export interface ApiEndpoint {
    /** The reserved address (GCE static address, AWS Elastic IP or private address, on-prem VIP). */
    address: string;
    /** What clients dial: the DNS name when there is one, else the address. */
    host: string;
    port: number;
    /** `host:port`: kubeadm's controlPlaneEndpoint and a join's discovery endpoint. */
    hostPort: string;
    /** `https://host:port` */
    url: string;
    /** The endpoint's names on every API server certificate: the address, and the DNS name. */
    certificateNames: string[];
}

/** A DNS record name as the stack may write it (a trailing dot or not), without the dot. */
export function dnsName(name: string): string {
    return name.replace(/\.$/, "");
}

export function apiEndpoint(settings: EndpointSettings, address: string): ApiEndpoint {
    const name = settings.dns ? dnsName(settings.dns.name) : undefined;
    const host = name ?? address;
    const hostPort = `${host}:${settings.port}`;
    return { address, host, port: settings.port, hostPort, url: `https://${hostPort}`, certificateNames: name ? [address, name] : [address] };
}
