import { defineConfig } from "vite";

// `npm run build` writes dist/, which the launcher's edge serves at / (CHATMESH_WEB_DIR).
// `npm run dev` serves the app from Vite with hot reload and passes the API to a running
// chatmesh (CHATMESH_EDGE, default 127.0.0.1:9090), which must allow Vite's origin:
//   CHATMESH_EDGE_CORS_ORIGINS=http://localhost:5173 bin/chatmesh
const edge = process.env.CHATMESH_EDGE ?? "127.0.0.1:9090";

export default defineConfig({
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  server: {
    proxy: {
      "/chatmesh.": { target: `http://${edge}` },
      "/ws/": { target: `ws://${edge}`, ws: true },
    },
  },
});
