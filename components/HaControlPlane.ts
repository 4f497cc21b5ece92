// The whole highly-available control plane on any platform: endpoint (Vip), nodes
// (ControlPlaneNode), load balancer (LoadBalancer, from two replicas), haplane's own etcd when
// external (ExternalEtcdCluster, on-prem), and membership (EtcdCluster). ARCHITECTURE.md maps it.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { StackConfig } from "./config/schema";
import { ControlPlaneNode } from "./ControlPlaneNode";
import { EtcdCluster } from "./EtcdCluster";
import { EtcdHost, ExternalEtcdCluster } from "./ExternalEtcdCluster";
import { LoadBalancer } from "./LoadBalancer";
import { apiEndpoint } from "./planning/apiEndpoint";
import { endpointMode } from "./planning/endpoint";
import { ClusterContext, Platform } from "./platform/types";
import { renderCloudInit } from "./render/cloudInit";
import { readAdminAccess } from "./adminAccess";
import { kubeadmMembership, MembershipCommands } from "./render/commands";
import { Vip } from "./Vip";
import { clusterProvider } from "./clusterProvider";
import { InClusterHa } from "./InClusterHa";
import { haProfiles } from "./planning/haPresets";

export interface HaControlPlaneArgs {
    /** The validated stack config, its replicas placed (components/config/parse.ts). */
    config: StackConfig;
    /** The platform of `config.platform`, from the registry (components/platform/index.ts). */
    platform: Platform;
    /** SSH private key for the nodes; must be a Pulumi secret. */
    sshPrivateKey: pulumi.Output<string>;
    /** What runs for each membership step (default: kubeadm and etcdctl on the nodes). */
    membership?: MembershipCommands;
}

export class HaControlPlane extends pulumi.ComponentResource {
    /** `https://<endpoint>:<port>` */
    readonly apiServerUrl: pulumi.Output<string>;
    readonly endpointAddress: pulumi.Output<string>;
    readonly endpointMode: "node" | "loadBalancer";
    /** Where the endpoint address lives; says when a second `pulumi up` is needed. */
    readonly endpointHandoff: pulumi.Output<string>;
    /** The cluster admin's kubeconfig (a Pulumi secret; server: the endpoint); undefined with kubeadm.dryRun. */
    readonly kubeconfig: pulumi.Output<string | undefined>;
    /** The cluster CA's certificate (PEM). */
    readonly clusterCaCertificate: pulumi.Output<string | undefined>;
    /** When the kubeconfig's admin credentials expire (ISO 8601; kubeadm issues them for a year). */
    readonly kubeconfigExpires: pulumi.Output<string | undefined>;
    readonly replicas: pulumi.Output<{ name: string; zone: string; internalIp: string; externalIp: string | undefined }[]>;
    readonly nodes: ControlPlaneNode[];
    readonly vip: Vip;
    readonly loadBalancer?: LoadBalancer;
    readonly etcd: EtcdCluster;
    readonly externalEtcd?: ExternalEtcdCluster;
    private clusterProvider?: k8s.Provider;
    private readonly makeProvider?: () => k8s.Provider;
    /** The in-cluster HA profiles applied, CoreDNS's first. */
    readonly inClusterHa: InClusterHa[] = [];

    constructor(name: string, args: HaControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
        super("haplane:index:HaControlPlane", name, {}, opts);
        const { config, platform } = args;
        const replicas = config.placement;
        const sshPrivateKey = pulumi.secret(args.sshPrivateKey);
        const ctx: ClusterContext = { config, prefix: config.clusterName, replicas, sshPrivateKey };

        this.vip = new Vip("endpoint", { ctx, platform }, { parent: this });
        platform.network(ctx, this.vip.endpoint, this);
        const userData = renderCloudInit({
            kubernetesVersion: config.kubernetesVersion,
            sshUser: config.ssh.user,
            sshPublicKey: config.ssh.publicKey,
        });

        this.nodes = replicas.map(
            (replica) =>
                new ControlPlaneNode(
                    replica.name,
                    {
                        ctx,
                        platform,
                        replica,
                        endpoint: this.vip.endpoint,
                        holdsEndpoint: this.vip.plan.apply((p) => p.attachTo === replica.name),
                        userData,
                    },
                    { parent: this },
                ),
        );

        // The endpoint's and the load balancer's pieces on each node (on-prem: keepalived and
        // haproxy), declared under Vip and LoadBalancer once the nodes exist.
        const endpointOnNodes = this.vip.placeOn(this.nodes);
        this.endpointMode = endpointMode(replicas.length);
        if (LoadBalancer.needed(platform, replicas.length)) {
            this.loadBalancer = new LoadBalancer(
                "api",
                { ctx, platform, endpoint: this.vip.endpoint, nodes: this.nodes, endpointOnNodes, waitForNodes: this.vip.plan.apply((p) => p.frontendWaitsForNodes) },
                { parent: this },
            );
        }
        // What each node's join waits for on it: the endpoint's pieces, and the load balancer's.
        const onNodes = this.loadBalancer?.onNodes ?? endpointOnNodes;

        if (config.etcd.topology === "external") {
            this.externalEtcd = new ExternalEtcdCluster("external-etcd", { config, hosts: this.etcdHosts(ctx, platform), sshPrivateKey }, { parent: this });
        }

        const membership = args.membership ?? kubeadmMembership(config.etcd.topology, config.kubeadm.dryRun ? "dry-run" : "real");
        this.etcd = new EtcdCluster(
            "etcd",
            {
                config,
                nodes: this.nodes,
                endpointOnNodes: onNodes,
                endpointAddress: this.vip.address,
                sshPrivateKey,
                endpointReady: this.loadBalancer?.ready ?? [...this.nodes[0].machine.resources, ...(onNodes.get(this.nodes[0].replica.name) ?? [])],
                membership,
                externalEtcd: this.externalEtcd?.client,
            },
            { parent: this },
        );

        this.endpointAddress = this.vip.address;
        this.apiServerUrl = this.vip.address.apply((a) => apiEndpoint(config.endpoint, a).url);
        this.endpointHandoff = this.vip.plan.apply((p) => p.status);
        // A dry run of kubeadm writes no admin kubeconfig.
        const access = config.kubeadm.dryRun
            ? undefined
            : readAdminAccess({
                  config,
                  node: this.nodes.find((n) => n.replica.name === this.etcd.members[0].plan.name)!,
                  member: this.etcd.members[0].join,
                  sshPrivateKey,
                  run: membership,
                  serverUrl: this.apiServerUrl,
                  parent: this,
              });
        this.kubeconfig = access?.kubeconfig ?? pulumi.output<string | undefined>(undefined);
        this.clusterCaCertificate = access?.caCertificate ?? pulumi.output<string | undefined>(undefined);
        this.kubeconfigExpires = access?.expires ?? pulumi.output<string | undefined>(undefined);
        if (access) {
            this.makeProvider = () => clusterProvider({ apiServerUrl: this.apiServerUrl, kubeconfig: access.kubeconfig, caCertificate: access.caCertificate, parent: this });
            // Through the provider only, not after every member: a break-glass destroy of one
            // replica must not reach them. Replicas that find no node yet wait for the joins.
            for (const profile of haProfiles(config, replicas.length)) {
                this.inClusterHa.push(new InClusterHa(profile.name, { profile, provider: this.provider! }, { parent: this }));
            }
        }
        this.replicas = pulumi.all(
            this.nodes.map((n) =>
                pulumi.all([n.internalIp, n.externalIp]).apply(([internalIp, externalIp]) => ({
                    name: n.replica.name,
                    zone: n.replica.zone,
                    internalIp,
                    externalIp,
                })),
            ),
        );
        this.registerOutputs({
            apiServerUrl: this.apiServerUrl,
            endpointAddress: this.endpointAddress,
            endpointMode: this.endpointMode,
            endpointHandoff: this.endpointHandoff,
            replicas: this.replicas,
            kubeconfig: this.kubeconfig,
            clusterCaCertificate: this.clusterCaCertificate,
            kubeconfigExpires: this.kubeconfigExpires,
        });
    }

    /**
     * A Kubernetes provider for this cluster (its admin kubeconfig), whose first use waits until
     * the API answers /readyz through the endpoint; undefined with kubeadm.dryRun. Declared on
     * first use: a stack with no Kubernetes resources has neither the provider nor the wait.
     */
    get provider(): k8s.Provider | undefined {
        if (!this.clusterProvider && this.makeProvider) this.clusterProvider = this.makeProvider();
        return this.clusterProvider;
    }

    /** External etcd runs on hosts of its own when the stack lists them, else on the control-plane hosts. */
    private etcdHosts(ctx: ClusterContext, platform: Platform): EtcdHost[] {
        const own = ctx.config.etcd.hosts;
        if (!own) return this.nodes.map((n) => ({ name: n.replica.name, zone: n.replica.zone, address: n.internalIp, resources: n.machine.resources }));
        if (!platform.etcdHost) throw new Error(`haplane:etcd.hosts: platform ${platform.name} has no etcd hosts of its own`);
        const etcdHost = platform.etcdHost.bind(platform);
        return own.map((h) => {
            const machine = etcdHost(ctx, { name: h.name, zone: h.zone }, this);
            return { name: h.name, zone: h.zone, address: machine.internalIp, resources: machine.resources };
        });
    }
}
