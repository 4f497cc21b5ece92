// The cluster context of a AWS stack: its config typed as the aws stack's.
import type { AwsStackConfig } from "../../config/schema";
import { ClusterContext } from "../types";

export type AwsContext = ClusterContext<AwsStackConfig>;
