import { build } from 'esbuild';

/**
 * Bundles one TypeScript file as the server's build does (scripts/build.mjs): minified ES module
 * for node, with a linked source map holding the mappings only. `external` packages are left to be
 * found beside the output, as the server's are.
 */
export async function bundleLikeTheServer(
  source: string,
  outfile: string,
  external: string[] = [],
): Promise<void> {
  await build({
    entryPoints: [source],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    external,
    logLevel: 'silent',
  });
}
