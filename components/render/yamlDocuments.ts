// Several YAML documents in one file (kubeadm reads its configuration kinds this way), each
// opened with `---`, rendered through the YAML library. Pure.
import * as YAML from "yaml";

export function renderYamlDocuments(docs: object[]): string {
    return docs
        .map((doc) => {
            const d = new YAML.Document(doc);
            d.directives!.docStart = true;
            return d.toString();
        })
        .join("");
}
