// Copies NHS.UK frontend's script and images from node_modules into the package's static
// folder, so the portal serves everything itself (no CDN; works offline). The NHS logo is
// taken from the frontend's own header template (it ships only there, as inline SVG) and
// written as static/nhsuk/nhsuk-logo.svg, which the portal's header inlines.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "node_modules", "nhsuk-frontend", "dist", "nhsuk");
const out = join(root, "src", "oversight", "publish", "static", "nhsuk");

mkdirSync(out, { recursive: true });
cpSync(join(dist, "nhsuk-frontend.min.js"), join(out, "nhsuk-frontend.min.js"));
cpSync(join(dist, "assets"), join(out, "assets"), { recursive: true });

const header = readFileSync(join(dist, "components", "header", "template.njk"), "utf8");
const logo = header.match(/<svg class="nhsuk-header__logo"[\s\S]*?<\/svg>/);
if (!logo) throw new Error("the NHS logo was not found in nhsuk-frontend's header template");
const svg = logo[0].replace(/\{\{[^}]*\}\}/g, "NHS");
writeFileSync(join(out, "nhsuk-logo.svg"), svg + "\n");
console.log(`copied NHS.UK frontend assets and logo to ${out}`);

// Swagger UI for /api/docs (swagger-ui-dist), so the API's documentation renders offline.
const swaggerDist = join(root, "node_modules", "swagger-ui-dist");
const swaggerOut = join(root, "src", "oversight", "publish", "static", "swagger");
mkdirSync(swaggerOut, { recursive: true });
for (const name of ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "LICENSE"]) {
  cpSync(join(swaggerDist, name), join(swaggerOut, name));
}
console.log(`copied Swagger UI assets to ${swaggerOut}`);
