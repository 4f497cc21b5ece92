// The summary table at the end of the bench's output: one Markdown row per figure.
import { fmtMs, Summary } from "../probes";

export interface Row {
    figure: string;
    /** The setting the figure depends on (keepalived's advert interval, leader election timing). */
    advert: string;
    /** A time figure (ms) ... */
    s?: Summary;
    /** ... or a count. */
    count?: Summary;
    remark?: string;
}

export function table(rows: Row[], trials: number): string {
    const lines = ["| figure | setting | trials | median | min | max | remarks |", "|---|---|---|---|---|---|---|"];
    for (const r of rows) {
        const v = r.s ?? r.count;
        const f = (x: number | undefined) => (r.count ? String(x ?? "-") : fmtMs(x));
        lines.push(`| ${r.figure} | ${r.advert} | ${v ? v.n : 0}/${trials} | ${f(v?.median)} | ${f(v?.min)} | ${f(v?.max)} | ${r.remark ?? ""} |`);
    }
    return lines.join("\n");
}
