import path from "node:path";
import express, { Express } from "express";
import { build } from "esbuild";
import { logger } from "./logger";

const PAGES_DIR = path.join(__dirname, "..", "client", "pages");
/** Each page's script: client/pages/<name>.ts, served as /js/<name>.js. */
const SCRIPTS = ["play", "lobby", "spectate", "display", "operator"];

type Scripts = Map<string, { type: string; body: Buffer }>;
let built: Promise<Scripts> | undefined;

/**
 * Bundles the pages' TypeScript (SDK, colyseus.js, jose, the shared rules) with
 * esbuild, in memory, once per process: `npm start` needs no build step and
 * never serves a stale bundle.
 */
export function buildPageScripts(): Promise<Scripts> {
  built ??= build({
    entryPoints: SCRIPTS.map((name) => path.join(PAGES_DIR, `${name}.ts`)),
    outdir: path.join(PAGES_DIR, "js"),
    bundle: true,
    write: false,
    format: "esm",
    // The SDK and colyseus.js go into a chunk the pages share.
    splitting: true,
    platform: "browser",
    target: "es2020",
    minify: true,
    sourcemap: "linked",
    tsconfig: path.join(__dirname, "..", "tsconfig.json"),
    logLevel: "silent",
  }).then((result) => {
    const scripts: Scripts = new Map();
    for (const file of result.outputFiles) {
      const type = file.path.endsWith(".map") ? "application/json" : "text/javascript";
      scripts.set(path.basename(file.path), { type, body: Buffer.from(file.contents) });
    }
    return scripts;
  });
  return built;
}

/**
 * The browser pages on the game server's port: `/` play, `/lobby.html`,
 * `/spectate.html`, `/display.html`, `/operator.html`, and their scripts under
 * `/js/`. A failed build is logged and answered with 503; the API is unaffected.
 */
export async function mountWebPages(app: Express): Promise<void> {
  let scripts: Scripts;
  try {
    const start = performance.now();
    scripts = await buildPageScripts();
    logger.debug({ ms: Math.round(performance.now() - start) }, "web pages built");
  } catch (error) {
    logger.error({ err: error }, "web pages failed to build; serving 503 for them");
    app.get(["/", "/*.html", "/js/*"], (_req, res) => void res.status(503).type("text").send("the web pages failed to build: see the server log"));
    return;
  }
  app.get("/js/:file", (req, res, next) => {
    const script = scripts.get(req.params.file);
    if (!script) return next();
    res.type(script.type).set("Cache-Control", "no-cache").send(script.body);
  });
  app.use(express.static(path.join(PAGES_DIR, "public"), { extensions: ["html"] }));
}
