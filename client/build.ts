import { rmSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import ts from "typescript";

const CLIENT = __dirname;
const ROOT = path.join(CLIENT, "..");
const DIST = path.join(CLIENT, "dist");
/** What the game installs itself, once, and shares with the SDK (client/package.json peerDependencies). */
const PEERS = ["colyseus.js", "@colyseus/schema"];

/**
 * Builds the SDK package in client/dist: the code as ESM and CommonJS bundles
 * (the schema classes, codes and rules it needs inside, decorators already
 * compiled, so a game needs no special compiler flags; jose bundled too), and
 * the type declarations. `npm run sdk:build`; `npm pack` in client/ then makes the tarball.
 */
export async function buildSdk(): Promise<void> {
  rmSync(DIST, { recursive: true, force: true });
  for (const format of ["esm", "cjs"] as const) {
    await build({
      entryPoints: [path.join(CLIENT, "index.ts")],
      outfile: path.join(DIST, format === "esm" ? "index.mjs" : "index.cjs"),
      bundle: true,
      format,
      platform: "neutral",
      mainFields: ["module", "main"],
      target: "es2020",
      external: PEERS,
      tsconfig: path.join(ROOT, "tsconfig.json"),
      logLevel: "warning",
    });
  }
  const program = ts.createProgram([path.join(CLIENT, "index.ts")], {
    declaration: true,
    emitDeclarationOnly: true,
    outDir: path.join(DIST, "types"),
    rootDir: ROOT,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    types: [],
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    experimentalDecorators: true,
    useDefineForClassFields: false,
  });
  const { diagnostics } = program.emit();
  if (diagnostics.length > 0) throw new Error(ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => "\n" }));
}

if (require.main === module) {
  buildSdk().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
