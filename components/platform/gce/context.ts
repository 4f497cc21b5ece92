// The cluster context of a GCE stack: its config typed as the gce stack's.
import type { GceStackConfig } from "../../config/schema";
import { ClusterContext } from "../types";

export type GceContext = ClusterContext<GceStackConfig>;
