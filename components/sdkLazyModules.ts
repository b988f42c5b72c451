/**
 * Loading `@pulumi/pulumi` (the first import of the program and of every
 * provider SDK) also loads two module trees a Pulumi program does not use:
 *
 * - `@npmcli/arborist`, which `runtime/closure/codePaths.js` requires at load
 *   time to compute the packages a serialized function closure needs (only
 *   dynamic providers and `pulumi.runtime.serializeFunction` call it);
 * - the Automation API (`index.js` requires `./automation`, which loads the
 *   CLI wrappers and their dependencies).
 *
 * Together they took 0.2 s of a 0.3 s program start on the real engine
 * (0.15 s arborist), on the path to the provider's registration, which the
 * whole preview waits for (docs/development.md). `deferSdkModules()` puts a
 * stand-in for each into Node's module cache before the SDK is loaded; the
 * first time anything reads from a stand-in, the real module is loaded and
 * every read, write and key listing goes to it. Code that uses them works
 * as before, one read later.
 *
 * It must run before anything loads `@pulumi/pulumi`: index.ts imports this
 * file first, and this file imports no SDK module. When a module is already
 * loaded (tests, a program that imported the SDK before) or can no longer be
 * found where expected (an SDK upgrade moved it), nothing is deferred; the
 * tests check that both are deferred with the pinned SDK
 * (test/components/sdkLazyModules.test.ts and SDK_INTERNALS).
 */
import Module = require("node:module");

/** Each module deferred: the specifier, and the SDK file whose `require` resolves it. */
export const DEFERRED_SDK_MODULES: readonly { readonly specifier: string; readonly requiredBy: string }[] = [
  { specifier: "@npmcli/arborist", requiredBy: "@pulumi/pulumi/runtime/closure/codePaths" },
  { specifier: "./automation", requiredBy: "@pulumi/pulumi" },
];

/** Marks a stand-in (test/components/sdkLazyModules.test.ts reads it to tell stand-ins from real modules). */
export const STAND_IN = Symbol.for("agent-platform/deferred-module");

type Exports = Record<string | symbol, unknown>;
type ModuleCtor = new (id: string) => NodeJS.Module;

/**
 * Puts a stand-in for the module at `path` into the module cache, unless the
 * module is already there. Returns whether it did.
 */
export function deferModule(path: string): boolean {
  if (require.cache[path] !== undefined) return false;
  let real: Exports | undefined;
  const load = (): Exports => {
    if (real === undefined) {
      delete require.cache[path];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      real = require(path) as Exports;
    }
    return real;
  };
  // The target stays empty and extensible, so forwarding every trap keeps the Proxy invariants.
  const standIn = new Proxy({} as Exports, {
    // __esModule: TypeScript's __importStar hands the stand-in over as it is, without listing its keys.
    get: (_t, key) => (key === "__esModule" ? true : key === STAND_IN ? real === undefined : load()[key]),
    set: (_t, key, value) => Reflect.set(load(), key, value),
    has: (_t, key) => key in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_t, key) => {
      const d = Object.getOwnPropertyDescriptor(load(), key);
      return d === undefined ? undefined : { ...d, configurable: true };
    },
    defineProperty: (_t, key, d) => Reflect.defineProperty(load(), key, d),
    deleteProperty: (_t, key) => Reflect.deleteProperty(load(), key),
  });
  const m = new (Module as unknown as ModuleCtor)(path);
  m.filename = path;
  m.loaded = true;
  m.exports = standIn;
  require.cache[path] = m;
  return true;
}

/** Defers DEFERRED_SDK_MODULES; returns the specifiers it deferred (see the file comment for when it defers none). */
export function deferSdkModules(): string[] {
  const deferred: string[] = [];
  for (const { specifier, requiredBy } of DEFERRED_SDK_MODULES) {
    let path: string;
    try {
      path = Module.createRequire(require.resolve(requiredBy)).resolve(specifier);
    } catch {
      continue;
    }
    if (deferModule(path)) deferred.push(specifier);
  }
  return deferred;
}

/** What was deferred when the program imported this file (index.ts does so first). */
export const DEFERRED_AT_LOAD: readonly string[] = deferSdkModules();
