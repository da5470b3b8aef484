/** `yo distroless-python:docker [directory]`: the distroless build added to an existing project, as `--existing` (lib/existing). */
import type { Mode } from '../../lib/commands.js';
import { DistrolessPythonGenerator } from '../adapter.js';

export default class DockerGenerator extends DistrolessPythonGenerator {
  protected override get mode(): Mode {
    return 'existing';
  }

  protected override get program(): string {
    return 'yo distroless-python:docker';
  }

  // yeoman queues the class's own methods only.
  override prompting(): Promise<void> {
    return super.prompting();
  }

  override writing(): Promise<void> {
    return super.writing();
  }
}
