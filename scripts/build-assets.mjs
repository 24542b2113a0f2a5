// Copies NHS.UK frontend's script and images from node_modules into the package's static
// folder, so the portal serves everything itself (no CDN; works offline).
import { cpSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "node_modules", "nhsuk-frontend", "dist", "nhsuk");
const out = join(root, "src", "oversight", "publish", "static", "nhsuk");

mkdirSync(out, { recursive: true });
cpSync(join(dist, "nhsuk-frontend.min.js"), join(out, "nhsuk-frontend.min.js"));
cpSync(join(dist, "assets"), join(out, "assets"), { recursive: true });
console.log(`copied NHS.UK frontend assets to ${out}`);
