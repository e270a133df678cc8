// `node scripts/side-by-side.mjs 'command' 'command' …`: runs the commands at once, each in its own
// shell, and prints each one's output whole when it ends (never two runners' lines interleaved),
// with how long it took. Exits non-zero when any of them did. For test runs that share nothing:
// the fault tests restart the real services, the browser tests' stores are embedded.
import { spawn } from 'node:child_process';

const commands = process.argv.slice(2);
const began = performance.now();
const codes = await Promise.all(
  commands.map(
    (command) =>
      new Promise((resolve) => {
        const started = performance.now();
        const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
        const output = [];
        child.stdout.on('data', (chunk) => output.push(chunk));
        child.stderr.on('data', (chunk) => output.push(chunk));
        child.on('close', (code, signal) => {
          const seconds = Math.round((performance.now() - started) / 1000);
          process.stdout.write(`\n── ${command} (${seconds} s, exit ${code ?? signal})\n`);
          process.stdout.write(Buffer.concat(output));
          resolve(code ?? 1);
        });
      }),
  ),
);
console.log(`\n── side by side: ${Math.round((performance.now() - began) / 1000)} s in all`);
process.exit(codes.some((code) => code !== 0) ? 1 : 0);
