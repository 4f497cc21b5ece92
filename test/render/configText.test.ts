import { strict as assert } from "assert";
import { block, comment, directive, quoted, renderBraced, renderSections } from "../../components/render/configText";

describe("config text emitter", () => {
    it("indents nested blocks and quotes quoted words", () => {
        const text = renderBraced([comment("top"), block("a", [directive("b", 1), block(["c", "d"], [directive("e", quoted("x y"))]), block("empty", [])])]);
        assert.equal(text, '# top\na {\n    b 1\n    c d {\n        e "x y"\n    }\n    empty {\n    }\n}\n');
    });

    it("renders haproxy-style sections separated by blank lines", () => {
        const text = renderSections([comment("head"), block("global", [directive("daemon")]), block(["backend", "x"], [comment("why"), directive("balance", "roundrobin")])]);
        assert.equal(text, "# head\nglobal\n    daemon\n\nbackend x\n    # why\n    balance roundrobin\n");
    });

    it("leaves out entries given as false or undefined", () => {
        assert.equal(renderBraced([block("a", [false, directive("b"), undefined])]), "a {\n    b\n}\n");
    });

    it("rejects words that could end a block or start a directive", () => {
        for (const bad of ["a\nb", "a b", "}", "{", 'a"', "a'", "a#b", "a!b", "$VAR", "a\\b", "a;b", ""]) {
            assert.throws(() => renderBraced([directive("k", bad)]), /is not a plain word/, JSON.stringify(bad));
        }
        for (const bad of ['x "y', "x\ny", "x}", "x$y", "x#y", "x\\y"]) {
            assert.throws(() => renderBraced([directive("k", quoted(bad))]), /cannot be quoted safely/, JSON.stringify(bad));
        }
        assert.throws(() => renderBraced([comment("a\nb")]), /one line/);
        assert.throws(() => renderBraced([directive("k", NaN)]), /finite/);
        assert.throws(() => renderSections([directive("k")]), /inside a section/);
        assert.throws(() => renderSections([block("s", [block("t", [])])]), /nested block/);
    });
});
