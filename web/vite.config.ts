import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The server renders the pages itself (it knows the agent and the signed-in owner) and reads
// Vite's manifest to find the hashed files, so there is no HTML entry here: only scripts.
export default defineConfig({
  // Relative: every URL a script makes for another built file (a chunk, the microphone
  // worklet) resolves against the script's own address. The widget runs on the business's
  // site, where "/static/…" would name the wrong server.
  base: "./",
  // No public/ folder: everything the pages use is imported, so it gets a hashed name.
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL("../src/frontdesk/static", import.meta.url)),
    emptyOutDir: true,
    manifest: true,
    target: "es2022",
    // livekit-client (~540 kB, ~140 kB gzipped) is a chunk of its own, loaded only when a call
    // goes over LiveKit (see src/voice/livekit-loader.ts): the talk page itself stays small.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      // The widget entry is imported by /widget.js for its `start`: keep entries' exports.
      preserveEntrySignatures: "exports-only",
      // react-router marks its modules "use client" (for server rendering, unused here).
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
      input: {
        talk: fileURLToPath(new URL("src/talk/main.ts", import.meta.url)),
        dashboard: fileURLToPath(new URL("src/dashboard/main.tsx", import.meta.url)),
        // Loaded by /widget.js (a few lines the server writes) on the business's own pages.
        widget: fileURLToPath(new URL("src/widget/main.ts", import.meta.url)),
      },
    },
  },
});
