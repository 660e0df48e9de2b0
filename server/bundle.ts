/**
 * Bundles a server entry (main.ts, or a benchmark peer or bot fleet) into one
 * JavaScript file under dist/, which `npm start` and the benchmark run with plain `node`.
 *
 * Why not tsx in production: tsx transpiles each module on load and reaches
 * every import through a getter; the benchmark measured the same server using
 * more CPU under tsx (docs/benchmarks.md, "How the server runs"). The
 * bundle keeps npm packages external (they load from node_modules as usual)
 * and has a linked source map, so stack traces with --enable-source-maps name
 * the TypeScript lines.
 *
 * In a bundle every project module shares one module object, so an entry must
 * not import a module that runs code behind `require.main === module` (it
 * would run). The benchmark's bot fleets are bundled too.
 *
 * `tsx server/bundle.ts [entry...]` (default main.ts) is `npm run build`.
 */
import path from "node:path";
import { build } from "esbuild";

const ROOT = path.resolve(__dirname, "..");
export const DIST_DIR = path.join(ROOT, "dist");

/**
 * Where an entry's bundle goes: directly in dist/, named after the entry's path
 * (loadtest/peers/stock/server.ts -> dist/loadtest.peers.stock.server.js).
 * Every bundle sits one level below the project root, as server/ does, so code
 * that finds files from __dirname (server/webPages.ts) works in both.
 */
export function bundlePath(entry: string): string {
  const name = path.relative(ROOT, path.resolve(ROOT, entry)).replace(/\.ts$/, "").split(path.sep).join(".");
  return path.join(DIST_DIR, `${name}.js`);
}

/** Bundles `entry` (relative to the project root) and returns the bundle's path. */
export async function bundle(entry: string): Promise<string> {
  const outfile = bundlePath(entry);
  await build({
    entryPoints: [path.resolve(ROOT, entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    sourcemap: "linked",
    tsconfig: path.join(ROOT, "tsconfig.json"),
    logLevel: "warning",
  });
  return outfile;
}

if (require.main === module) {
  const entries = process.argv.slice(2);
  Promise.all((entries.length ? entries : ["main.ts"]).map(bundle)).then(
    (files) => console.log(`bundled ${files.map((f) => path.relative(ROOT, f)).join(", ")}`),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
