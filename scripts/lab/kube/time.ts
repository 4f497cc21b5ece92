// Kubernetes times (RFC3339 Time and MicroTime) as milliseconds since the epoch.

/**
 * Milliseconds since the epoch of a Kubernetes Time or MicroTime (RFC3339, optional fraction
 * of up to 9 digits, Z or an offset), keeping the microseconds; undefined if not parseable.
 */
export function parseKubeTime(s: string | undefined): number | undefined {
    if (!s) return undefined;
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(s.trim());
    if (!m) return undefined;
    const whole = Date.parse(`${m[1]}${m[3]}`);
    if (Number.isNaN(whole)) return undefined;
    return whole + (m[2] ? Number(`0.${m[2]}`) * 1000 : 0);
}
