import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The bundle is loaded by Tauri from ui/dist; no dev server is needed to build.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  build: {
    target: "safari15",
    outDir: "dist",
    emptyOutDir: true,
  },
  test: {
    include: ["src/**/*.test.ts"],
  },
});
