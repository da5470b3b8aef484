/**
 * Stand-in for fly-import in the bundle. yeoman-environment uses it to install generators from
 * npm on demand; this bin only runs the generator bundled with it, so any call is a bug.
 */
const refuse = (): never => {
  throw new Error('create-distroless-python does not install packages at run time');
};

export class FlyRepository {
  constructor(readonly config: { repositoryPath: string }) {}
  get repositoryPath(): string {
    return this.config.repositoryPath;
  }
  install = refuse;
  resolve = refuse;
}

export const flyImport = refuse;
