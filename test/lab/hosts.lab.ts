// The local lab's hosts (scripts/lab): network namespaces on one bridge, each with its own /etc,
// /var/lib, /run and sshd, and the systemctl shim. Needs root; without root the lab tests skip,
// except under CI (or HAPLANE_REQUIRE_TOOLS=1), where they fail. The lab belongs to this test
// while it runs: it starts with `down` and ends with `down`.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
    BRIDGE,
    cutOff,
    hostAddress,
    LAB_DIR,
    labDown,
    labHosts,
    labKeyPath,
    labSsh,
    labStatus,
    labUp,
    LabUsageError,
    parseHostCount,
    restore,
} from "../../scripts/lab/hosts";
import { requireTool } from "../support/tools";
import { scriptPath } from "../../components/render/commands";
import { hostCgroups, toolchainImages } from "../../scripts/lab/nodeFiles";

const LAB_SCRIPTS = path.join(__dirname, "../../scripts/lab");

function requireRoot(ctx: Mocha.Context): void {
    if (process.getuid?.() === 0) return;
    if (process.env.HAPLANE_REQUIRE_TOOLS === "1" || process.env.CI) throw new Error("the lab tests need root (CI or HAPLANE_REQUIRE_TOOLS=1)");
    console.log("      (skipped: the lab tests need root for network namespaces and bind mounts)");
    ctx.skip();
}

/** Runs a command on a host and returns its stdout; fails the test on a non-zero exit. */
function on(host: string, command: string, timeoutMs = 30_000): string {
    const r = labSsh(host, command, { timeoutMs });
    assert.equal(r.status, 0, `${host}: ${command}: exit ${r.status}\n${r.stderr}`);
    return r.stdout;
}

function netnsPids(name: string): number[] {
    const r = spawnSync("ip", ["netns", "pids", name], { encoding: "utf8", timeout: 10_000 });
    return (r.stdout ?? "").split(/\s+/).filter(Boolean).map(Number);
}

/** "pid:starttime", so that a recycled PID is not mistaken for a survivor. */
function identity(pid: number): string | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        if (f[0] === "Z" || f[0] === "X") return undefined; // ended, not yet reaped
        return `${pid}:${f[19]}`;
    } catch {
        return undefined;
    }
}

function netnsNames(): string[] {
    const out = spawnSync("ip", ["-j", "netns", "list"], { encoding: "utf8", timeout: 10_000 }).stdout.trim();
    return out ? (JSON.parse(out) as { name: string }[]).map((n) => n.name) : [];
}

function mountsUnderLab(): string[] {
    return fs
        .readFileSync("/proc/self/mountinfo", "utf8")
        .split("\n")
        .map((l) => l.split(" ")[4] ?? "")
        .filter((m) => m === LAB_DIR || m.startsWith(`${LAB_DIR}/`));
}

describe("lab: arguments", () => {
    it("up takes N from 1 to 7, 3 by default", () => {
        assert.equal(parseHostCount(undefined), 3);
        assert.equal(parseHostCount("1"), 1);
        assert.equal(parseHostCount("7"), 7);
        assert.equal(parseHostCount(5), 5);
    });

    for (const bad of ["0", "8", "x", "-1", "2.5", ""]) {
        it(`up rejects N=${JSON.stringify(bad)}, naming the argument and what is allowed`, async () => {
            assert.throws(() => parseHostCount(bad), (e: Error) => e instanceof LabUsageError && /\bN\b/.test(e.message) && /from 1 to 7/.test(e.message) && e.message.includes(JSON.stringify(bad)));
            // labUp validates before it touches anything, so this needs no root and creates nothing.
            await assert.rejects(labUp(bad), LabUsageError);
        });
    }

    it("the CLI exits 2 on a bad N and creates nothing", function () {
        this.timeout(60_000);
        const existed = fs.existsSync(LAB_DIR);
        // deploy checks N before it builds the toolchain or starts a host.
        for (const [command, n] of [["up", "8"], ["deploy", "9"]]) {
            const r = spawnSync("npx", ["ts-node", "--transpile-only", path.join(LAB_SCRIPTS, "main.ts"), command, n], { encoding: "utf8", timeout: 60_000 });
            assert.equal(r.status, 2, r.stderr);
            assert.match(r.stderr, new RegExp(`N \\(the number of lab hosts\\) must be a whole number from 1 to 7, got "${n}"`));
            assert.equal(fs.existsSync(LAB_DIR), existed);
        }
    });

    it("the lab's shell files pass shellcheck", function () {
        requireTool(this, "shellcheck");
        const files = ["systemctl", "host-init.sh"].map((f) => path.join(LAB_SCRIPTS, f));
        // -a: also report inside the files they source (systemctl's parts in systemctl.d/).
        const r = spawnSync("shellcheck", ["-a", ...files], { encoding: "utf8", timeout: 60_000 });
        assert.equal(r.status, 0, r.stdout + r.stderr);
    });
});

describe("lab: hosts on this machine", function () {
    this.timeout(300_000);

    before(async function () {
        requireRoot(this);
        for (const tool of ["ip", "unshare", "ssh", "ssh-keygen", "sshd", "ping", "setpriv"]) requireTool(this, tool);
        await labDown(); // the lab is this test's while it runs
    });

    after(async function () {
        if (process.getuid?.() === 0) await labDown();
    });

    it("up 3: lab-1..lab-3, each reachable over SSH with its own host name", async () => {
        const hosts = await labUp(3);
        assert.deepEqual(
            hosts.map((h) => [h.name, h.address]),
            [["lab-1", "198.18.0.11"], ["lab-2", "198.18.0.12"], ["lab-3", "198.18.0.13"]],
        );
        assert.ok(fs.existsSync(labKeyPath()));
        for (const h of hosts) assert.equal(on(h.name, "hostname").trim(), h.name);
        const status = labStatus();
        assert.deepEqual(status.map((s) => [s.name, s.link, s.sshd]), [["lab-1", "up", true], ["lab-2", "up", true], ["lab-3", "up", true]]);
    });

    it("the hosts sit on the bridge and nowhere else: no default route", () => {
        for (const h of labHosts()) {
            assert.equal(on(h.name, "ip -o -4 addr show dev eth0 | awk '{print $4}'").trim(), `${h.address}/24`);
            assert.equal(on(h.name, "ip route show default").trim(), "");
            assert.equal(on(h.name, "ip -o link show lo | grep -c LOWER_UP").trim(), "1");
        }
    });

    it("up is idempotent: running hosts are left as they are; a bigger N adds hosts", async () => {
        const before = new Map(labStatus().map((s) => [s.name, s.sshdPid]));
        await labUp(3);
        assert.deepEqual(new Map(labStatus().map((s) => [s.name, s.sshdPid])), before);
        await labUp(4);
        const after = labStatus();
        assert.deepEqual(after.map((s) => s.name), ["lab-1", "lab-2", "lab-3", "lab-4"]);
        for (const [name, pid] of before) assert.equal(after.find((s) => s.name === name)?.sshdPid, pid, `${name} was restarted`);
        assert.equal(on("lab-4", "hostname").trim(), "lab-4");
        await labUp(2); // hosts beyond N are left alone
        assert.equal(labStatus().filter((s) => s.sshd).length, 4);
    });

    it("/etc, /var/lib and /run are the host's own", () => {
        const token = `probe-${process.pid}-${Date.now()}`;
        for (const dir of ["/etc", "/var/lib", "/run"]) {
            const file = `${dir}/haplane-lab-probe`;
            on("lab-1", `echo ${token} >${file}`);
            assert.equal(on("lab-1", `cat ${file}`).trim(), token);
            assert.equal(labSsh("lab-2", `cat ${file}`).status, 1, `lab-2 sees lab-1's ${file}`);
            assert.ok(!fs.existsSync(file), `the real ${file} was written`);
        }
        assert.equal(on("lab-2", "cat /etc/hostname").trim(), "lab-2");
        assert.notEqual(on("lab-1", "cat /etc/ssh/ssh_host_ed25519_key.pub"), on("lab-2", "cat /etc/ssh/ssh_host_ed25519_key.pub"));
        assert.notEqual(on("lab-1", "cat /etc/machine-id"), on("lab-2", "cat /etc/machine-id"));
        // Processes are the host's own too: a host sees only its own (pidof, pgrep).
        assert.equal(on("lab-1", "cat /proc/1/comm").trim(), "sshd");
        // The package database is there, read-only.
        assert.match(on("lab-1", "dpkg-query -W -f '${Status}' openssh-server"), /install ok installed/);
        assert.notEqual(labSsh("lab-1", "touch /var/lib/dpkg/haplane-lab-probe").status, 0);
    });

    it("the hosts reach each other over the bridge", () => {
        for (const from of ["lab-1", "lab-2", "lab-3"]) {
            for (const to of [1, 2, 3]) on(from, `ping -c 1 -W 2 ${hostAddress(to)} >/dev/null`);
        }
        on("lab-1", "ping -c 1 -W 2 198.18.0.1 >/dev/null");
    });

    it("vip-handover.sh: the leaving host lets the VIP go; a holder points a neighbour's stale ARP entry at itself; others do nothing", () => {
        const vip = "198.18.0.100";
        const script = fs.readFileSync(scriptPath("vip-handover"), "utf8");
        const handover = (host: number, leaving: string) => labSsh(`lab-${host}`, `bash -s ${vip} ${leaving}`, { input: script });
        const devOf = (n: number) => on(`lab-${n}`, `ip -o -4 addr show to ${hostAddress(n)}/32`).split(/\s+/)[1];
        const [dev1, dev2, dev3] = [devOf(1), devOf(2), devOf(3)];
        const mac1 = on("lab-1", `cat /sys/class/net/${dev1}/address`).trim();
        const neighbour = () => on("lab-2", `ip neigh show ${vip} dev ${dev2}`);
        // lab-3 leaves while it still holds the VIP; lab-1 holds it too; lab-2 still sends to a departed holder.
        on("lab-3", `ip addr add ${vip}/32 dev ${dev3}`);
        on("lab-1", `ip addr add ${vip}/32 dev ${dev1}`);
        try {
            on("lab-2", `ip neigh replace ${vip} lladdr 02:00:00:00:00:99 dev ${dev2} nud reachable`);
            const leaver = handover(3, hostAddress(3));
            assert.equal(leaver.status, 0, leaver.stderr);
            assert.match(leaver.stdout, /lab-3 is leaving: keepalived stopped, 198\.18\.0\.100 let go/);
            assert.equal(on("lab-3", `ip -o -4 addr show to ${vip}/32`).trim(), "", "the leaving host kept the VIP");
            assert.match(neighbour(), /lladdr 02:00:00:00:00:99/, "the leaving host announced");

            const bystander = handover(2, hostAddress(3));
            assert.equal(bystander.status, 0, bystander.stderr);
            assert.match(bystander.stdout, /lab-2 does not hold 198\.18\.0\.100; nothing to announce/);
            assert.match(neighbour(), /lladdr 02:00:00:00:00:99/, "a host without the VIP announced");

            const holder = handover(1, hostAddress(3));
            assert.equal(holder.status, 0, holder.stderr);
            assert.match(holder.stdout, new RegExp(`lab-1 announced 198\\.18\\.0\\.100 on ${dev1}`));
            assert.match(neighbour(), new RegExp(`lladdr ${mac1}`), "the neighbour still sends to the departed holder");

            const bad = handover(1, "198.18.0.300");
            assert.equal(bad.status, 2);
            assert.match(bad.stderr, /'198\.18\.0\.300' is not an IPv4 address/);
        } finally {
            labSsh("lab-1", `ip addr del ${vip}/32 dev ${dev1}`);
            labSsh("lab-3", `ip addr del ${vip}/32 dev ${dev3}`);
            labSsh("lab-2", `ip neigh del ${vip} dev ${dev2}`);
        }
    });

    it("the systemctl shim runs a unit: start, is-active, reload, stop; the real machine keeps its systemctl", () => {
        const unit = [
            "[Unit]",
            "Description=lab probe",
            "ConditionPathExists=/etc/lab-probe.sh",
            "[Service]",
            "Environment=GREETING=hello",
            "EnvironmentFile=-/etc/default/lab-probe",
            "EnvironmentFile=-/etc/default/lab-probe-missing",
            "ExecStartPre=/bin/sh -c 'echo pre >>/run/lab-probe.events'",
            "ExecStart=/bin/bash /etc/lab-probe.sh $GREETING",
            "ExecReload=/bin/kill -HUP $MAINPID",
            "",
        ].join("\n");
        const script = [
            "trap 'echo reloaded >>/run/lab-probe.events' HUP",
            'echo "started $1" >>/run/lab-probe.events',
            "while :; do sleep 1 & wait $!; done",
            "",
        ].join("\n");
        const input = JSON.stringify({ unit, script });
        const r = labSsh("lab-1", "set -e; in=$(cat); jq -r .unit <<<\"$in\" >/etc/systemd/system/lab-probe.service; jq -r .script <<<\"$in\" >/etc/lab-probe.sh; echo GREETING=world >/etc/default/lab-probe", { input });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(labSsh("lab-1", "systemctl is-active lab-probe").stdout.trim(), "inactive");
        assert.equal(labSsh("lab-1", "systemctl is-active --quiet lab-probe").status, 3);
        on("lab-1", "systemctl daemon-reload && systemctl enable --now lab-probe.service");
        assert.equal(on("lab-1", "systemctl is-active lab-probe").trim(), "active");
        assert.equal(on("lab-1", "systemctl is-enabled lab-probe").trim(), "enabled");
        const pid = on("lab-1", "cat /run/haplane-lab/lab-probe.pid").trim();
        assert.match(on("lab-1", `cat /proc/${pid}/cmdline | tr '\\0' ' '`), /^\/bin\/bash \/etc\/lab-probe\.sh world $/);
        assert.equal(labSsh("lab-2", "pgrep -f lab-probe.sh").status, 1, "lab-2 sees lab-1's process");
        // sudo finds the shim (secure_path has /usr/local/sbin) and so does an absolute path.
        assert.equal(on("lab-1", "sudo -n systemctl is-active lab-probe").trim(), "active");
        assert.equal(on("lab-1", "/usr/bin/systemctl is-active lab-probe").trim(), "active");
        on("lab-1", "systemctl reload lab-probe");
        on("lab-1", "for i in $(seq 50); do grep -q reloaded /run/lab-probe.events && exit 0; sleep 0.1; done; exit 1");
        assert.equal(on("lab-1", "cat /run/haplane-lab/lab-probe.pid").trim(), pid, "reload restarted the process");
        on("lab-1", "systemctl stop lab-probe");
        assert.equal(labSsh("lab-1", "systemctl is-active lab-probe").status, 3);
        assert.equal(labSsh("lab-1", `test -d /proc/${pid}`).status, 1, "the process outlived stop");
        assert.deepEqual(on("lab-1", "cat /run/lab-probe.events").trim().split("\n"), ["pre", "started world", "reloaded"]);
        assert.equal(labSsh("lab-1", "systemctl reload lab-probe").status, 1, "reload of a stopped unit succeeded");
        on("lab-1", "systemctl disable --now lab-probe");
        assert.equal(labSsh("lab-1", "systemctl is-enabled lab-probe").status, 1);
        // Outside the hosts nothing changed.
        assert.ok(!fs.existsSync("/usr/local/sbin/systemctl"));
        assert.notEqual(fs.readFileSync("/usr/bin/systemctl").subarray(0, 4).toString("latin1"), "#!/u");
        assert.ok(!fs.existsSync("/etc/systemd/system/lab-probe.service"));
    });

    it("cutOff takes a host off the network and restore brings it back", () => {
        cutOff("lab-2");
        try {
            assert.equal(labStatus().find((s) => s.name === "lab-2")?.link, "down");
            assert.notEqual(labSsh("lab-2", "true", { timeoutMs: 15_000, connectTimeoutSeconds: 2 }).status, 0, "lab-2 still answers");
            assert.notEqual(labSsh("lab-1", `ping -c 1 -W 1 ${hostAddress(2)}`).status, 0, "lab-1 still reaches lab-2");
        } finally {
            restore("lab-2");
        }
        assert.equal(labStatus().find((s) => s.name === "lab-2")?.link, "up");
        assert.equal(on("lab-2", "hostname").trim(), "lab-2");
        on("lab-1", `ping -c 1 -W 2 ${hostAddress(2)} >/dev/null`);
    });

    it("down removes exactly what the lab created, and is safe to repeat", async () => {
        // A service left running, so that down has more than sshd to end.
        on("lab-3", "systemctl start haproxy && systemctl is-active --quiet haproxy");
        const services = labStatus().find((s) => s.name === "lab-3")?.services ?? [];
        assert.ok(services.includes("haproxy"), `haproxy runs on lab-3: ${services.join(", ")}`);
        // With the toolchain's images a host is a Kubernetes node: containerd runs from its boot.
        if (toolchainImages()) assert.ok(services.includes("containerd"), "containerd runs on a node host");
        const labHostNames = labHosts().map((h) => h.name);
        const processes = labHosts()
            .flatMap((h) => netnsPids(h.name))
            .map(identity)
            .filter((id): id is string => id !== undefined);
        assert.ok(processes.length >= 5, `expected the hosts' processes, got ${processes.join(" ")}`);

        await labDown();

        assert.deepEqual(netnsNames().filter((n) => /^lab-[0-9]+$/.test(n)), []);
        assert.equal(spawnSync("ip", ["link", "show", "dev", BRIDGE]).status, 1, `${BRIDGE} is still there`);
        assert.equal(spawnSync("sh", ["-c", "ip -o link show | grep -c haplane-l"], { encoding: "utf8" }).stdout.trim(), "0");
        const deadline = Date.now() + 5000; // ended processes may wait a moment to be reaped
        let survivors = processes.filter((id) => identity(Number(id.split(":")[0])) === id);
        while (survivors.length && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 100));
            survivors = survivors.filter((id) => identity(Number(id.split(":")[0])) === id);
        }
        assert.deepEqual(survivors, []);
        assert.deepEqual(mountsUnderLab(), []);
        assert.deepEqual(labHostNames.flatMap((n) => hostCgroups(n)), [], "no cgroup of a lab host is left");
        assert.ok(!fs.existsSync(LAB_DIR), `${LAB_DIR} is still there`);
        assert.deepEqual(labStatus(), []);

        await labDown(); // twice: nothing to do, no error
    });
});
