/** Usage lines of the platform commands with their own arguments (a module of its own: orchestrate.ts builds its usage from them at load). */
export const VERIFY_USAGE = "usage: npm run -s platform -- verify --env <dev|staging|prod> [--probe [--openshell-cli <path>] [--probe-image <image>]] [--timeout <seconds>] [--json]";
export const CLIENT_USAGE = "usage: npm run -s platform -- client --env <dev|staging|prod> --out <dir> [--force]";
