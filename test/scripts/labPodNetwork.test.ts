// The lab's pod network files: each host's bridge network in its own /24 of the stacks' pod
// subnet, and the route of the `kubernetes` Service to the host's own API server that
// node-boot.sh installs (the lab's stand-in for kube-proxy).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KUBERNETES_SERVICE_IP, writeNodeEtc } from "../../scripts/lab/nodeFiles";
import { labStackSettings } from "../../scripts/lab/stack";
import { parseStackConfig } from "../../components/config/parse";

describe("lab pod network", () => {
    it("gives each host a bridge in its own /24 of the pod subnet and routes the kubernetes Service to its API server", () => {
        const etc = fs.mkdtempSync(path.join(os.tmpdir(), "haplane-node-etc-"));
        try {
            writeNodeEtc(etc, { name: "lab-2", index: 2, address: "198.18.0.12" });
            const conflist = JSON.parse(fs.readFileSync(path.join(etc, "cni", "net.d", "10-haplane-lab.conflist"), "utf8"));
            assert.equal(conflist.plugins[0].type, "bridge");
            assert.deepEqual(conflist.plugins[0].ipam.ranges, [[{ subnet: "10.244.2.0/24" }]]);
            const route = JSON.parse(fs.readFileSync(path.join(etc, "haplane-lab", "service-route.json"), "utf8"));
            assert.deepEqual(route, { serviceIp: "10.96.0.1", servicePort: 443, apiServer: "198.18.0.12", apiServerPort: 6443 });
        } finally {
            fs.rmSync(etc, { recursive: true, force: true });
        }
    });

    it("matches the lab stack's subnets: pods inside the pod subnet, the Service the service subnet's first address", () => {
        const cfg = parseStackConfig(labStackSettings([{ name: "lab-1", index: 1, address: "198.18.0.11" }], { publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJl0uQ7 t" }));
        assert.equal(cfg.controlPlane.podSubnet, "10.244.0.0/16");
        assert.equal(cfg.controlPlane.serviceSubnet, "10.96.0.0/12");
        assert.equal(KUBERNETES_SERVICE_IP, "10.96.0.1");
    });
});
