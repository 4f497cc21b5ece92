// Deterministic stand-ins for what a cloud would compute (ids, addresses, self-links) and
// for the read-only calls the program makes, so offline plans are stable run to run.
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { EndpointHolder } from "../../components/planning/endpoint";
import { fakeAdminKubeconfig } from "./fakeKubeconfig";

/** A stable address derived from a name: 10.128.x.y inside, 198.18.x.y (benchmark range) outside. */
export function fakeAddress(name: string, internal: boolean): string {
    const h = createHash("sha256").update(name).digest();
    const x = h[0];
    const y = 1 + (h[1] % 254);
    return internal ? `10.128.${x}.${y}` : `198.18.${x}.${y}`;
}

function selfLink(type: string, name: string, inputs: Record<string, unknown>): string {
    const project = String(inputs.project ?? "project");
    const where = inputs.zone ? `zones/${inputs.zone}` : inputs.region ? `regions/${inputs.region}` : "global";
    const kind = type.split(":")[2] ?? type;
    return `https://www.googleapis.com/compute/v1/projects/${project}/${where}/${kind.charAt(0).toLowerCase()}${kind.slice(1)}s/${inputs.name ?? name}`;
}

/** Placeholder certificate material named after its field (kubeadm makes the real ones on a host). */
function fakePem(...fields: string[]): Record<string, string> {
    return Object.fromEntries(fields.map((f) => [f, `offline ${f}\n`]));
}

export interface FakeCloudOptions {
    /** Who holds the endpoint address before this run (default: it does not exist yet). */
    endpointHolder?: EndpointHolder;
}

export function fakeCloud(options: FakeCloudOptions = {}): pulumi.runtime.Mocks {
    const holder = options.endpointHolder ?? "absent";
    return {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
            const inputs = args.inputs as Record<string, unknown>;
            const state: Record<string, unknown> = { ...inputs };
            switch (args.type) {
                case "gcp:compute/address:Address":
                    state.address = fakeAddress(String(inputs.name ?? args.name), inputs.addressType === "INTERNAL");
                    break;
                case "command:remote:Command":
                    if (args.name.endsWith("-ticket")) {
                        state.stdout = JSON.stringify({ token: "abcdef.0123456789abcdef", caCertHash: "sha256:00", certificateKey: "00" });
                    } else if (args.name === "etcd-ca") {
                        state.stdout = JSON.stringify(fakePem("caCert", "caKey", "apiServerClientCert", "apiServerClientKey"));
                    } else if (args.name.endsWith("-etcd-certs")) {
                        state.stdout = JSON.stringify(fakePem("serverCert", "serverKey", "peerCert", "peerKey", "clientCert", "clientKey"));
                    } else if (args.name.endsWith("-etcd-add")) {
                        // The sponsor's etcd answers at apply time; offline, say so.
                        state.stdout = JSON.stringify({ initialCluster: "(etcdctl member add answers at apply time)" });
                    } else if (args.name === "admin-kubeconfig") {
                        state.stdout = fakeAdminKubeconfig();
                    } else if (args.name.endsWith("-vip-interface")) {
                        // Offline, no host can be asked: the plan names the interface "detected".
                        state.stdout = "detected";
                    } else {
                        state.stdout = "";
                    }
                    break;
            }
            if (args.type.startsWith("gcp:compute/")) state.selfLink = selfLink(args.type, args.name, inputs);
            if (args.type.startsWith("aws:")) Object.assign(state, awsState(args.type, args.name));
            return { id: `${args.name}-id`, state };
        },
        call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
            const inputs = args.inputs as Record<string, unknown>;
            switch (args.token) {
                case "gcp:compute/getAddresses:getAddresses": {
                    if (holder === "absent") return { addresses: [] };
                    const name = /name = "(.*)"/.exec(String(inputs.filter))?.[1] ?? "";
                    return { addresses: [{ name, status: holder === "free" ? "RESERVED" : "IN_USE" }] };
                }
                case "gcp:compute/getAddress:getAddress": {
                    const users = holder === "loadBalancer" ? ".../forwardingRules/api" : holder === "node" ? ".../instances/cp" : "";
                    return { name: inputs.name, users, status: users ? "IN_USE" : "RESERVED" };
                }
                default:
                    if (args.token.startsWith("aws:")) return awsCall(args.token, inputs, holder);
                    throw new Error(`offline plan: no stand-in for the call ${args.token}`);
            }
        },
    };
}

/** What AWS computes for the resources haplane declares (addresses, allocation ids, ARNs). */
function awsState(type: string, name: string): Record<string, unknown> {
    switch (type) {
        case "aws:ec2/eip:Eip":
            return { publicIp: fakeAddress(`aws-${name}`, false), allocationId: `eipalloc-${name}` };
        case "aws:ec2/instance:Instance":
            return { privateIp: fakeAddress(`aws-${name}`, true) };
        case "aws:lb/loadBalancer:LoadBalancer":
        case "aws:lb/targetGroup:TargetGroup": {
            const kind = type.endsWith("LoadBalancer") ? "loadbalancer/net" : "targetgroup";
            return { arn: `arn:aws:elasticloadbalancing:offline:000000000000:${kind}/${name}`, dnsName: `${name}.elb.offline` };
        }
        default:
            return {};
    }
}

/**
 * The read-only AWS calls: the endpoint's Elastic IP and who holds it (DescribeAddresses), the
 * network interfaces holding an internal endpoint, a created VPC, and the AMI lookup.
 */
function awsCall(token: string, inputs: Record<string, unknown>, holder: EndpointHolder): Record<string, unknown> {
    switch (token) {
        case "aws:ec2/getAmi:getAmi":
            return { id: "ami-0offline00000000", name: "offline image" };
        case "aws:ec2/getEips:getEips":
            return holder === "absent" ? { allocationIds: [], publicIps: [] } : { allocationIds: ["eipalloc-api"], publicIps: [fakeAddress("aws-api", false)] };
        case "aws:ec2/getElasticIp:getElasticIp": {
            const found = { id: inputs.id, publicIp: fakeAddress("aws-api", false), associationId: "", instanceId: "", networkInterfaceId: "", networkInterfaceOwnerId: "" };
            if (holder === "node") return { ...found, associationId: "eipassoc-node", instanceId: "i-0offline", networkInterfaceId: "eni-node", networkInterfaceOwnerId: "000000000000" };
            if (holder === "loadBalancer") return { ...found, associationId: "eipassoc-nlb", networkInterfaceId: "eni-nlb", networkInterfaceOwnerId: "amazon-elb" };
            return found;
        }
        case "aws:ec2/getVpcs:getVpcs":
            return { ids: holder === "absent" ? [] : ["vpc-0offline"] };
        case "aws:ec2/getNetworkInterfaces:getNetworkInterfaces":
            return { ids: holder === "node" ? ["eni-node"] : holder === "loadBalancer" ? ["eni-nlb"] : [] };
        case "aws:ec2/getNetworkInterface:getNetworkInterface":
            return { id: inputs.id, interfaceType: inputs.id === "eni-nlb" ? "network_load_balancer" : "interface" };
        default:
            throw new Error(`offline plan: no stand-in for the call ${token}`);
    }
}
