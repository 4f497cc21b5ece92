// The inputs of each action version the workflows use, from its action.yml at that major tag
// (checked 2026: checkout v7.0.1, setup-node v7.0.0, github-script v8.0.0, upload-artifact
// v7.0.0, download-artifact v8.0.1, google-github-actions/auth v3.0.0, pulumi/actions v7.0.0).
// actionlint knows the inputs of popular actions only up to older majors; this fills the gap.
export const ACTION_INPUTS: Record<string, string[]> = {
    "actions/checkout@v7": [
        "repository", "ref", "token", "ssh-key", "ssh-known-hosts", "ssh-strict", "ssh-user", "persist-credentials", "path", "clean", "filter",
        "sparse-checkout", "sparse-checkout-cone-mode", "fetch-depth", "fetch-tags", "show-progress", "lfs", "submodules", "set-safe-directory",
        "github-server-url", "allow-unsafe-pr-checkout",
    ],
    "actions/setup-node@v7": [
        "node-version", "node-version-file", "architecture", "check-latest", "registry-url", "scope", "token", "cache", "package-manager-cache",
        "cache-dependency-path", "mirror", "mirror-token",
    ],
    "actions/github-script@v8": ["script", "github-token", "debug", "user-agent", "previews", "result-encoding", "retries", "retry-exempt-status-codes", "base-url"],
    "actions/upload-artifact@v7": ["name", "path", "if-no-files-found", "retention-days", "compression-level", "overwrite", "include-hidden-files", "archive"],
    "actions/download-artifact@v8": ["name", "artifact-ids", "path", "pattern", "merge-multiple", "github-token", "repository", "run-id", "skip-decompress", "digest-mismatch"],
    "google-github-actions/auth@v3": [
        "project_id", "workload_identity_provider", "service_account", "audience", "credentials_json", "create_credentials_file",
        "export_environment_variables", "token_format", "delegates", "universe", "request_reason", "cleanup_credentials", "access_token_lifetime",
        "access_token_scopes", "access_token_subject", "id_token_audience", "id_token_include_email",
    ],
    "pulumi/actions@v7": [
        "command", "stack-name", "pulumi-version", "pulumi-version-file", "work-dir", "comment-on-pr", "comment-on-pr-number", "comment-on-summary",
        "github-token", "cloud-url", "secrets-provider", "parallel", "message", "config-map", "expect-no-changes", "diff", "replace", "exclude",
        "exclude-dependents", "target", "target-dependents", "policyPacks", "policyPackConfigs", "refresh", "upsert", "remove", "edit-pr-comment",
        "color", "exclude-protected", "plan", "suppress-outputs", "suppress-progress", "always-include-summary", "continue-on-error",
        "log-verbosity", "log-flow", "debug",
    ],
};
