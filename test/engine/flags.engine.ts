// The real kube-apiserver, kube-controller-manager and kube-scheduler (built by
// scripts/toolchain.sh at the cluster's minor version) parse the extraArgs haplane renders into
// the ClusterConfiguration; kubeadm copies them into the static Pod command lines without
// looking at them. Each binary parses its whole command line before it acts on --version, so
// `<binary> --version --<name>=<value> ...` exits 0 only when every flag exists, every value
// parses and every feature gate is known (haplane once rendered identity lease timing flags:
// `kube-apiserver --identity-lease-duration-seconds=3600 --version` fails "unknown flag").
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as YAML from "yaml";
import { StackConfig } from "../../components/config/schema";
import { KubeadmNode, renderInitConfig } from "../../components/render/kubeadm";
import { GCE_ENDPOINT, GCE_NODE, gce, NO_DNS, NO_IDENTITY, ONPREM_DNS, ONPREM_NODE, onprem, RENDER_CASES, VIP } from "./support/configs";
import { requireTool } from "../support/tools";

interface Arg {
    name: string;
    value: string;
}

/** ClusterConfiguration fields whose extraArgs go to each binary. */
const COMPONENTS = [
    ["apiServer", "kube-apiserver"],
    ["controllerManager", "kube-controller-manager"],
    ["scheduler", "kube-scheduler"],
] as const;
type Component = (typeof COMPONENTS)[number][0];

/** The extraArgs of one component in the ClusterConfiguration renderInitConfig renders. */
function extraArgs(config: StackConfig, endpoint: string, node: KubeadmNode, component: Component): Arg[] {
    const docs = YAML.parseAllDocuments(renderInitConfig(config, endpoint, node)).map((d) => d.toJSON());
    const cluster = docs.find((d) => d?.kind === "ClusterConfiguration");
    assert.ok(cluster, "renderInitConfig renders a ClusterConfiguration");
    const args = cluster[component]?.extraArgs;
    assert.ok(Array.isArray(args), `${component}.extraArgs is a list of {name, value} (kubeadm v1beta4)`);
    return args as Arg[];
}

interface Run {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** `<binary> --version --<name>=<value> ...` */
function run(binary: string, args: Arg[]): Run {
    const r = spawnSync(binary, ["--version", ...args.map((a) => `--${a.name}=${a.value}`)], { encoding: "utf8", timeout: 60_000 });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function commandLine(binary: string, args: Arg[]): string {
    return [binary, "--version", ...args.map((a) => `--${a.name}=${a.value}`)].join(" ");
}

/** The binary parses every flag and prints its version, with nothing on stderr (a deprecated flag warns there). */
function accepts(binary: string, args: Arg[]): void {
    const r = run(binary, args);
    assert.equal(r.status, 0, `${binary} rejected its flags:\n${commandLine(binary, args)}\n---\n${r.stderr}${r.stdout}`.slice(0, 4000));
    assert.match(r.stdout.trim(), /^Kubernetes v1\.\d+\.\d+$/, `${binary} printed its version`);
    assert.equal(r.stderr.trim(), "", `${binary} warned about its flags:\n${commandLine(binary, args)}`);
}

/** The binary exits non-zero with a message matching `reason`. */
function rejects(binary: string, args: Arg[], reason: RegExp): void {
    const r = run(binary, args);
    assert.notEqual(r.status, 0, `${binary} accepted broken flags:\n${commandLine(binary, args)}\n---\n${r.stdout}${r.stderr}`);
    assert.match(`${r.stdout}${r.stderr}`, reason);
}

/** `args` with the value of `name` replaced (or appended). */
function withArg(args: Arg[], name: string, value: string): Arg[] {
    return [...args.filter((a) => a.name !== name), { name, value }];
}

describe("engine: the control-plane binaries accept the flags haplane renders", function () {
    this.timeout(5 * 60 * 1000);

    before(function () {
        for (const [, binary] of COMPONENTS) requireTool(this, binary);
    });

    for (const [, binary] of COMPONENTS) {
        it(`is the ${binary} of the cluster's minor version`, () => {
            const r = run(binary, []);
            assert.equal(r.status, 0, r.stderr);
            const minor = gce().kubernetesVersion.split(".").slice(0, 2).join(".");
            assert.match(r.stdout.trim(), new RegExp(`^Kubernetes v${minor.replace(".", "\\.")}\\.\\d+$`), `scripts/toolchain.sh builds ${binary} at the stacks' minor version`);
        });
    }

    for (const [label, config, endpoint, node] of RENDER_CASES) {
        for (const [component, binary] of COMPONENTS) {
            it(`${binary} accepts ${component}.extraArgs: ${label}`, () => {
                const args = extraArgs(config(), endpoint, node, component);
                assert.ok(args.length > 0, `${component}.extraArgs is empty: nothing to check`);
                accepts(binary, args);
            });
        }
    }

    it("checks what the cases claim: the gate, port sharing and leader election are among the flags", () => {
        const names = (c: StackConfig, component: Component) => extraArgs(c, VIP, ONPREM_NODE, component).map((a) => `${a.name}=${a.value}`);
        assert.ok(names(onprem(), "apiServer").includes("permit-port-sharing=true"));
        assert.ok(names(onprem(), "apiServer").includes("feature-gates=APIServerIdentity=true"));
        assert.ok(names(onprem(NO_IDENTITY), "apiServer").includes("feature-gates=APIServerIdentity=false"));
        for (const component of ["controllerManager", "scheduler"] as const) {
            assert.ok(names(gce(), component).includes("leader-elect-resource-lock=leases"), component);
        }
    });

    // The check can fail: the rendered flags, broken one way each.
    const gceArgs = (component: Component) => extraArgs(gce(), GCE_ENDPOINT, GCE_NODE, component);

    it("rejects the identity lease timing flag kube-apiserver does not have", () => {
        rejects("kube-apiserver", [...gceArgs("apiServer"), { name: "identity-lease-duration-seconds", value: "3600" }], /unknown flag: --identity-lease-duration-seconds/);
    });

    for (const [component, binary] of COMPONENTS) {
        it(`${binary} rejects an unknown flag`, () => {
            rejects(binary, [...gceArgs(component), { name: "no-such-flag", value: "true" }], /unknown flag: --no-such-flag/);
        });

        // Unknown gates are refused after parsing, still before --version acts (1.32: "command failed").
        it(`${binary} rejects an unknown feature gate`, () => {
            const gates = gceArgs(component).find((a) => a.name === "feature-gates")?.value;
            rejects(binary, withArg(gceArgs(component), "feature-gates", gates ? `${gates},NoSuchGate=true` : "NoSuchGate=true"), /unrecognized feature gate: NoSuchGate/);
        });
    }

    it("kube-apiserver rejects a feature gate value that is not a boolean", () => {
        rejects("kube-apiserver", withArg(gceArgs("apiServer"), "feature-gates", "APIServerIdentity=yes"), /invalid value of APIServerIdentity=yes/);
    });

    it("kube-apiserver rejects a malformed permit-port-sharing", () => {
        const args = extraArgs(onprem(), VIP, ONPREM_NODE, "apiServer");
        rejects("kube-apiserver", withArg(args, "permit-port-sharing", "yes"), /invalid argument "yes" for "--permit-port-sharing"/);
    });

    it("kube-controller-manager rejects a lease duration without a unit", () => {
        rejects("kube-controller-manager", withArg(gceArgs("controllerManager"), "leader-elect-lease-duration", "15"), /missing unit in duration/);
    });

    it("flags a deprecated flag: it parses, but the warning fails the check", () => {
        const args = [...gceArgs("apiServer"), { name: "enable-logs-handler", value: "false" }];
        assert.equal(run("kube-apiserver", args).status, 0);
        assert.throws(() => accepts("kube-apiserver", args), /warned about its flags/);
    });
});
