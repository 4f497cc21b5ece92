// The grammar of every string the stack config accepts. Pure.
//
// A value from config may end up in a node script's arguments, an environment value, a
// file on a node or an ssh_config on the machine running Pulumi. Each of those is quoted
// or emitted by one helper, and on top of that every string key has a grammar that no
// shell, YAML or config-file metacharacter fits: no spaces (but for AMI name filters,
// which only reach the AWS API), quotes, `$`, backticks, `;`, `|`, `&`, `<`, `>`, `\` or
// newlines. The README's config reference lists each key with its grammar's description.
import { z } from "zod";

export interface Grammar {
    pattern: RegExp;
    /** What a value must look like, as said in error messages and in the README. */
    description: string;
    max: number;
}

const DNS_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?";
const IPV4_OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = `${IPV4_OCTET}(\\.${IPV4_OCTET}){3}`;
const HOST_LABEL = "[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?";

export const GRAMMARS = {
    dnsLabel: { pattern: new RegExp(`^${DNS_LABEL}$`), description: "a lower-case DNS label (a-z, 0-9, '-'; starts with a letter)", max: 63 },
    ipv4: { pattern: new RegExp(`^${IPV4}$`), description: "an IPv4 address such as 192.0.2.10", max: 15 },
    cidr: { pattern: new RegExp(`^${IPV4}/(3[0-2]|[12]?\\d)$`), description: "an IPv4 CIDR such as 203.0.113.0/24", max: 18 },
    hostName: {
        pattern: new RegExp(`^${HOST_LABEL}(\\.${HOST_LABEL})*\\.?$`),
        description: "a host name or IPv4 address (letters, digits, '-' and '.')",
        max: 253,
    },
    dnsName: {
        pattern: /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}\.?$/,
        description: "a fully qualified DNS name such as api.prod.example.com",
        max: 253,
    },
    posixUser: { pattern: /^[a-z_][a-z0-9_-]*$/, description: "a POSIX user name (a-z, 0-9, '_', '-'; starts with a letter or '_')", max: 32 },
    interfaceName: { pattern: /^[A-Za-z0-9_.-]+$/, description: "a network interface name (letters, digits, '_', '.', '-')", max: 15 },
    failureDomain: {
        pattern: /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
        description: "a zone, rack or room name usable as a Kubernetes label value (letters, digits, '-', '_', '.'; starts and ends with a letter or digit)",
        max: 63,
    },
    k8sName: { pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, description: "a Kubernetes object name (a DNS-1123 label: a-z, 0-9, '-'; starts and ends with a letter or digit)", max: 63 },
    cpuQuantity: { pattern: /^([1-9]\d{0,4}m|[1-9]\d{0,2}(\.\d{1,3})?|0\.\d{1,3})$/, description: "a CPU quantity such as 100m or 0.5", max: 8 },
    memoryQuantity: { pattern: /^[1-9]\d{0,5}(Ki|Mi|Gi)$/, description: "a memory quantity such as 64Mi or 1Gi", max: 8 },
    kubernetesVersion: { pattern: /^1\.\d+\.\d+$/, description: "a Kubernetes release such as 1.32.4", max: 16 },
    machineType: { pattern: /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, description: "a GCE machine type such as e2-standard-4 or n2-custom-4-8192", max: 63 },
    ec2InstanceType: { pattern: /^[a-z0-9-]+\.[a-z0-9]+$/, description: "an EC2 instance type such as m6i.large", max: 32 },
    ec2KeyName: { pattern: /^[A-Za-z0-9][A-Za-z0-9._@+=,-]*$/, description: "an EC2 key pair name (letters, digits and . _ @ + = , -)", max: 255 },
    gceProject: { pattern: /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, description: "a GCE project id (6-30 characters: a-z, 0-9, '-'; starts with a letter)", max: 30 },
    gceRegion: { pattern: /^[a-z]+-[a-z]+\d+$/, description: "a GCE region such as europe-west1", max: 63 },
    gceNetwork: {
        pattern: new RegExp(`^(projects/[a-z][-a-z0-9]{4,28}[a-z0-9]/(global|regions/[a-z]+-[a-z]+\\d+)/(networks|subnetworks)/)?${DNS_LABEL}$`),
        description: "a GCE network or subnetwork name, or its projects/<p>/.../<name> path",
        max: 255,
    },
    gceImage: {
        pattern: /^[a-z0-9][-a-z0-9._]*(\/[a-z0-9][-a-z0-9._]*)*$/,
        description: "a GCE image: <project>/<image or family>, or a projects/... path (a-z, 0-9, '-', '.', '_', '/')",
        max: 255,
    },
    managedZone: {
        pattern: new RegExp(`^(${DNS_LABEL}|Z[A-Z0-9]{1,31})$`),
        description: "a Cloud DNS managed zone name (a DNS label) or a Route53 hosted zone id (Z...)",
        max: 63,
    },
    awsRegion: { pattern: /^[a-z]{2}(-gov)?-[a-z]+-\d$/, description: "an AWS region such as eu-west-1", max: 32 },
    amiNameFilter: {
        pattern: /^[A-Za-z0-9()[\] ./@_*?-]+$/,
        description: "an AMI name filter (letters, digits, spaces and ( ) [ ] . / @ _ - with * and ? as wildcards)",
        max: 128,
    },
    amiOwner: {
        pattern: /^(\d{12}|self|amazon|aws-marketplace|aws-backup-vault)$/,
        description: "an AWS account id (12 digits, quoted or not) or one of self, amazon, aws-marketplace, aws-backup-vault",
        max: 16,
    },
    sshPublicKey: {
        pattern: /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [A-Za-z0-9@._+:=,/-]+)*$/,
        description: "one OpenSSH public key line: type, base64 key and an optional comment of letters, digits and @ . _ + : = , / -",
        max: 16384,
    },
} satisfies Record<string, Grammar>;

export type GrammarName = keyof typeof GRAMMARS;

/**
 * A zod string schema for a grammar: its pattern and length, with its description as the
 * message; `whenMissing` is the message for a required key that is absent.
 */
export function grammarString(name: GrammarName, max: number = GRAMMARS[name].max, whenMissing?: string): z.ZodString {
    const g: Grammar = GRAMMARS[name];
    const missing = whenMissing ? { error: (issue: { input: unknown }) => (issue.input === undefined ? whenMissing : undefined) } : undefined;
    return z.string(missing).max(max, `must be at most ${max} characters`).regex(g.pattern, `must be ${g.description}`);
}
