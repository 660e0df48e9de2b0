import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import express, { Express } from "express";
import { build } from "esbuild";
import { logger } from "./logger";
import { renderPage } from "./pageShell";

// __dirname is server/ under tsx and dist/ in the bundle (server/bundle.ts): both one level below the root.
const PAGES_DIR = path.join(__dirname, "..", "client", "pages");
/** Each page's script: client/pages/<name>.ts, served as /js/<name>.js. */
const SCRIPTS = ["play", "lobby", "spectate", "display", "operator"];

type Scripts = Map<string, Buffer>;
let built: Promise<Scripts> | undefined;

/**
 * Bundles the pages' TypeScript (SDK, colyseus.js, jose, the shared rules) with
 * esbuild, in memory, once per process: the pages need no build step and
 * are never served stale.
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
    // No source maps: they would serve the whole client source to anyone.
    sourcemap: false,
    tsconfig: path.join(__dirname, "..", "tsconfig.json"),
    logLevel: "silent",
  }).then((result) => {
    const scripts: Scripts = new Map();
    for (const file of result.outputFiles) {
      scripts.set(path.basename(file.path), Buffer.from(file.contents));
    }
    return scripts;
  });
  return built;
}

/** Each page file client/pages/<name>.html, completed by the shared shell, by <name>. */
async function renderPages(): Promise<Map<string, string>> {
  const files = (await readdir(PAGES_DIR)).filter((file) => file.endsWith(".html"));
  const pages = new Map<string, string>();
  for (const file of files) {
    const source = await readFile(path.join(PAGES_DIR, file), "utf8");
    pages.set(path.basename(file, ".html"), renderPage(file, source));
  }
  return pages;
}

/**
 * The browser pages on the game server's port: `/` play, `/lobby.html`,
 * `/spectate.html`, `/display.html`, `/operator.html` (also without `.html`),
 * their scripts under `/js/`, and the files in `public/` (the stylesheet) as
 * they are. A failed build is logged and answered with 503; the API is unaffected.
 */
export async function mountWebPages(app: Express): Promise<void> {
  let scripts: Scripts;
  let pages: Map<string, string>;
  try {
    const start = performance.now();
    [scripts, pages] = await Promise.all([buildPageScripts(), renderPages()]);
    logger.debug({ ms: Math.round(performance.now() - start) }, "web pages built");
  } catch (error) {
    logger.error({ err: error }, "web pages failed to build; serving 503 for them");
    app.get(["/", "/*.html", "/js/*"], (_req, res) => void res.status(503).type("text").send("the web pages failed to build: see the server log"));
    return;
  }
  app.get("/js/:file", (req, res, next) => {
    const script = scripts.get(req.params.file);
    if (!script) return next();
    res.type("text/javascript").set("Cache-Control", "no-cache").send(script);
  });
  app.get(["/", "/:page"], (req, res, next) => {
    const page = pages.get(req.params.page?.replace(/\.html$/, "") ?? "index");
    if (!page) return next();
    res.type("html").set("Cache-Control", "no-cache").send(page);
  });
  app.use(express.static(path.join(PAGES_DIR, "public")));
}
