/** The oldest Node.js major Stepwise runs on (isolated-vm 7 and type stripping need it). */
export const REQUIRED_NODE_MAJOR = 24;

/** The sentence to stop with on an older Node, or undefined when `version` ("20.11.0") will do. */
export function nodeVersionProblem(version) {
  const major = Number.parseInt(String(version).split('.')[0], 10);
  if (major >= REQUIRED_NODE_MAJOR) return undefined;
  return [
    `Stepwise needs Node.js ${REQUIRED_NODE_MAJOR} or newer; this is Node.js ${version}.`,
    `Install Node.js ${REQUIRED_NODE_MAJOR} from https://nodejs.org/en/download (or run "nvm install ${REQUIRED_NODE_MAJOR}"), then run the command again.`,
    '',
  ].join('\n');
}
