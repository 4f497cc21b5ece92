// A figure's samples summed up: min, median and max, printed with every sample.
import { fmtMs, summarize, Summary } from "../probes";
import { say } from "./say";

export function summaryLine(label: string, samples: number[]): Summary | undefined {
    const s = summarize(samples);
    say(
        s
            ? `  => ${label}: median ${fmtMs(s.median)}, min ${fmtMs(s.min)}, max ${fmtMs(s.max)} (n=${s.n}; samples ${samples.map((x) => fmtMs(x)).join(", ")})`
            : `  => ${label}: no samples`,
    );
    return s;
}
