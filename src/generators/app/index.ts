/** `yo distroless-python [directory]`: a new project, or with --existing the build for one (lib/pipeline). */
import { DistrolessPythonGenerator } from '../adapter.js';

export type { GeneratorOptions } from '../adapter.js';
export { CONFIG_KEY } from '../../lib/pipeline.js';

export default class AppGenerator extends DistrolessPythonGenerator {
  // yeoman queues the class's own methods only.
  override prompting(): Promise<void> {
    return super.prompting();
  }

  override writing(): Promise<void> {
    return super.writing();
  }
}
