import { defineConfig } from "@hey-api/openapi-ts";

// The dashboard's API client, generated from the server's OpenAPI document (web/openapi.json,
// written by `make openapi`; a test fails when it no longer matches the server). The output
// is not committed: every build and typecheck generates it first.
export default defineConfig({
  input: "openapi.json",
  output: { path: "src/client", format: false, lint: false },
  plugins: ["@hey-api/client-fetch", "@hey-api/typescript", { name: "@hey-api/sdk" }],
});
