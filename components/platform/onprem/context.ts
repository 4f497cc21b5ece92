// The cluster context of a on-prem stack: its config typed as the onprem stack's.
import type { OnpremStackConfig } from "../../config/schema";
import { ClusterContext } from "../types";

export type OnpremContext = ClusterContext<OnpremStackConfig>;
