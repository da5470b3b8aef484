/**
 * Stand-in for chardet and iconv-lite in the bundle. Only inquirer's editor prompt uses them (to
 * decode the file an external editor wrote), and this bin never shows an editor prompt; bundled,
 * they would be a quarter of the file.
 */
const refuse = (): never => {
  throw new Error('create-distroless-python has no editor prompt');
};

export const detect = refuse;
export default { encodingExists: refuse, decode: refuse };
