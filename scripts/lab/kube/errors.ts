// Errors of API requests: the HTTP status and the API's Status, never credentials or headers.
import { Status } from "./objects";

/**
 * A request that failed: `status` is the HTTP status (0 when no response came: `code` then says
 * why, e.g. ECONNREFUSED or TIMEOUT); `reason` and the message come from the API's Status.
 */
export class KubeApiError extends Error {
    constructor(
        readonly method: string,
        readonly path: string,
        readonly status: number,
        readonly apiMessage: string,
        readonly reason?: string,
        readonly code?: string,
    ) {
        super(status ? `${method} ${path}: HTTP ${status}${reason ? ` ${reason}` : ""}: ${apiMessage}` : `${method} ${path}: ${code ?? "error"}: ${apiMessage}`);
        this.name = "KubeApiError";
    }
}

/** 409 AlreadyExists on a create: the object was there before this request. */
export class AlreadyExistsError extends KubeApiError {
    readonly alreadyExists = true;
    constructor(method: string, p: string, apiMessage: string) {
        super(method, p, 409, apiMessage, "AlreadyExists");
        this.name = "AlreadyExistsError";
    }
}

export const isAlreadyExists = (e: unknown): e is AlreadyExistsError => e instanceof AlreadyExistsError;
export const isNotFound = (e: unknown): boolean => e instanceof KubeApiError && e.status === 404;

function statusOf(body: string): Status | undefined {
    try {
        const s = JSON.parse(body) as Status;
        return s && typeof s === "object" ? s : undefined;
    } catch {
        return undefined;
    }
}

/** The error for a response that is not the expected 2xx. */
export function errorFor(method: string, p: string, status: number, body: string): KubeApiError {
    const s = statusOf(body);
    // A non-JSON body (a proxy's page, a plain-text healthz) is cut short: it is for diagnosis only.
    const message = s?.message ?? body.trim().slice(0, 200);
    if (status === 409 && s?.reason === "AlreadyExists") return new AlreadyExistsError(method, p, message);
    return new KubeApiError(method, p, status, message, s?.reason);
}
