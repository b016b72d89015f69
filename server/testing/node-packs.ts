/**
 * What a node pack's tests import (examples/node-pack/*.test.ts): the SDK Stepwise hands the pack,
 * the small real node context built-in node tests use, and the check a pack must pass to load.
 */
export { packSdk } from '../../nodes/pack-sdk.ts';
export { answeringTemplates, issuePaths, testContext } from '../../nodes/testing/context.ts';
export { checkPack } from '../packs/check.ts';
