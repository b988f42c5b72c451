/** Usage lines of the platform commands with their own arguments (a module of its own: orchestrate.ts builds its usage from them at load). */
/** One of them is required; --stack and --tier together mean both. */
export const SELECT = "[--stack NAME[,NAME|GLOB…]] [--tier dev|staging|prod] [--all]";
export const VERIFY_USAGE = `usage: npm run -s platform -- verify ${SELECT} [--parallel N] [--fail-fast] [--probe [--openshell-cli <path>] [--probe-image <image>]] [--timeout <seconds>] [--json]`;
export const CLIENT_USAGE = "usage: npm run -s platform -- client --stack NAME --out <dir> [--force]";
export const RECOVER_USAGE = "usage: npm run -s platform -- recover --stack NAME [--cancel] [--json]";
export const STACKS_USAGE = "usage: npm run -s platform -- stacks [--tier dev|staging|prod] [--json]";
