// The one shape of a config error: a ConfigError naming the full key, its message matching
// every fragment, on one line.
import { strict as assert } from "assert";
import { ConfigError, parseStackConfig } from "../../components/config/parse";

export function rejects(config: Record<string, unknown>, key: string, ...fragments: RegExp[]): void {
    assert.throws(
        () => parseStackConfig(config),
        (err: unknown) => {
            assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${err}`);
            assert.equal(err.key, key, err.message);
            for (const f of fragments) assert.match(err.message, f);
            assert.ok(!err.message.includes("\n"), "one line");
            return true;
        },
    );
}
