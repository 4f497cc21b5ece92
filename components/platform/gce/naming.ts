// Cloud names of GCE resources: `<cluster>-<what>`, lower-case, at most 63 characters.
import { ClusterContext } from "../types";

export function gceName(ctx: ClusterContext, ...parts: string[]): string {
    return [ctx.prefix, ...parts].join("-").slice(0, 63);
}

/** Network tag carried by every control-plane instance; firewall rules target it. */
export function controlPlaneTag(ctx: ClusterContext): string {
    return gceName(ctx, "control-plane");
}

export function gceSettings(ctx: ClusterContext) {
    const gce = ctx.config.gce;
    if (!gce) throw new Error("haplane:gce: is required when platform is gce");
    return { ...gce, subnetwork: gce.subnetwork ?? gce.network };
}
