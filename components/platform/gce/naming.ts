// Cloud names of GCE resources: `<cluster>-<what>`, lower-case, at most 63 characters.
import { GceContext } from "./context";

export function gceName(ctx: GceContext, ...parts: string[]): string {
    return [ctx.prefix, ...parts].join("-").slice(0, 63);
}

/** Network tag carried by every control-plane instance; firewall rules target it. */
export function controlPlaneTag(ctx: GceContext): string {
    return gceName(ctx, "control-plane");
}

export function gceSettings(ctx: GceContext) {
    const gce = ctx.config.gce;
    return { ...gce, subnetwork: gce.subnetwork ?? gce.network };
}
