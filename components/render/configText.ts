// A tiny emitter for line-oriented config files (keepalived's braced blocks, haproxy's
// sections). Renderers build a tree of directives and blocks; this file alone turns it into
// text, so indentation and quoting are decided in one place. Pure.
//
// Words are checked against allow-lists rather than deny-lists: keepalived treats `{ } ! #`
// and `$NAME` specially, haproxy treats `# " ' \ $` specially, and a value outside these
// lists could end a block or start a new directive.
import { isIP } from "net";

/** A word written inside double quotes; it may contain spaces. */
export interface Quoted {
    quoted: string;
}
/**
 * `${NAME}`: a reference the reading program expands from its environment (ssh_config does,
 * for IdentityFile). Only renderers that ask for it may emit one: keepalived and haproxy give
 * `$` meanings of their own.
 */
export interface EnvReference {
    env: string;
}
export type Word = string | number | Quoted | EnvReference;

export interface Directive {
    kind: "directive";
    words: Word[];
}
export interface Block {
    kind: "block";
    head: Word[];
    body: Entry[];
}
export interface Comment {
    kind: "comment";
    text: string;
}
export type Entry = Directive | Block | Comment;
/** Renderers may leave `false`/`undefined` in place of entries that do not apply. */
type MaybeEntry = Entry | false | undefined;

const INDENT = "    ";
const BARE_WORD = /^[A-Za-z0-9_.:/*[\]-]+$/;
const QUOTED_TEXT = /^[A-Za-z0-9_.:/*[\] =,+-]*$/;
const COMMENT_TEXT = /^[\x20-\x7e]*$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

export class ConfigTextError extends Error {}

export const quoted = (text: string): Quoted => ({ quoted: text });
export const envReference = (name: string): EnvReference => ({ env: name });
export const directive = (...words: Word[]): Directive => ({ kind: "directive", words });
export const comment = (text: string): Comment => ({ kind: "comment", text });
export function block(head: Word | Word[], body: MaybeEntry[]): Block {
    return { kind: "block", head: Array.isArray(head) ? head : [head], body: body.filter((e): e is Entry => !!e) };
}

/** True when `value` can be written as one bare word. */
export function isBareWord(value: string): boolean {
    return BARE_WORD.test(value);
}

/** What a renderer lets through beyond plain and quoted words. */
interface WordOptions {
    envReferences?: boolean;
}

function word(w: Word, options: WordOptions = {}): string {
    if (typeof w === "number") {
        if (!Number.isFinite(w)) throw new ConfigTextError(`configText: ${w} is not a finite number`);
        return String(w);
    }
    if (typeof w === "string") {
        if (!BARE_WORD.test(w)) {
            throw new ConfigTextError(`configText: ${JSON.stringify(w)} is not a plain word (allowed: letters, digits and _ . : / * [ ] -)`);
        }
        return w;
    }
    if ("env" in w) {
        if (!options.envReferences) throw new ConfigTextError(`configText: this format has no environment references (\${${w.env}})`);
        if (!ENV_NAME.test(w.env)) throw new ConfigTextError(`configText: ${JSON.stringify(w.env)} is not an environment variable name (A-Z, 0-9, _)`);
        return `\${${w.env}}`;
    }
    if (!QUOTED_TEXT.test(w.quoted)) {
        throw new ConfigTextError(
            `configText: ${JSON.stringify(w.quoted)} cannot be quoted safely (allowed: letters, digits, spaces and _ . : / * [ ] = , + -)`,
        );
    }
    return `"${w.quoted}"`;
}

function line(words: Word[], options: WordOptions = {}): string {
    if (words.length === 0) throw new ConfigTextError("configText: a directive needs at least one word");
    return words.map((w) => word(w, options)).join(" ");
}

function commentLine(text: string): string {
    if (!COMMENT_TEXT.test(text)) throw new ConfigTextError(`configText: comment ${JSON.stringify(text)} must be one line of printable ASCII`);
    return text === "" ? "#" : `# ${text}`;
}

/** keepalived style: `head {`, the body indented one level, `}`. */
export function renderBraced(entries: MaybeEntry[]): string {
    const out: string[] = [];
    const emit = (list: MaybeEntry[], depth: number) => {
        const pad = INDENT.repeat(depth);
        for (const e of list) {
            if (!e) continue;
            if (e.kind === "comment") out.push(pad + commentLine(e.text));
            else if (e.kind === "directive") out.push(pad + line(e.words));
            else {
                out.push(`${pad}${line(e.head)} {`);
                emit(e.body, depth + 1);
                out.push(`${pad}}`);
            }
        }
    };
    emit(entries, 0);
    return out.join("\n") + "\n";
}

/** haproxy (and ssh_config) style: a section's head at column 0, its body indented; sections do not nest. */
export function renderSections(entries: MaybeEntry[], options: WordOptions = {}): string {
    const parts: string[] = [];
    let afterSection = false;
    for (const e of entries) {
        if (!e) continue;
        // A blank line after each section keeps the file readable.
        if (afterSection) parts.push("");
        afterSection = e.kind === "block";
        if (e.kind === "comment") {
            parts.push(commentLine(e.text));
            continue;
        }
        if (e.kind === "directive") throw new ConfigTextError(`configText: ${line(e.words, options)} must sit inside a section`);
        const body = e.body.map((inner) => {
            if (inner.kind === "block") throw new ConfigTextError(`configText: section ${line(e.head, options)} cannot hold a nested block`);
            return INDENT + (inner.kind === "comment" ? commentLine(inner.text) : line(inner.words, options));
        });
        parts.push(line(e.head, options), ...body);
    }
    return parts.join("\n") + "\n";
}

// Field checks for renderers: they name the offending field, so errors read as config errors
// rather than emitter errors.

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** A name (node, server, instance): letters, digits, `_ . -`, starting with a letter or digit. */
export function checkName(what: string, value: string): string {
    if (!NAME.test(value)) {
        throw new ConfigTextError(`${what} ${JSON.stringify(value)} may contain only letters, digits, '_', '.' and '-', and must start with a letter or digit`);
    }
    return value;
}

/** An IPv4 or IPv6 address (no prefix, no port); returns its family. */
export function checkAddress(what: string, value: string): 4 | 6 {
    const family = isIP(value);
    if (family === 0) throw new ConfigTextError(`${what} ${JSON.stringify(value)} is not an IPv4 or IPv6 address`);
    return family as 4 | 6;
}

export function checkInteger(what: string, value: number, min: number, max: number): number {
    if (!Number.isInteger(value) || value < min || value > max) {
        throw new ConfigTextError(`${what} must be an integer from ${min} to ${max}, got ${value}`);
    }
    return value;
}
