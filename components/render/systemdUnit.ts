// systemd unit files as data: sections of `Key=Value` lines, emitted in one place. Pure.
// Values are checked against an allow-list, so no value can start a new line, a new section
// or a specifier (`%`) that systemd would expand.
import { ConfigTextError } from "./configText";

export type UnitSection = [string, [string, string][]];

const SECTION = /^[A-Z][A-Za-z]*$/;
const KEY = /^[A-Z][A-Za-z]*$/;
const VALUE = /^[A-Za-z0-9_.:/=,+ @-]+$/;

export function renderSystemdUnit(sections: UnitSection[]): string {
    return sections
        .map(([name, entries]) => {
            if (!SECTION.test(name)) throw new ConfigTextError(`systemd unit: section name ${JSON.stringify(name)} is not allowed`);
            const lines = entries.map(([key, value]) => {
                if (!KEY.test(key)) throw new ConfigTextError(`systemd unit: key ${JSON.stringify(key)} is not allowed`);
                if (!VALUE.test(value) || value !== value.trim()) {
                    throw new ConfigTextError(`systemd unit: ${key}=${JSON.stringify(value)} may contain only letters, digits, spaces and _ . : / = , + @ -`);
                }
                return `${key}=${value}`;
            });
            return [`[${name}]`, ...lines].join("\n");
        })
        .join("\n\n") + "\n";
}
