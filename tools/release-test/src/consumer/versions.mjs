// Runs inside a consumer folder: where the installed CLI really is, and the version of each package as the CLI
// resolves it (so a dependency the CLI got from anywhere but this install would show).
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(`${process.cwd()}/package.json`);
const cliManifest = realpathSync(require.resolve('@commodity-hindcast/cli/package.json'));
const fromCli = createRequire(cliManifest);
const versions = {};
for (const name of process.argv.slice(2)) {
  const manifest =
    name === '@commodity-hindcast/cli' ? cliManifest : realpathSync(fromCli.resolve(`${name}/package.json`));
  versions[name] = { version: fromCli(manifest).version, at: manifest };
}
console.log(JSON.stringify(versions));
